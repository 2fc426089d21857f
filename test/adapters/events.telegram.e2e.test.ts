// Issue 12, math-trade events, on Telegram: the real grammY bot against the fake Bot API. An admin
// opens an event in the group, three members enter and rank items, the list pages with its
// buttons, the export comes as a document, and the close trades a loop: every participant gets a
// direct message (with Rate buttons, or that nothing matched), and the group gets the summary.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { parseWantList } from '../../src/core/mathtrade/parse.js';
import { solveMathTrade } from '../../src/core/mathtrade/solve.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUpload, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { checkInvariants } from '../support/invariants.js';
import { buttonsOf, LOOSE_THROTTLE, popup, telegramGroup } from '../support/telegram-group.js';
import { en } from '../../commands/messages/en.js';

const group: FakeChat = { id: -1007012, type: 'supergroup', title: 'Event market' };
const admin: FakeUser = { id: 720, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 721, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 722, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 723, first_name: 'Carol', username: 'carol' };
const dave: FakeUser = { id: 724, first_name: 'Dave', username: 'dave' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const log = pino({ level: 'silent' });
const { say, press, texts } = telegramGroup(() => fake, group, () => telegram);
const inventory = async (user: FakeUser) => texts((await say(user, '/inventory')).calls, user.id).join('\n');

/** Enters items; returns the entry's number from the private answer. */
async function enter(user: FakeUser, items: string): Promise<number> {
  const said = texts((await say(user, `/event add ${items}`)).calls, user.id);
  const entry = Number(/Entry #(\d+)/.exec(said[0] ?? '')?.[1]);
  expect(entry, said.join('\n')).toBeGreaterThan(0);
  return entry;
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol, dave]) {
    await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    await say(user, '/help');
  }
  for (const item of ['apple', 'orange', 'pear', 'fig']) await say(admin, `/admin item-add ${item}`);
  await say(admin, '/admin grant @alice 20 apple');
  await say(admin, '/admin grant @bobby 5 orange');
  await say(admin, '/admin grant @carol 5 pear');
  await say(admin, '/admin grant @dave 5 fig');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('a math-trade event in a Telegram group', () => {
  it('runs from open to close: entries escrowed, list paged, export attached, loop traded, everyone told', async () => {
    expect(texts((await say(alice, '/event open Sneaky')).calls)).toEqual(['Only an admin of this market can open or close an event.']);
    const opened = texts((await say(admin, '/event open Spring swap hours 48')).calls);
    expect(opened[0]).toMatch(/^The math-trade event "Spring swap" is open until .* UTC\./);

    const a = await enter(alice, '2 apple');
    const b = await enter(bobby, '1 orange');
    const c = await enter(carol, '1 pear');
    const d = await enter(dave, '1 fig');
    expect(await inventory(alice)).toMatch(/You hold: 18 apple/);
    // Alice fills the list past one page with entries nobody will want.
    for (let i = 0; i < 9; i += 1) await enter(alice, '1 apple');

    expect(texts((await say(alice, `/event wants ${a} orange`)).calls, alice.id)).toEqual([`Event market\nFor entry #${a} you would take, best first: orange.`]);
    await say(bobby, `/event wants ${b} ${c}`);
    await say(carol, `/event wants ${c} #${a}; fig`);
    await say(dave, `/event wants ${d} ${b}`);
    expect(texts((await say(dave, `/event wants ${d} banana`)).calls).join('\n')).toContain('"banana" is neither an entry number of this event nor an item of the catalog');

    // The list is public in the group, ten entries a page, with a Next button that turns the page.
    await say(bobby, '/event list');
    const list = [...fake.messages(group.id)].reverse().find((m) => m.text?.startsWith('Entries of "Spring swap"'))!;
    expect(list.text).toContain(`#${a} Alice: 2 apple`);
    expect(list.text).not.toContain(`#${a + 12} Alice`);
    const next = buttonsOf(list).find(([label]) => label?.includes('Next'))!;
    expect(next[1]).toMatch(/^event list page after-\d+$/);
    await press(carol, list, next[1]!);
    // The same message now shows the next page: the entries past the first ten, not the first one.
    const paged = fake.message(group.id, list.message_id)?.text;
    expect(paged).toContain(`#${a + 12} Alice: 1 apple`);
    expect(paged).not.toContain(`#${a} Alice: 2 apple`);
    // A forged button for another action (an admin's close) is refused, and the event stays open.
    expect(popup(await press(admin, list, next[1]!.replace('list page', 'close page'), true))).toBe(en.press.unknown);
    expect(store.core.eventOverview(store.core.findMarket('telegram', String(group.id))!.id, alice.id)).toMatchObject({ ok: true, value: { event: { status: 'open' } } });

    // The export comes as a document in the private chat, and solves as the close will.
    const exported = (await say(alice, '/event export')).calls.find((call) => call.method === 'sendDocument');
    expect(Number(exported?.params.chat_id)).toBe(alice.id);
    const file = exported?.params.document as FakeUpload;
    expect(file.filename).toBe('Spring-swap-want-list.txt');
    const parsed = parseWantList(file.content);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const expected = (await solveMathTrade(parsed.wantList.entries)).figures.itemsTraded;

    const closed = texts((await say(admin, '/event close')).calls);
    // Bobby's orange goes to alice or to dave, not both: the loop of first choices wins.
    expect(closed).toEqual(['The event "Spring swap" is closed: 3 entries traded among 3 members in 1 loops. Everyone gets a direct message with their result.']);
    expect(expected).toBe(3);
    expect(await inventory(alice)).toMatch(/You hold: 18 apple, 1 orange/);
    expect(await inventory(carol)).toMatch(/You hold: 2 apple, 4 pear/);
    expect(await inventory(dave)).toMatch(/You hold: 5 fig/);

    const before = fake.calls.length;
    const delivery = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE });
    await drainOutbox({ core: store.core, deliveries: [delivery], log });
    const after = fake.calls.slice(before);
    const dms = (user: FakeUser) => texts(after, user.id);
    expect(dms(alice)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`your entry #${a} \\(2 apple\\) goes to Carol, and you receive 1 orange from Bobby \\(trade #\\d+\\)\\. Rate Bobby:`))]));
    expect(dms(alice).filter((text) => text.includes('nothing matched your entry'))).toHaveLength(9);
    expect(dms(dave)).toEqual([`Event market\nThe event "Spring swap" closed and nothing matched your entry #${d}: 1 fig went back to your inventory.`]);
    const aliceDm = fake.messages(alice.id).find((m) => m.text?.includes('Rate Bobby'))!;
    const tradeFromBobby = Number(/trade #(\d+)/.exec(aliceDm.text ?? '')?.[1]);
    expect(buttonsOf(aliceDm).map(([, data]) => data)).toContain(`rate ${tradeFromBobby} 5`);
    expect(texts(after)).toEqual(['The math-trade event "Spring swap" is closed: 3 of 13 entries traded, 3 members trading, 1 loops. Everyone has their result by direct message.']);

    // The trade shows like any other, naming the entry it exchanged.
    const card = texts((await say(alice, `/trade ${tradeFromBobby}`)).calls, alice.id).join('\n');
    expect(card).toContain(`Event entry: #${b}`);
    expect(card).toContain('1 orange');

    // Alice rates Bobby with the button in her message.
    await press(alice, aliceDm, `rate ${tradeFromBobby} 5`);
    expect(store.core.findTrade(store.core.findMarket('telegram', String(group.id))!.id, tradeFromBobby)?.ratingByTaker).toBe(5);
    checkInvariants(store);
  });
});
