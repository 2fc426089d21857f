// Issue 11, wishlists on Telegram: a member wishes for items in the group (answered privately),
// offers that give them come as one DM digest with buttons that work, and alerts can be turned
// off. The real grammY bot against the fake Bot API; digests and DMs go out through the real jobs.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { createTelegramDelivery } from '../../src/adapters/telegram/delivery.js';
import { WISH_DIGEST_EVERY_MS } from '../../src/core/wishes.js';
import { drainOutbox } from '../../src/jobs/delivery.js';
import { sendWishAlerts } from '../../src/jobs/wish-alerts.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { testClock } from '../support/market.js';
import { LOOSE_THROTTLE, plain, telegramGroup } from '../support/telegram-group.js';

const fruit: FakeChat = { id: -1008101, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 810, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 811, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 812, first_name: 'Bobby', username: 'bobby' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const clock = testClock();
const log = pino({ level: 'silent' });
const { say, press, texts, lastCard } = telegramGroup(() => fake, fruit, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const offerOf = (message: Message) => Number(/#(\d+)/.exec(message.text ?? '')?.[1]);
const buttonsOf = (message: Message | undefined) => message?.reply_markup?.inline_keyboard.flat().map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']) ?? [];
const holding = (user: FakeUser, slug: string) => {
  const member = store.core.findMember(store.core.findMarket('telegram', String(fruit.id))!.id, String(user.id))!;
  return store.core.getInventory(member.id).holdings.find((h) => h.item.slug === slug)?.quantity ?? 0;
};

/** Runs the alerts job and the outbox delivery once, as the jobs do; returns Bobby's new digests. */
async function alertsAndDelivery(): Promise<Message[]> {
  const before = fake.messages(bobby.id).length;
  sendWishAlerts(store.core, log);
  await drainOutbox({ core: store.core, deliveries: [createTelegramDelivery({ token: fake.token, apiRoot: fake.apiRoot, botUsername: 'TradingPostBot', throttle: LOOSE_THROTTLE })], log });
  return fake.messages(bobby.id).slice(before).filter((message) => message.text?.includes('what you wish for'));
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log, pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(fruit.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) {
    await say(user, '/start', { chat: dm(user) });
    await say(user, '/help');
  }
  for (const item of ['apple', 'orange', 'pear']) await say(admin, `/admin item-add ${item}`);
  await say(admin, '/admin grant @alice 10 apple, 4 pear');
  await say(admin, '/admin grant @bobby 10 orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('wishlists on Telegram', () => {
  it('keeps a wishlist asked for in the group privately, and says what was wrong with bad input', async () => {
    const added = await say(bobby, '/want add apple, 2 pear');
    expect(texts(added.calls)).toEqual([]);
    expect(texts(added.calls, bobby.id)).toEqual(['Fruit market\nYour wishlist: apple (any amount), 2 pear. You will hear about new offers that give these.']);
    expect(texts((await say(bobby, '/want add 0 apple')).calls)).toEqual(['"0 apple": the quantity must be at least 1.']);
    expect(texts((await say(bobby, '/want frobnicate')).calls).join('\n')).toContain('add, remove, list, alerts');
    expect(texts((await say(bobby, '/want list', { chat: dm(bobby) })).calls, bobby.id)[0]).toContain('• apple (any amount)\n• 2 pear\n\nAlerts are on.');
  });

  it('tells the wisher in one DM about an offer that gives a wished item, and its Accept works', async () => {
    await say(alice, '/post give 3 apple want 1 orange');
    const offer = offerOf(lastCard());
    const [digest, ...more] = await alertsAndDelivery();
    expect(more).toEqual([]);
    expect(plain(digest?.text ?? '')).toBe(
      `Fruit market\nA new offer gives what you wish for:\n#${offer} Alice: gives 3 apple, wants 1 orange (you hold all it wants)\n/want alerts off stops these messages.`,
    );
    expect(buttonsOf(digest)).toEqual([['Accept', `accept ${offer}`], ['Details', `offer ${offer}`]]);
    const calls = await press(bobby, digest!, `accept ${offer}`);
    expect(String(calls.find((c) => c.method === 'answerCallbackQuery')?.params.text)).toMatch(/^Done! Trade #\d+ with Alice/);
    expect(holding(bobby, 'apple')).toBe(3);
  });

  it('gathers several offers into the next digest, a few minutes later, each opened by its button', async () => {
    await say(alice, '/post give 1 apple want 5 orange');
    const first = offerOf(lastCard());
    await say(alice, '/post give 2 pear want 1 orange');
    const second = offerOf(lastCard());
    expect(await alertsAndDelivery()).toEqual([]); // the last digest was moments ago
    clock.advance(WISH_DIGEST_EVERY_MS);
    const [digest] = await alertsAndDelivery();
    expect(plain(digest?.text ?? '')).toContain(`2 new offers give what you wish for:\n#${first} Alice: gives 1 apple, wants 5 orange (you hold all it wants)\n#${second} Alice`);
    expect(buttonsOf(digest)).toEqual([[`#${first}`, `offer ${first}`], [`#${second}`, `offer ${second}`]]);
    const shownBefore = fake.message(bobby.id, digest!.message_id)?.text;
    await press(bobby, digest!, `offer ${second}`);
    const card = fake.messages(bobby.id).at(-1);
    expect(card?.text).toContain(`Offer #${second}`);
    expect(buttonsOf(card).map(([label]) => label)).toContain('Accept');
    expect(fake.message(bobby.id, digest!.message_id)?.text).toBe(shownBefore);
  });

  it('answers /want add with the open offers that already match', async () => {
    const { calls } = await say(bobby, '/want add pear', { chat: dm(bobby) });
    const answer = texts(calls, bobby.id).join('\n');
    expect(answer).toContain('Open offers that already give what you wish for:');
    expect(answer).toMatch(/#\d+ Alice: gives 2 pear, wants 1 orange/);
  });

  it('sends nothing while alerts are off', async () => {
    expect(texts((await say(bobby, '/want alerts off', { chat: dm(bobby) })).calls, bobby.id)[0]).toContain('Alerts are off');
    await say(alice, '/post give 1 apple want 1 orange');
    clock.advance(WISH_DIGEST_EVERY_MS);
    expect(await alertsAndDelivery()).toEqual([]);
  });
});
