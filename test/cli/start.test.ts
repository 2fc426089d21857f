// `npm start` wires the jobs to the platforms it started: in the real bot process, an overdue
// offer expires, its card in the group is edited to say so, and the owner gets a direct message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeChat, type FakeTelegram } from '../fakes/telegram-api.js';
import { killStartedProcesses, startBot, waitUntil } from '../support/bot-process.js';

const dir = mkdtempSync(join(tmpdir(), 'trading-post-start-'));
let fake: FakeTelegram | undefined;
afterAll(async () => {
  killStartedProcesses();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('expires an overdue offer, edits its card in the group and tells the owner in private', async () => {
    fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    const api = fake;
    const group: FakeChat = { id: -1001, type: 'supergroup', title: 'Market' };
    const ann = { id: 7, first_name: 'Ann', username: 'ann' };
    api.setChatMemberStatus(group.id, ann.id, 'creator');
    const databasePath = join(dir, 'trade.db');
    const bot = startBot({
      token: api.token,
      apiRoot: api.apiRoot,
      databasePath,
      timeoutMs: 60_000,
      env: { EXPIRY_SCHEDULE: '* * * * * *', DELIVERY_SCHEDULE: '* * * * * *' },
    });
    const watch = { watch: [bot], describe: () => bot.describe() };
    await waitUntil('the bot to poll', () => api.pollCount > 0, { timeoutMs: 30_000, ...watch });
    const say = async (chat: FakeChat, text: string) => {
      const update = api.sendText({ chat, from: ann, text });
      await api.waitFor((call) => call.method === 'sendMessage' && Number(call.params.reply_parameters?.message_id) === update.message.message_id, 10_000);
    };

    await say(group, '/admin item-add apple');
    await say(group, '/admin item-add pear');
    await say(group, '/admin grant @ann 5 apple');
    await say(group, '/post give 2 apple want 1 pear hours 1');
    const card = [...api.messages(group.id)].reverse().find((message) => message.reply_markup);
    if (!card) throw new Error(`no offer card in the group\n${bot.describe()}`);
    expect(card.text).not.toContain('Expired');
    // Ann opens the private chat, so the bot may write to her.
    api.sendText({ chat: { id: ann.id, type: 'private' }, from: ann, text: '/start' });

    // An hour passes, as far as the offer can tell.
    const db = new BetterSqlite3(databasePath);
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE offers SET expires_at = ? WHERE status = ?').run(Date.now() - 1000, 'active');
    db.close();

    await waitUntil('the card to show the expiry', () => api.message(group.id, card.message_id)?.text?.includes('Expired') === true, { timeoutMs: 20_000, ...watch });
    const dm = await api.waitFor((call) => call.method === 'sendMessage' && Number(call.params.chat_id) === ann.id && String(call.params.text).includes('#1'), 20_000);
    expect(String(dm.params.text)).toContain('apple');

    bot.kill('SIGTERM');
    expect((await bot.done).code, bot.describe()).toBe(0);
  }, 90_000);
});
