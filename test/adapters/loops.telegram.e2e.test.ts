// Issue 11, loops of offers, on Telegram: the real grammY bot against the fake Bot API. Three
// members post offers that form a loop; the third post closes it by itself.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { refreshCards } from '../../src/jobs/cards.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { checkInvariants } from '../support/invariants.js';
import { LOOSE_THROTTLE, telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1007011, type: 'supergroup', title: 'Loop market' };
const admin: FakeUser = { id: 710, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 711, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 712, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 713, first_name: 'Carol', username: 'carol' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const log = pino({ level: 'silent' });
const { say, texts } = telegramGroup(() => fake, group, () => telegram);
const offerOf = (card: Message) => Number(/Offer #(\d+)/.exec(card.text ?? '')?.[1]);
const inventory = async (user: FakeUser) => texts((await say(user, '/inventory')).calls, user.id).join('\n');

/** Posts an offer in the group; returns the message of its card (the newest message there). */
async function post(from: FakeUser, line: string) {
  const said = texts((await say(from, line)).calls);
  expect(said[0], said.join('\n')).toMatch(/^Offer #\d+/);
  const card = fake.messages(group.id).at(-1)!;
  expect(offerOf(card)).toBe(Number(/^Offer #(\d+)/.exec(said[0]!)?.[1]));
  return card;
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol]) {
    await say(user, '/start', { chat: { id: user.id, type: 'private' } });
    await say(user, '/help');
  }
  for (const item of ['apple', 'orange', 'pear']) await say(admin, `/admin item-add ${item}`);
  await say(admin, '/admin grant @alice 5 apple');
  await say(admin, '/admin grant @bobby 5 pear');
  await say(admin, '/admin grant @carol 5 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('a loop of three offers', () => {
  it('completes all three when the third is posted: items moved, every owner told by DM, every card updated', async () => {
    const a = await post(alice, '/post give 2 apple want 1 orange');
    const b = await post(bobby, '/post give 3 pear want 2 apple');
    // The third post's answer is still its offer as posted; the loop runs right after.
    const c = await post(carol, '/post give 1 orange want 3 pear');
    const [ia, ib, ic] = [a, b, c].map(offerOf) as [number, number, number];
    expect([ia, ib, ic].map((id) => store.core.findOffer(id)?.status)).toEqual(['completed', 'completed', 'completed']);

    expect(await inventory(alice)).toMatch(/You hold: 3 apple, 1 orange/);
    expect(await inventory(bobby)).toMatch(/You hold: 2 apple, 2 pear/);
    expect(await inventory(carol)).toMatch(/You hold: 4 orange, 3 pear/);

    const before = fake.calls.length;
    const delivery = createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE });
    await drainOutbox({ core: store.core, deliveries: [delivery], log });
    const dms = (user: FakeUser) => texts(fake.calls.slice(before), user.id);
    const trades = (user: FakeUser) => store.core.listTrades(store.core.findMember(store.core.findMarket('telegram', String(group.id))!.id, String(user.id))!.id).entries;
    const receivedIn = (user: FakeUser) => trades(user).find((trade) => trade.taker.platformUserId === String(user.id))!.id;
    const gaveIn = (user: FakeUser) => trades(user).find((trade) => trade.owner.platformUserId === String(user.id))!.id;
    const loop = /loop #(\d+)/.exec(dms(alice)[0] ?? '')?.[1];
    expect(dms(alice)).toEqual([
      `Loop market\nYour offer #${ia} traded in a loop of 3 offers (loop #${loop}: Carol → Alice → Bobby → Carol), which the bot found and completed for you: ` +
        `you gave 2 apple to Bobby (trade #${gaveIn(alice)}) and received 1 orange from Carol (trade #${receivedIn(alice)}). Rate Carol:`,
    ]);
    expect(dms(bobby)).toEqual([expect.stringContaining(`you gave 3 pear to Carol (trade #${gaveIn(bobby)}) and received 2 apple from Alice (trade #${receivedIn(bobby)}). Rate Alice:`)]);
    expect(dms(carol)).toEqual([expect.stringContaining(`Your offer #${ic} traded in a loop of 3 offers (loop #${loop}:`)]);
    // The rating buttons rate the member each one received from.
    const dmToAlice = fake.calls.slice(before).find((call) => call.method === 'sendMessage' && call.params.chat_id === alice.id);
    expect(JSON.stringify(dmToAlice?.params.reply_markup)).toContain(`rate ${receivedIn(alice)} 5`);

    // The cards of the two earlier offers follow on the card job's pass; the third's at once.
    await refreshCards({ core: store.core, editor: telegram.cardEditor, log });
    for (const card of [a, b, c]) expect(fake.message(group.id, card.message_id)?.text).toContain('Traded');
    checkInvariants(store);
  });
});
