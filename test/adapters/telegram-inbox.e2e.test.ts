// The inbox, end to end: the real grammY bot (with grammY's runner) long polling the fake Bot API.
// A start runs what a dead run took and never started, in order, before new updates of the same
// chat, skips what it had started, and handles a batch Telegram hands out again once. While the
// inbox cannot be written, the bot takes (confirms) nothing, so a full disk loses no update.
import type { Message, Update } from 'grammy/types';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramBot, type TelegramBot } from '../../src/adapters/telegram/bot.js';
import type { TradeCore } from '../../src/core/trade-core.js';
import { startFakeTelegram, type FakeCall, type FakeChat, type FakeTelegram, type FakeUser } from '../fakes/telegram-api.js';
import { freshCore, type FreshCore } from '../support/core.js';
import { handledBy, plain } from '../support/telegram-group.js';

const group: FakeChat = { id: -1006001, type: 'supergroup', title: 'Fruit market' };
const calm: FakeChat = { id: -1006002, type: 'supergroup', title: 'Calm market' };
const [ann, ben, cid, eve] = ['Ann', 'Ben', 'Cid', 'Eve'].map((first_name, i): FakeUser => ({ id: 401 + i, first_name })) as [FakeUser, FakeUser, FakeUser, FakeUser];

let fake: FakeTelegram | undefined;
let store: FreshCore | undefined;
const bots: TelegramBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
  await fake?.close();
  store?.cleanup();
  fake = undefined;
  store = undefined;
});

type Sent = Update & { message: Message };
const startBot = async (fakeApi: FakeTelegram, core: TradeCore) => {
  const bot = createTelegramBot({ token: fakeApi.token, apiRoot: fakeApi.apiRoot, core, log: pino({ level: 'silent' }), pollingTimeoutSeconds: 1 });
  bots.push(bot);
  await bot.start();
  return bot;
};
const repliesTo = (fakeApi: FakeTelegram, update: Sent) =>
  fakeApi.calls.filter(
    (call: FakeCall) =>
      call.method === 'sendMessage' && !call.error && Number(call.params.chat_id) === update.message.chat.id && Number(call.params.reply_parameters?.message_id) === update.message.message_id,
  );
/** Where the (first) answer to `update` stands among all the calls the fake answered (-1: none). */
const answerIndex = (fakeApi: FakeTelegram, update: Sent) => fakeApi.calls.indexOf(repliesTo(fakeApi, update)[0] as FakeCall);
/** As the dead run wrote them: before Telegram was told they arrived. */
const asTaken = (updates: readonly Update[]) => updates.map((update) => ({ key: String(update.update_id), seq: update.update_id, payload: JSON.stringify(update) }));
/** What the next getUpdates of a run tells Telegram: everything up to `update` arrived. */
async function confirmUpTo(fakeApi: FakeTelegram, update: Update): Promise<void> {
  const response = await fetch(`${fakeApi.apiRoot}/bot${fakeApi.token}/getUpdates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ offset: update.update_id + 1, timeout: 0 }),
  });
  expect(response.ok).toBe(true);
}
const unstarted = (db: FreshCore) => db.core.unstartedUpdates('telegram').length;

describe('the inbox', () => {
  it('runs what a dead run took and never started, in order and before new updates; never what it had started', async () => {
    const api = (fake = await startFakeTelegram({ botUsername: 'TradingPostBot' }));
    const db = (store = freshCore());
    api.setChatMemberStatus(group.id, ann.id, 'creator');

    // The dead run took these. It had started the first (claimed: it runs at most once) and told
    // Telegram about all but the last (whose confirmation died with it: Telegram hands it out again).
    const started = api.sendText({ chat: group, from: ann, text: '/admin item-add plum' });
    const queued = [api.sendText({ chat: group, from: ann, text: '/admin item-add fig' }), api.sendText({ chat: group, from: ben, text: '/market' })];
    const elsewhere = api.sendText({ chat: calm, from: eve, text: '/market' });
    const notConfirmed = api.sendText({ chat: group, from: cid, text: '/market' });
    await confirmUpTo(api, elsewhere);
    expect(db.core.receiveUpdates('telegram', asTaken([started, ...queued, elsewhere, notConfirmed]))).toHaveLength(5);
    db.core.claimUpdate('telegram', String(started.update_id));
    // A member writes while the bot is down.
    const fresh = api.sendText({ chat: group, from: ben, text: '/market' });

    const telegram = await startBot(api, db.core);
    await handledBy(api, telegram, fresh, 10_000);

    expect(repliesTo(api, started), 'started before the crash: not run again').toEqual([]);
    for (const update of [...queued, elsewhere, notConfirmed, fresh]) expect(repliesTo(api, update), update.message.text).toHaveLength(1);
    expect(plain(String(repliesTo(api, queued[0] as Sent)[0]?.params.text))).toContain('Added "fig"');
    const inGroup = [...queued, notConfirmed, fresh].map((update) => answerIndex(api, update));
    expect(inGroup, 'the group is answered in the order it asked').toEqual([...inGroup].sort((a, b) => a - b));
    expect(db.core.listItems(db.core.findMarket('telegram', String(group.id))!.id).map((item) => item.name)).toEqual(['fig']);
    expect(unstarted(db)).toBe(0);
  });

  it('takes no update while the inbox cannot be written, and the next run handles it', async () => {
    const api = (fake = await startFakeTelegram({ botUsername: 'TradingPostBot' }));
    const db = (store = freshCore());
    let refused = 0;
    // As a full disk would: every write of a batch fails.
    const full: TradeCore = {
      ...db.core,
      receiveUpdates: () => {
        refused += 1;
        throw new Error('SqliteError: database or disk is full');
      },
    };
    const first = await startBot(api, full);
    const update = api.sendText({ chat: group, from: ann, text: '/market' });
    await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThan(0);
    await first.stop();
    expect(api.confirmedAt(update), 'Telegram was not told it arrived').toBeUndefined();
    expect(repliesTo(api, update)).toEqual([]);

    const second = await startBot(api, db.core);
    await handledBy(api, second, update, 10_000);
    expect(repliesTo(api, update)).toHaveLength(1);
    expect(unstarted(db)).toBe(0);
  });
});
