// Issue 13, reputation on Telegram: /profile shows the partner-weighted score, trades, member
// since and the latest reviews; an admin hides an abusive review and the profile changes. The real
// grammY bot against the fake Bot API.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { testClock } from '../support/market.js';
import { plain, telegramGroup } from '../support/telegram-group.js';

const fruit: FakeChat = { id: -1008131, type: 'supergroup', title: 'Fruit market' };
const admin: FakeUser = { id: 1310, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 1311, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 1312, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 1313, first_name: 'Carol', username: 'carol' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const clock = testClock(); // 2026-11-21
const { say, texts } = telegramGroup(() => fake, fruit, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });

/** Everything the bot answered `user`'s command with, in the group and in their private chat. */
async function answer(user: FakeUser, text: string) {
  const { calls } = await say(user, text);
  return [...texts(calls), ...texts(calls, user.id)].map(plain).join('\n');
}
const profileLines = async (asker: FakeUser, text = '/profile') => (await answer(asker, text)).split('\n');

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore(clock);
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(fruit.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol]) {
    await say(user, '/start', { chat: dm(user) });
    await say(user, '/help');
  }
  for (const item of ['apple', 'orange']) await say(admin, `/admin item-add ${item}`);
  await say(admin, '/admin grant @alice 10 apple');
  await say(admin, '/admin grant @bobby 10 orange');
  await say(admin, '/admin grant @carol 10 orange');
  // Trade #1 with Bobby, who rates Alice 1 star with an insult; trade #2 with Carol, 4 stars.
  await say(alice, '/post give 1 apple want 1 orange');
  await say(bobby, '/accept 1');
  await say(alice, '/post give 1 apple want 1 orange');
  await say(carol, '/accept 2');
  await say(bobby, '/rate 1 1 you are a thief');
  clock.advance(24 * 3_600_000);
  await say(carol, '/rate 2 4 fair and quick');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('reputation on Telegram', () => {
  it('shows the score with its partners, the trades, member since and the latest reviews, newest first', async () => {
    // (5 x 3 + 1 + 4) / (5 + 2) = 2.86
    expect(await profileLines(alice)).toEqual([
      'Fruit market',
      'Alice',
      'Reputation: 2.9 / 5 from 2 partners',
      'Completed trades: 2',
      'In the market since: 2026-11-21',
      '★★★★☆ from Carol, 2026-11-22 (trade #2): fair and quick',
      '★☆☆☆☆ from Bobby, 2026-11-21 (trade #1): you are a thief',
    ]);
    expect(await profileLines(carol, '/profile @alice')).toContain('Reputation: 2.9 / 5 from 2 partners');
    expect(await profileLines(carol)).toEqual(expect.arrayContaining(['Reputation: not rated yet', 'Latest reviews: none yet']));
  });

  it("shows the owner's reputation on the offer card and on the market line", async () => {
    const posted = await answer(alice, '/post give 1 apple want 1 orange');
    expect(posted).toContain('From: Alice\nReputation: 2.9 / 5 from 2 partners');
    const market = await answer(carol, '/market');
    expect(market).toContain('#3 Alice: gives 1 apple, wants 1 orange · ★ 2.9 (2 partners)');
    expect(await answer(alice, '/cancel 3')).toContain('Offer #3 is cancelled');
  });

  it('lets an admin hide the insult: it leaves the score and the profile; unhiding brings it back', async () => {
    expect(await answer(bobby, '/admin review-hide 1')).toBe('Only administrators of this group can do that.');
    expect(await answer(alice, '/rate 1 5 no hard feelings')).toBe('You gave Bobby ★★★★★ for trade #1. Thank you!');
    expect(await answer(admin, '/admin review-hide 1 insult')).toBe(
      'Both sides reviewed trade #1: say whose review, like "/admin review-hide 1 @member" (Bobby or Alice).',
    );
    expect(await answer(admin, '/admin review-hide 1 @bobby insult')).toBe(
      "Bobby's review of Alice on trade #1 is hidden: it no longer counts toward Alice's reputation. /admin review-unhide 1 brings it back.",
    );
    const after = await profileLines(alice);
    // (5 x 3 + 4) / (5 + 1) = 3.17
    expect(after).toContain('Reputation: 3.2 / 5 from 1 partner');
    expect(after.join('\n')).not.toContain('thief');
    // Alice's review of Bobby is untouched.
    expect(await profileLines(alice, '/profile @bobby')).toContain('★★★★★ from Alice, 2026-11-22 (trade #1): no hard feelings');

    expect(await answer(admin, '/admin review-hide 1 @bobby')).toBe('The review by Bobby on trade #1 is already hidden; /admin review-unhide 1 brings it back.');
    expect(await answer(admin, '/admin review-hide 99')).toBe('There is no trade #99 in this market. See yours with /trades.');
    expect(await answer(admin, '/admin review-unhide 1')).toBe("Bobby's review of Alice on trade #1 counts again.");
    expect(await profileLines(alice)).toContain('Reputation: 2.9 / 5 from 2 partners');

    // The moderation log keeps both actions, with the author as the member acted on.
    const log = await answer(admin, '/admin log @bobby');
    expect(log).toMatch(/brought back Bobby's review of trade #1\n.*hid Bobby's review of trade #1 — why: insult/);
  });

  it('refuses a rating from a banned member with one sentence, changing nothing', async () => {
    await say(admin, '/admin ban @carol fake reviews');
    expect(await answer(carol, '/rate 2 1')).toBe('You are banned from this market (fake reviews), so you cannot rate trades; ask an admin if you think this is a mistake.');
    expect(await profileLines(alice)).toContain('Reputation: 2.9 / 5 from 2 partners');
  });
});
