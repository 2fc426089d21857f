// Issue 13, the admins' tools, on Telegram: the real grammY bot long polling a fake Bot API on
// 127.0.0.1. An admin acts, then reads it in /admin log, paged with inline buttons that edit the
// list in place; a member pressing those buttons is refused in a popup and nothing changes;
// /admin audit answers OK.
import type { Message } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { buttonsOf, handledBy, telegramGroup } from '../support/telegram-group.js';

const group: FakeChat = { id: -1009013, type: 'supergroup', title: 'Moderated market' };
const admin: FakeUser = { id: 930, first_name: 'Ada', username: 'ada_admin' };
const alice: FakeUser = { id: 931, first_name: 'Alice', username: 'alice' };
const bobby: FakeUser = { id: 932, first_name: 'Bobby', username: 'bobby' };

const NEXT = 'Next ▶';
const PREVIOUS = '◀ Previous';

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;

const { say, texts, lastCard } = telegramGroup(() => fake, group, () => telegram);
const privateChat = (user: FakeUser): FakeChat => ({ id: user.id, type: 'private' });
/** A log line without its time stamp, which is the test's clock. */
const action = (line: string) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC · /, '');
const shownLines = (message: Message) => (fake.message(group.id, message.message_id)?.text ?? '').split('\n').slice(1);
const buttonData = (message: Message, label: string) => buttonsOf(fake.message(group.id, message.message_id)).find(([text]) => text === label)?.[1];
async function press(from: FakeUser, message: Message, data: string): Promise<FakeCall[]> {
  const before = fake.calls.length;
  await handledBy(fake, telegram, fake.pressButton({ message: fake.message(group.id, message.message_id)!, from, data }));
  return fake.calls.slice(before);
}

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  fake.setChatMemberStatus(group.id, admin.id, 'creator');
  await telegram.start();
  for (const user of [admin, alice, bobby]) {
    await say(user, '/start', { chat: privateChat(user) });
    await say(user, '/help');
  }
  await say(admin, '/admin item-add apple emoji 🍎');
  await say(admin, '/admin item-add orange');
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

describe('Telegram: the admins’ tools', () => {
  it('shows an admin’s actions in /admin log, newest first, paged by editing the list in place', async () => {
    await say(admin, '/admin grant @alice 5 apple');
    await say(admin, '/admin ban @bobby spamming the group');
    for (let i = 1; i <= 9; i += 1) await say(admin, `/admin grant @alice ${i} orange`);

    const { calls } = await say(admin, '/admin log');
    expect(texts(calls)).toHaveLength(1);
    const log = lastCard();
    expect(log.text?.split('\n')[0]).toBe('Moderation log');
    expect(shownLines(log).map(action).slice(0, 2)).toEqual(['Ada granted Alice 9 orange', 'Ada granted Alice 8 orange']);
    expect(shownLines(log).map(action).slice(8)).toEqual(['Ada granted Alice 1 orange', 'Ada banned Bobby — why: spamming the group']);
    expect(buttonsOf(log)).toEqual([[NEXT, expect.stringMatching(/^admin log page after-\d+$/)]]);

    const next = await press(admin, log, buttonData(log, NEXT)!);
    expect(next.filter((c) => c.method === 'sendMessage')).toEqual([]);
    expect(next.filter((c) => c.method === 'editMessageText').map((c) => Number(c.params.message_id))).toEqual([log.message_id]);
    expect(shownLines(log).map(action)).toEqual([
      'Ada granted Alice 5 apple',
      'Ada added "orange" to the catalog',
      'Ada added "apple" to the catalog',
    ]);
    expect(buttonsOf(fake.message(group.id, log.message_id))).toEqual([[PREVIOUS, expect.stringMatching(/^admin log page before-\d+$/)]]);
    await press(admin, log, buttonData(log, PREVIOUS)!);
    expect(shownLines(log).map(action)[0]).toBe('Ada granted Alice 9 orange');
  });

  it('refuses a member who presses the log’s buttons, in a popup, changing nothing', async () => {
    await say(admin, '/admin log');
    const log = lastCard();
    const shown = fake.message(group.id, log.message_id);
    const calls = await press(alice, log, buttonData(log, NEXT)!);
    expect(calls.filter((c) => c.method === 'sendMessage' || c.method.startsWith('edit'))).toEqual([]);
    expect(calls.find((c) => c.method === 'answerCallbackQuery')?.params).toMatchObject({ show_alert: true, text: 'Only administrators of this group can do that.' });
    expect(fake.message(group.id, log.message_id)).toEqual(shown);
    const typed = await say(alice, '/admin log');
    expect(texts(typed.calls)).toEqual(['Only administrators of this group can do that.']);
  });

  it('filters the log to one member', async () => {
    const { calls } = await say(admin, '/admin log @bobby');
    expect(texts(calls).map((text) => text.split('\n').slice(1).map(action))).toEqual([['Ada banned Bobby — why: spamming the group']]);
  });

  it('answers /admin audit with OK', async () => {
    const { calls } = await say(admin, '/admin audit');
    expect(texts(calls)).toEqual([
      'Audit\nOK: 10 ledger rows replayed, and every one of the 2 items adds up (grants − revokes = inventories + escrow).',
    ]);
  });
});
