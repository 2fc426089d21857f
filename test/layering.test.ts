// The layering check, inside `npm test`: the rules of .dependency-cruiser.cjs hold for the real
// source tree, and each rule bites. The proof runs the same rules over a small tree laid out like
// this one (src/core, commands, src/db...), with the project's real node_modules, first clean and
// then with one file per forbidden import: each must be reported, by the rule that forbids it.
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every violation of a cruise from `baseDir`, as `rule: file -> the import as written`. */
async function layeringViolations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(REPO_ROOT, '.dependency-cruiser.cjs'));
  const { output } = await cruise(['src', 'commands'], { ...options, baseDir }, {}, { tsConfig: extractTSConfig(join(REPO_ROOT, 'tsconfig.json')) });
  return (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.unresolvedTo ?? v.to}`).sort();
}

/**
 * Imports each layer may make, one file per layer: the clean fixture must pass, so the rules
 * are not broader than the layering they describe.
 */
const ALLOWED: Record<string, string> = {
  'src/db/schema.ts': `import { sql } from 'drizzle-orm';\nexport const PLATFORMS = ['telegram'] as const;\nexport const now = sql\`1\`;`,
  'src/db/connection.ts': `import BetterSqlite3 from 'better-sqlite3';\nimport { drizzle } from 'drizzle-orm/better-sqlite3';\nimport * as schema from './schema.js';\nexport const open = () => drizzle({ client: new BetterSqlite3(':memory:'), schema });`,
  'src/core/types.ts': `export { PLATFORMS } from '../db/schema.js';\nimport type { open } from '../db/connection.js';\nexport type Db = ReturnType<typeof open>;`,
  'commands/index.ts': `import { z } from 'zod';\nimport { PLATFORMS } from '../src/core/types.js';\nexport const platform = z.enum(PLATFORMS);`,
  'src/jobs/scheduler.ts': `import cron from 'node-cron';\nimport { platform } from '../../commands/index.js';\nexport const start = () => cron.schedule('* * * * *', () => platform);`,
  'src/adapters/telegram/bot.ts': `import { Bot } from 'grammy';\nimport { autoRetry } from '@grammyjs/auto-retry';\nimport { platform } from '../../../commands/index.js';\nimport { start } from '../../jobs/scheduler.js';\nexport const bot = { Bot, autoRetry, platform, start };`,
  'src/adapters/discord/bot.ts': `import { Client } from 'discord.js';\nimport type { Db } from '../../core/types.js';\nexport const client = (db: Db) => [Client, db];`,
  'src/main.ts': `import { open } from './db/connection.js';\nimport { bot } from './adapters/telegram/bot.js';\nimport { client } from './adapters/discord/bot.js';\nexport const main = () => [bot, client(open())];`,
  'src/cli/backup.ts': `import { open } from '../db/connection.js';\nimport { REST } from 'discord.js';\nexport const backup = () => [open(), REST];`,
};

