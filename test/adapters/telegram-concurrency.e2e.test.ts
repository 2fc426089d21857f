// Concurrent updates, end to end: the real grammY bot (with grammY's runner) long polling the fake
// Bot API. A group waiting out its flood limit holds back only itself; one chat's updates keep
// their order; stop() finishes what was taken. Assertions are about order, never about time.
import type { Message, Update } from 'grammy/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { handledBy, plain } from '../support/telegram-group.js';

const busy: FakeChat = { id: -1005001, type: 'supergroup', title: 'Busy market' };
const calm: FakeChat = { id: -1005002, type: 'supergroup', title: 'Calm market' };
const ordered: FakeChat = { id: -1005003, type: 'supergroup', title: 'Orderly market' };
const [ann, ben, cid, dot, eve] = ['Ann', 'Ben', 'Cid', 'Dot', 'Eve'].map((first_name, i): FakeUser => ({ id: 301 + i, first_name })) as [FakeUser, FakeUser, FakeUser, FakeUser, FakeUser];

let fake: FakeTelegram;
let store: FreshCore;
let telegram: TelegramBot;

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
  store = freshCore();
  telegram = createTelegramBot({ token: fake.token, apiRoot: fake.apiRoot, core: store.core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  await telegram.start();
});

afterAll(async () => {
  await telegram?.stop();
  await fake?.close();
  store?.cleanup();
});

type Sent = Update & { message: Message };
const isReplyTo = (call: FakeCall, update: Sent) =>
  call.method === 'sendMessage' && !call.error && Number(call.params.chat_id) === update.message.chat.id && Number(call.params.reply_parameters?.message_id) === update.message.message_id;
/** Where the answer to `update` stands among all the calls the fake answered (-1: none yet). */
const answerIndex = (update: Sent) => fake.calls.findIndex((call) => isReplyTo(call, update));
const say = (chat: FakeChat, from: FakeUser, text: string): Sent => fake.sendText({ chat, from, text });

describe('concurrent updates', () => {
  it('answers another group at once while one group waits out its flood limit', async () => {
    // Telegram's per-chat limit, about a message a second: beyond it, 429 with retry_after.
    fake.limitChat(busy.id, { messages: 1, perSeconds: 1 });
    fake.setChatMemberStatus(calm.id, dot.id, 'creator');
    const queued = [ann, ben, cid].map((member) => say(busy, member, '/market'));
    // The busy group is at its limit: its second answer was refused and is being waited out.
    await fake.waitFor((call) => call.method === 'sendMessage' && call.error?.error_code === 429 && Number(call.params.chat_id) === busy.id, 10_000);

    // Members of the calm group, one of them an admin whose command needs a look-up (getChatMember).
    const calmOnes = [say(calm, dot, '/admin item-add pear'), say(calm, eve, '/market')];
    await handledBy(fake, telegram, undefined, 15_000);

    const busyAnswers = queued.map(answerIndex);
    const calmAnswers = calmOnes.map(answerIndex);
    expect(busyAnswers.every((i) => i >= 0), 'every member of the busy group is answered in the end').toBe(true);
    expect(calmAnswers.every((i) => i >= 0)).toBe(true);
    expect(busyAnswers, 'the busy group is answered in the order it asked').toEqual([...busyAnswers].sort((a, b) => a - b));
    // Sent after the busy group hit its limit, the calm group's answers (and the admin look-up)
    // came before the busy group's second answer: they waited for nothing of the busy group's.
    const busySecond = busyAnswers[1] as number;
    expect(Math.max(...calmAnswers)).toBeLessThan(busySecond);
    expect(fake.calls.findIndex((call) => call.method === 'getChatMember' && Number(call.params.chat_id) === calm.id)).toBeLessThan(busySecond);
    expect(plain(String(fake.calls[calmAnswers[0] as number]?.params.text))).toContain('Added "pear"');
    // The limit was really in the way: at least one refusal per answer after the first.
    expect(fake.sent('sendMessage').filter((call) => call.error?.error_code === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps one chat’s updates in order when the first is slow, while another chat goes ahead', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    // The admin look-up of the first command hangs until released.
    fake.handle('getChatMember', async (params: { user_id: number }) => {
      asked = true;
      await gate;
      return { status: 'creator', user: { id: Number(params.user_id), is_bot: false, first_name: 'Ann' }, is_anonymous: false };
    });
    const slow = say(ordered, ann, '/admin item-add fig');
    await expect.poll(() => asked, { timeout: 10_000 }).toBe(true);
    const next = say(ordered, ben, '/market');
    const elsewhere = say(calm, eve, '/market');

    await fake.waitFor((call) => isReplyTo(call, elsewhere), 10_000);
    await fake.waitForHandled(next, 10_000); // the bot has taken it...
    expect(answerIndex(next), '...and holds it back behind the slow one of its chat').toBe(-1);

    release();
    await handledBy(fake, telegram, undefined, 10_000);
    expect(answerIndex(slow)).toBeGreaterThanOrEqual(0);
    expect(answerIndex(next)).toBeGreaterThan(answerIndex(slow));
    expect(answerIndex(elsewhere)).toBeLessThan(answerIndex(slow));
  });

  it('finishes every update it has taken before stop() resolves, and takes none after', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.handle('getChatMember', async (params: { user_id: number }) => {
      await gate;
      return { status: 'creator', user: { id: Number(params.user_id), is_bot: false, first_name: 'Ann' }, is_anonymous: false };
    });
    const inHand = [say(ordered, ann, '/admin item-add kiwi'), say(calm, dot, '/admin item-add lime')];
    const behind = say(ordered, ben, '/market'); // waits behind the first, in its chat
    await fake.waitForHandled(behind, 10_000);

    let stopped = false;
    const stopping = telegram.stop().then(() => (stopped = true));
    await expect.poll(() => fake.polling, { timeout: 10_000 }).toBe(false); // the poll was called off
    const late = say(calm, eve, '/market');
    expect(stopped, 'stop() waits for the updates in hand').toBe(false);

    release();
    await stopping;
    for (const update of [...inHand, behind]) expect(answerIndex(update), update.message.text).toBeGreaterThanOrEqual(0);
    expect(answerIndex(behind)).toBeGreaterThan(answerIndex(inHand[0] as Sent));
    expect(fake.confirmedAt(late), 'nothing was taken after stop()').toBeUndefined();
    expect(answerIndex(late)).toBe(-1);
  });
});
