// The production image, without Docker: compile with `npm run build`'s config into a folder laid
// out like the image's /app (package.json, node_modules, dist/, drizzle/ and no src/), then run
// what the README tells operators to run there: `node dist/src/main.js` against the fake Bot API,
// the HEALTHCHECK, a backup of the live database, a restore, the audit and deploy-commands.
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { buildSlashCommands } from '../../src/adapters/discord/slash-commands.js';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord-api.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-api.js';
import { REPO_ROOT } from '../support/bot-process.js';

const run = promisify(execFile);
let fake: FakeTelegram | undefined;
let discord: FakeDiscord | undefined;
const dir = mkdtempSync(join(tmpdir(), 'trading-post-prod-'));
/** The image's /app. */
const app = join(dir, 'app');
/** The image's /data volume. */
const data = join(dir, 'data');
const databasePath = join(data, 'trade.db');
afterAll(async () => {
  await fake?.close();
  await discord?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Builds /app as the Dockerfile's run stage has it. */
async function buildApp(): Promise<void> {
  await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')], { cwd: REPO_ROOT }).catch(
    (error: { stdout?: string }) => {
      throw new Error(`npm run build failed:\n${error.stdout ?? ''}`);
    },
  );
  copyFileSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
  cpSync(join(REPO_ROOT, 'drizzle'), join(app, 'drizzle'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
}

/** `node dist/...` in /app with only the image's kind of environment (no .env there). */
const node = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
  run(process.execPath, [script, ...args], { cwd: app, env: { PATH: process.env['PATH'] ?? '', DATABASE_PATH: databasePath, ...env }, timeout: 30_000 }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

/** Bare package names the compiled code imports. */
function importedPackages(folder: string): Set<string> {
  const names = new Set<string>();
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const source = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const [, specifier = ''] of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      names.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
    }
  }
  return names;
}

describe('production image layout', () => {
  it('runs the bot, health check, backup, restore, audit and deploy-commands from dist/ alone', async () => {
    await buildApp();
    expect(existsSync(join(app, 'src'))).toBe(false);
    // The image keeps only `dependencies` (npm prune --omit=dev).
    const { dependencies } = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const imported = [...importedPackages(join(app, 'dist'))];
    expect(imported).toEqual(expect.arrayContaining(['better-sqlite3', 'grammy', 'discord.js']));
    expect(imported.filter((name) => !(name in dependencies))).toEqual([]);

    fake = await startFakeTelegram({ botUsername: 'TradingPostBot' });
    const group = { id: -1001, type: 'supergroup' as const, title: 'Market' };
    const ann = { id: 7, first_name: 'Ann', username: 'ann' };
    fake.setChatMemberStatus(group.id, ann.id, 'creator');
    const bot = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: app,
      env: { PATH: process.env['PATH'] ?? '', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, DATABASE_PATH: databasePath, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
    const say = async (text: string) => {
      const update = fake!.sendText({ chat: group, from: ann, text });
      const answer = await fake!.waitFor((call) => call.method === 'sendMessage' && Number(call.params.reply_parameters?.message_id) === update.message.message_id, 10_000);
      return String(answer.params.text);
    };
    const backup = join(data, 'backups', 'trade-copy.db');
    try {
      const deadline = Date.now() + 20_000;
      while (!fake.polling) {
        if (Date.now() > deadline || bot.exitCode !== null) throw new Error(`the bot did not start polling:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await say('/market')).toContain('There are no open offers right now.');
      expect(await say('/admin item-add apple')).toContain('Added &quot;apple&quot;');
      expect(await say('/admin item-add pear')).toContain('Added &quot;pear&quot;');
      expect(await say('/admin grant @ann 5 apple')).toContain('Granted');
      await say('/post give 2 apple want 1 pear');

      // The HEALTHCHECK and `docker exec ... node dist/src/cli/backup.js FILE`, while the bot runs.
      // The first heartbeat may predate the first answered poll; the next comes 15 s later.
      // Docker's start period (60 s) allows for that; so does this wait (three beats).
      let health = await node('dist/src/cli/healthcheck.js');
      for (const until = Date.now() + 45_000; health.code !== 0 && Date.now() < until; ) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        health = await node('dist/src/cli/healthcheck.js');
      }
      expect(health, `${health.stderr}\n${output}`).toMatchObject({ code: 0, stdout: expect.stringContaining('healthy:') });
      expect(await node('dist/src/cli/backup.js', [backup])).toMatchObject({ code: 0, stdout: expect.stringContaining(`Backed up ${databasePath} to ${backup}`) });
    } finally {
      bot.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);

    const accounted = 'market 1 apple: granted 5 - revoked 0 = 5; held 3 + escrow 2 = 5';
    const audited = await node('dist/src/cli/audit.js');
    expect(audited, output).toMatchObject({ code: 0, stdout: expect.stringContaining('OK: every item is accounted for.') });
    expect(audited.stdout).toContain(accounted);

    // Restore as the README says: the backup replaces the file, without the old -wal and -shm.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
    copyFileSync(backup, databasePath);
    const restored = await node('dist/src/cli/audit.js');
    expect(restored).toMatchObject({ code: 0, stdout: expect.stringContaining(accounted) });

    // The audit really compares: an apple that appears from nowhere is reported, exit 1.
    const tampered = join(data, 'tampered.db');
    copyFileSync(backup, tampered);
    const db = new BetterSqlite3(tampered);
    db.prepare('UPDATE inventories SET quantity = quantity + 1 WHERE quantity > 0').run();
    db.close();
    expect(await node('dist/src/cli/audit.js', [], { DATABASE_PATH: tampered })).toMatchObject({ code: 1, stdout: expect.stringContaining('DIFFERENCES') });

    discord = await startFakeDiscord({ guilds: [{ id: '100000000000000099', name: 'Prod test' }] });
    const registered = await node('dist/src/cli/deploy-commands.js', ['--guild', '100000000000000099'], {
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
    });
    expect(registered).toMatchObject({ code: 0, stdout: expect.stringContaining(`Registered ${buildSlashCommands(commands).length} slash commands in server 100000000000000099`) });
  }, 120_000);
});
