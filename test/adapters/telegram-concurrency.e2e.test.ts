// Concurrent updates, end to end: the real grammY bot (with grammY's runner) long polling the fake
// Bot API. A group waiting out its flood limit holds back only itself; one chat's updates keep
// their order; a command's card edits hold back neither the chat's next answer nor each other's
// order; stop() finishes what was taken. Assertions are about order, never about time.
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

  it('answers a chat’s next command without waiting for the card edits of the one before; edits go one at a time, in order', async () => {
    const cardsChat: FakeChat = { id: -1005004, type: 'supergroup', title: 'Card market' };
    const { id: marketId } = store.core.ensureMarket({ platform: 'telegram', platformMarketId: String(cardsChat.id), title: 'Card market' });
    const admin = store.core.ensureMember({ marketId, platformUserId: 'test-admin', displayName: 'Admin', username: 'admin' });
    for (const item of ['apple', 'orange']) expect(store.core.addItem(marketId, null, { name: item }).ok).toBe(true);
    for (const member of [ann, ben, cid]) {
      const ref = store.core.ensureMember({ marketId, platformUserId: String(member.id), displayName: member.first_name, username: '' });
      expect(store.core.grantItems(marketId, admin.id, ref.id, [{ name: 'apple', quantity: 10 }, { name: 'orange', quantity: 10 }]).ok).toBe(true);
    }
    // Two offers, each with its card in the group.
    const posts = [say(cardsChat, ann, '/post give 1 apple want 1 orange'), say(cardsChat, ann, '/post give 2 apple want 1 orange')];
    await handledBy(fake, telegram, undefined, 10_000);
    const offerIds = posts.map((post) => Number(/Offer #(\d+)/.exec(plain(String(fake.calls[answerIndex(post)]?.params.text)))?.[1]));
    expect(offerIds.every(Number.isInteger)).toBe(true);

    // Edits in the group are slow (a network, or Telegram, taking its time) until released.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let heldEdits = 0;
    fake.hold('editMessageText', (params: { chat_id: number }) => {
      if (Number(params.chat_id) !== cardsChat.id) return undefined;
      heldEdits += 1;
      return gate;
    });
    const accepts = offerIds.map((id) => say(cardsChat, ben, `/accept ${id}`));
    await expect.poll(() => heldEdits, { timeout: 10_000 }).toBe(1);
    const next = say(cardsChat, cid, '/market');
    // Both accepts are answered and the next command too while the first card edit is on its way:
    // the second card's edit waits in the group's edit line, behind the first.
    for (const update of [...accepts, next]) await fake.waitFor((call) => isReplyTo(call, update), 10_000);
    expect(heldEdits, 'one edit at a time in a chat').toBe(1);
    const cardEdits = () => fake.calls.filter((call) => call.method === 'editMessageText' && Number(call.params.chat_id) === cardsChat.id);
    expect(cardEdits()).toEqual([]);

    release();
    await handledBy(fake, telegram, undefined, 10_000);
    fake.hold('editMessageText', () => undefined);
    const answers = [...accepts, next].map(answerIndex);
    expect(answers, 'the chat’s answers arrive in the order it asked').toEqual([...answers].sort((a, b) => a - b));
    const edits = cardEdits();
    expect(edits.map((call) => plain(String(call.params.text)).split('\n')[0]), 'each card edited once, in the order of the accepts').toEqual(
      offerIds.map((id) => `Offer #${id}`),
    );
    for (const edit of edits) expect(fake.calls.indexOf(edit)).toBeGreaterThan(answers[2] as number);
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
