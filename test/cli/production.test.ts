// The production start: compile with `npm run build`'s config, run `node dist/src/main.js` (no
// TypeScript at run time) against the fake Bot API, answer a command, stop cleanly on SIGTERM.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-api.js';
import { REPO_ROOT } from '../support/bot-process.js';

let fake: FakeTelegram | undefined;
const dir = mkdtempSync(join(tmpdir(), 'trading-post-prod-'));
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('production start', () => {
  it('runs from compiled JavaScript, applies migrations, answers, and exits 0 on SIGTERM', async () => {
    await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT });
    fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    const bot = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_PATH: join(dir, 'data', 'trade.db'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!fake.polling) {
        if (Date.now() > deadline || bot.exitCode !== null) throw new Error(`the bot did not start polling:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const update = fake.sendText({ chat: { id: -1001, type: 'supergroup', title: 'Market' }, from: { id: 7, first_name: 'Ann' }, text: '/market' });
      const answer = await fake.waitFor((call) => call.method === 'sendMessage' && Number(call.params.reply_parameters?.message_id) === update.message.message_id, 10_000);
      expect(String(answer.params.text)).toContain('There are no open offers right now.');
    } finally {
      bot.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
  }, 90_000);
});
