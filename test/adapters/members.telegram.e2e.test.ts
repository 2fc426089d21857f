// Who may act on a market (issue 9, hole 4): a banned member cannot rate, and a member who left
// the group cannot change anything in it from the private chat. The real grammY bot, fake Bot API.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { tradeState } from '../support/db-snapshot.js';
import { telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1003333, type: 'supergroup', title: 'Seed library' };
const admin: FakeUser = { id: 300, first_name: 'Ada', username: 'ada' };
const alice: FakeUser = { id: 301, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 302, first_name: 'Bobby', username: 'bobby' };
const carol: FakeUser = { id: 303, first_name: 'Carol', username: 'carol' };

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;
const { say, press, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
const dm = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
const inPrivate = async (user: FakeUser, text: string) => texts((await say(user, text, { chat: dm(user) })).calls, user.id).join('\n');

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby, carol]) {
    await say(user, '/start', { chat: dm(user) });
    await say(user, '/help');
  }
  await say(admin, '/admin item-add tomato');
  await say(admin, '/admin item-add bean');
  await say(admin, '/admin grant @alice 10 tomato');
  await say(admin, '/admin grant @bobby 10 bean');
  await say(admin, '/admin grant @carol 10 bean');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('who may act on a Telegram market', () => {
  it('refuses a rating from a member banned after the trade, and keeps the other side’s', async () => {
    await say(alice, '/post give 1 tomato want 1 bean');
    await press(bobby, lastCard(), `accept ${/#(\d+)/.exec(lastCard().text ?? '')?.[1]}`);
    await say(admin, '/admin ban @bobby spamming');
    const before = tradeState(store.db);
    expect(texts((await say(bobby, '/rate 1 1 bad')).calls).join('\n')).toBe('You are banned from this market (spamming), so you cannot rate trades; ask an admin if you think this is a mistake.');
    expect(tradeState(store.db)).toEqual(before);
    expect(texts((await say(alice, '/rate 1 5')).calls).join('\n')).toContain('You gave Bobby ★★★★★ for trade #1');
  });

  it('refuses, from the private chat, what a member who left the group would change there', async () => {
    await say(carol, '/post give 1 bean want 1 tomato');
    const offer = /#(\d+)/.exec(lastCard().text ?? '')?.[1];
    fake.setChatMemberStatus(group.id, carol.id, 'left');
    const before = tradeState(store.db);
    const refused = 'You are no longer a member of "Seed library", so you cannot change anything in its market; join the group again to trade there.';
    expect(await inPrivate(carol, '/post give 1 bean want 1 tomato')).toBe(refused);
    expect(await inPrivate(carol, `/cancel ${offer}`)).toBe(refused);
    expect(tradeState(store.db)).toEqual(before);
    // Reading is still theirs: what they hold and what they left open.
    expect(await inPrivate(carol, '/inventory')).toContain('bean');
  });

  it('lets the same member act again once Telegram says they are back', async () => {
    fake.setChatMemberStatus(group.id, carol.id, 'member');
    expect(await inPrivate(carol, '/post give 1 bean want 1 tomato')).toContain('Offer #');
  });
});
