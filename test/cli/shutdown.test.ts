// Graceful shutdown of the real bot process (`src/main.ts`): a signal while Telegram is still
// unreachable at start, commands in hand (in two groups, and one waiting behind another of its
// group) when SIGTERM arrives, and the deadline for work that never finishes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from 'grammy/types';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeCall, type FakeTelegram } from '../fakes/telegram-api.js';
import { killStartedProcesses, startBot, waitUntil, type StartedProcess } from '../support/bot-process.js';

const dir = mkdtempSync(join(tmpdir(), 'trading-post-shutdown-'));
let fake: FakeTelegram | undefined;
afterEach(async () => {
  killStartedProcesses();
  await fake?.close();
  fake = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const group = { id: -1001, type: 'supergroup' as const, title: 'Market' };
const other = { id: -1002, type: 'supergroup' as const, title: 'Other market' };
const ann = { id: 7, first_name: 'Ann' };
const ben = { id: 8, first_name: 'Ben' };

/** A local address where nothing listens: every connection is refused. */
async function unreachableAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Starts the bot on the fake with info logs (the shutdown lines are info) and waits until it polls. */
async function startPolling(fakeApi: FakeTelegram, database: string, env: Record<string, string> = {}): Promise<StartedProcess> {
  const polls = fakeApi.pollCount;
  const bot = startBot({ token: fakeApi.token, apiRoot: fakeApi.apiRoot, databasePath: join(dir, database), timeoutMs: 30_000, env: { LOG_LEVEL: 'info', ...env } });
  await waitUntil('the bot to poll', () => fakeApi.pollCount > polls, { timeoutMs: 30_000, watch: [bot], describe: () => bot.describe() });
  return bot;
}

/** Makes getChatMember (the admin check of `/admin`) wait for `gate`; `entered` counts the calls that arrived. */
function holdAdminCheck(fakeApi: FakeTelegram, gate: Promise<void>) {
  const state = { entered: 0 };
  fakeApi.handle('getChatMember', async (params: { user_id: number }) => {
    state.entered += 1;
    await gate;
    return { status: 'creator', user: { id: Number(params.user_id), is_bot: false, first_name: 'Ann' }, is_anonymous: false };
  });
  return state;
}

/** The bot's answers to a message (message ids are per chat). */
const repliesTo = (fakeApi: FakeTelegram, message: Message) =>
  fakeApi.calls.filter(
    (call: FakeCall) => call.method === 'sendMessage' && !call.error && Number(call.params.chat_id) === message.chat.id && Number(call.params.reply_parameters?.message_id) === message.message_id,
  );

describe('graceful shutdown', () => {
  it('exits 0 on SIGTERM while Telegram is still unreachable at start', async () => {
    // The bound: a bot that ignored the signal would be killed after 20 s and fail below.
    const bot = startBot({ token: '123456789:AAFakeTokenForTestsOnly_0123456789', apiRoot: await unreachableAddress(), databasePath: join(dir, 'unreachable.db'), timeoutMs: 20_000, env: { LOG_LEVEL: 'info' } });
    await waitUntil('the bot to start connecting', () => bot.stdout().includes('connecting to Telegram'), { timeoutMs: 30_000, watch: [bot], describe: () => bot.describe() });
    bot.kill('SIGTERM');
    const run = await bot.done;
    expect(run.timedOut, bot.describe()).toBe(false);
    expect(run.code, bot.describe()).toBe(0);
    expect(run.stdout).toMatch(/"starting":\["telegram"\].*shutting down/);
    expect(run.stdout).toContain('"msg":"stopped"');
  }, 40_000);

  it('finishes the commands in hand, takes no new update, and the next start answers that one', async () => {
    fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    let release = () => {};
    const adminCheck = holdAdminCheck(fake, new Promise<void>((resolve) => (release = resolve)));
    const bot = await startPolling(fake, 'in-hand.db');

    // Two commands in hand side by side (one per group), and one the bot has taken that waits
    // behind the first of its group.
    const inHand = fake.sendText({ chat: group, from: ann, text: '/admin item-add apple' });
    const alsoInHand = fake.sendText({ chat: other, from: ben, text: '/admin item-add pear' });
    await waitUntil('both admin checks to be asked', () => adminCheck.entered === 2, { timeoutMs: 15_000, watch: [bot], describe: () => bot.describe() });
    const behind = fake.sendText({ chat: group, from: ben, text: '/market' });
    await fake.waitForHandled(behind, 15_000);
    bot.kill('SIGTERM');
    await waitUntil('the shutdown to begin', () => bot.stdout().includes('shutting down'), { timeoutMs: 15_000, watch: [bot], describe: () => bot.describe() });
    const late = fake.sendText({ chat: group, from: ann, text: '/market' });
    release();

    const run = await bot.done;
    expect(run.code, bot.describe()).toBe(0);
    const answered = repliesTo(fake, inHand.message);
    expect(answered, 'the command in hand was answered').toHaveLength(1);
    expect(String(answered[0]?.params.text)).toContain('apple');
    expect(String(repliesTo(fake, alsoInHand.message)[0]?.params.text)).toContain('pear');
    expect(repliesTo(fake, behind.message), 'the one taken and waiting behind was answered too').toHaveLength(1);
    expect(repliesTo(fake, late.message), 'nothing new was taken after SIGTERM').toEqual([]);

    const again = await startPolling(fake, 'in-hand.db');
    const answer = await fake.waitFor((call) => call.method === 'sendMessage' && Number(call.params.reply_parameters?.message_id) === late.message.message_id, 15_000);
    expect(String(answer.params.text)).toContain('There are no open offers right now.');
    again.kill('SIGTERM');
    expect((await again.done).code, again.describe()).toBe(0);
  }, 90_000);

  it('gives up after SHUTDOWN_TIMEOUT_SECONDS, says what was left, and exits 1', async () => {
    fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    const adminCheck = holdAdminCheck(fake, new Promise<void>(() => {}));
    const bot = await startPolling(fake, 'stuck.db', { SHUTDOWN_TIMEOUT_SECONDS: '1' });
    fake.sendText({ chat: group, from: ann, text: '/admin item-add apple' });
    await waitUntil('the admin check to be asked', () => adminCheck.entered > 0, { timeoutMs: 15_000, watch: [bot], describe: () => bot.describe() });
    bot.kill('SIGTERM');
    const run = await bot.done;
    expect(run.code, bot.describe()).toBe(1);
    expect(run.stdout).toMatch(/"unfinished":\["telegram"\].*shutdown deadline passed/);
  }, 60_000);
});
