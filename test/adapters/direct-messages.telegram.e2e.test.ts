// Issue 9, holes 2 and 6 on Telegram: direct messages name their market and carry buttons for the
// next step, which act on the market the message is about, whatever group the member used last.
// The real grammY bot against the fake Bot API; DMs go out through the real outbox delivery.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { HOUR, testClock } from '../support/market.js';
import { LOOSE_THROTTLE, plain, telegramGroup } from '../support/telegram-group.js';

const fruit: FakeChat = { id: -1008001, type: 'supergroup', title: 'Fruit market' };
const plants: FakeChat = { id: -1008002, type: 'supergroup', title: 'Plant swap' };
const admin: FakeUser = { id: 800, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 801, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 802, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 803, first_name: 'Carol', username: 'carol' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const clock = testClock();
const log = pino({ level: 'silent' });
const inFruit = telegramGroup(() => fake, fruit, () => telegram);
const inPlants = telegramGroup(() => fake, plants, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const offerOf = (text: string | undefined) => Number(/#(\d+)/.exec(text ?? '')?.[1]);

/** Runs the outbox delivery once, as the job does; returns each member's new direct messages. */
async function deliver(): Promise<(user: FakeUser) => Message[]> {
  const before = new Map([alice, bobby, carol].map((user) => [user.id, fake.messages(user.id).length]));
  await drainOutbox({ core: store.core, deliveries: [createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE })], log });
  return (user) => fake.messages(user.id).slice(before.get(user.id) ?? 0);
}
const buttonsOf = (message: Message | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']) ?? [];
const popup = (calls: Awaited<ReturnType<typeof inFruit.press>>) => String(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text ?? '');

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  for (const group of [fruit, plants]) fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol]) {
    await inFruit.say(user, '/start', { chat: dm(user) });
    await inFruit.say(user, '/help');
  }
  await inFruit.say(admin, '/admin item-add apple');
  await inFruit.say(admin, '/admin item-add orange');
  await inFruit.say(admin, '/admin grant @alice 10 apple');
  await inFruit.say(admin, '/admin grant @bobby 10 orange');
  await inFruit.say(admin, '/admin grant @carol 10 orange');
  // Bobby and Carol trade in a second group too, and used it last: its market is their current one.
  for (const user of [bobby, carol]) await inPlants.say(user, '/help');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('direct messages on Telegram', () => {
  let directed: number;
  let trade: number;

  it('tells the member a directed offer came, naming its market, with Accept and Decline', async () => {
    await inFruit.say(alice, '/post give 2 apple to @bobby want 1 orange');
    directed = offerOf(inFruit.lastCard().text);
    const [note] = (await deliver())(bobby);
    expect(plain(note?.text ?? '')).toBe(`Fruit market\nAlice offers you 2 apple for 1 orange (offer #${directed}).`);
    expect(buttonsOf(note)).toEqual([['Accept', `accept ${directed}`], ['Decline', `decline ${directed}`]]);
  });

  it('takes Accept pressed in the DM in the market the DM is about, not the member’s current one', async () => {
    const [note] = fake.messages(bobby.id).filter((m) => m.text?.includes(`offer #${directed}`));
    const calls = await inFruit.press(bobby, note!, `accept ${directed}`);
    expect(popup(calls)).toMatch(/^Done! Trade #\d+ with Alice/);
    trade = store.core.findOffer(directed)!.tradeId!;
    expect(store.core.currentMarket('telegram', String(bobby.id))?.title).toBe('Fruit market');
  });

  it('puts one-press ratings on both completion DMs, and the rating lands', async () => {
    const dms = await deliver();
    const [toAlice] = dms(alice);
    expect(plain(toAlice?.text ?? '')).toContain(`Bobby accepted your offer #${directed} (trade #${trade})`);
    expect(buttonsOf(toAlice)).toEqual([1, 2, 3, 4, 5].map((n) => [`${n} ★`, `rate ${trade} ${n}`]));
    expect(popup(await inFruit.press(alice, toAlice!, `rate ${trade} 5`))).toBe(`You gave Bobby ★★★★★ for trade #${trade}. Thank you!`);
    const [toBobby] = dms(bobby);
    expect(popup(await inFruit.press(bobby, toBobby!, `rate ${trade} 4`))).toBe(`You gave Alice ★★★★☆ for trade #${trade}. Thank you!`);
    expect(popup(await inFruit.press(bobby, toBobby!, `rate ${trade} 1`))).toContain('already rated');
  });

  it('offers Post again on an expiry DM, which posts the same offer again, in its group too', async () => {
    await inFruit.say(alice, '/post give 1 apple want 1 orange hours 2 note second try');
    const expired = offerOf(inFruit.lastCard().text);
    clock.advance(3 * HOUR);
    store.core.expireDueOffers();
    const note = (await deliver())(alice).find((m) => m.text?.includes('expired'));
    expect(buttonsOf(note)).toEqual([['Post again', `repost ${expired}`]]);
    await inFruit.press(alice, note!, `repost ${expired}`);
    const reposted = inFruit.lastCard();
    expect(offerOf(reposted.text)).toBeGreaterThan(expired);
    expect(reposted.text).toContain('Note: second try');
    expect(reposted.text).toContain('Expires: in 2 h');
  });

  it('refuses a DM press from a member who has left the group, changing nothing', async () => {
    await inFruit.say(alice, '/post give 1 apple to @carol want 1 orange');
    const offer = offerOf(inFruit.lastCard().text);
    const [note] = (await deliver())(carol);
    fake.setChatMemberStatus(fruit.id, carol.id, 'left');
    const before = tradeState(store.db);
    expect(popup(await inFruit.press(carol, note!, `accept ${offer}`))).toBe('You are not a member of the group this card belongs to, so you cannot act on it.');
    expect(tradeState(store.db)).toEqual(before);
    fake.setChatMemberStatus(fruit.id, carol.id, 'member');
  });

  it('names the market in private answers', async () => {
    const { calls } = await inFruit.say(alice, '/inventory');
    expect(inFruit.texts(calls, alice.id)[0]?.split('\n')[0]).toBe('Fruit market');
  });
});