/** One forbidden import per file, as written, and the rule that must report it. */
const FORBIDDEN: Array<{ file: string; source: string; rule: string; imported: string }> = [
  { file: 'src/core/grammy-type.ts', source: `import type { Bot } from 'grammy';\nexport type B = Bot;`, rule: 'core-platform-library', imported: 'grammy' },
  { file: 'src/core/discord.ts', source: `export { Client } from 'discord.js';`, rule: 'core-platform-library', imported: 'discord.js' },
  { file: 'src/core/cron.ts', source: `import cron from 'node-cron';\nexport const c = cron;`, rule: 'core-platform-library', imported: 'node-cron' },
  { file: 'src/core/adapter.ts', source: `import { bot } from '../adapters/telegram/bot.js';\nexport const b = bot;`, rule: 'core-above-its-layer', imported: '../adapters/telegram/bot.js' },
  { file: 'src/core/command.ts', source: `import { platform } from '../../commands/index.js';\nexport const p = platform;`, rule: 'core-above-its-layer', imported: '../../commands/index.js' },
  { file: 'src/core/job.ts', source: `import { start } from '../jobs/scheduler.js';\nexport const s = start;`, rule: 'core-above-its-layer', imported: '../jobs/scheduler.js' },
  { file: 'commands/adapter.ts', source: `import { client } from '../src/adapters/discord/bot.js';\nexport const c = client;`, rule: 'commands-above-their-layer', imported: '../src/adapters/discord/bot.js' },
  { file: 'commands/grammy.ts', source: `import { InlineKeyboard } from 'grammy';\nexport const k = new InlineKeyboard();`, rule: 'commands-chat-library', imported: 'grammy' },
  { file: 'commands/grammy-plugin.ts', source: `import { autoRetry } from '@grammyjs/auto-retry';\nexport const r = autoRetry;`, rule: 'commands-chat-library', imported: '@grammyjs/auto-retry' },
  { file: 'commands/schema.ts', source: `import { PLATFORMS } from '../src/db/schema.js';\nexport const p = PLATFORMS;`, rule: 'db-skipping-the-core', imported: '../src/db/schema.js' },
  { file: 'src/jobs/adapter.ts', source: `import { bot } from '../adapters/telegram/bot.js';\nexport const b = bot;`, rule: 'jobs-adapter', imported: '../adapters/telegram/bot.js' },
  { file: 'src/jobs/discord.ts', source: `import { EmbedBuilder } from 'discord.js';\nexport const e = EmbedBuilder;`, rule: 'jobs-adapter', imported: 'discord.js' },
  { file: 'src/jobs/connection.ts', source: `import type { open } from '../db/connection.js';\nexport type O = typeof open;`, rule: 'db-skipping-the-core', imported: '../db/connection.js' },
  { file: 'src/adapters/telegram/schema.ts', source: `import { PLATFORMS } from '../../db/schema.js';\nexport const p = PLATFORMS;`, rule: 'db-skipping-the-core', imported: '../../db/schema.js' },
  { file: 'src/db/core.ts', source: `import type { Db } from '../core/types.js';\nexport type D = Db;`, rule: 'db-above-its-layer', imported: '../core/types.js' },
  { file: 'src/db/main.ts', source: `import { main } from '../main.js';\nexport const m = main;`, rule: 'db-above-its-layer', imported: '../main.js' },
  { file: 'src/core/driver.ts', source: `import BetterSqlite3 from 'better-sqlite3';\nexport const d = BetterSqlite3;`, rule: 'sqlite-driver-outside-db', imported: 'better-sqlite3' },
  { file: 'src/cli/drizzle-driver.ts', source: `import { drizzle } from 'drizzle-orm/better-sqlite3';\nexport const d = drizzle;`, rule: 'sqlite-driver-outside-db', imported: 'drizzle-orm/better-sqlite3' },
  { file: 'src/core/missing.ts', source: `import { gone } from './gone.js';\nexport const g = gone;`, rule: 'unresolvable', imported: './gone.js' },
];

const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway tree with these files, resolving packages through the project's own node_modules. */
function fixtureTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trading-post-layering-'));
  fixtures.push(dir);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `${source}\n`);
  }
  return dir;
}

describe('layering', () => {
  it('holds for the source tree: adapters and jobs -> commands -> core -> db, the SQLite driver only in src/db', async () => {
    expect(await layeringViolations(REPO_ROOT)).toEqual([]);
  });

  it('lets every layer import what it may', async () => {
    expect(await layeringViolations(fixtureTree(ALLOWED))).toEqual([]);
  });

  it('reports each forbidden import, type-only ones too, by the rule that forbids it', async () => {
    const tree = fixtureTree({ ...ALLOWED, ...Object.fromEntries(FORBIDDEN.map(({ file, source }) => [file, source])) });
    expect(await layeringViolations(tree)).toEqual(FORBIDDEN.map(({ file, rule, imported }) => `${rule}: ${file} -> ${imported}`).sort());
  });
});
