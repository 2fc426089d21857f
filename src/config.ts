/**
 * The environment, parsed once at start-up. A missing or malformed variable stops the bot with a
 * sentence naming it; nothing else in the code reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// `FOO=` in a .env file means "not set", not "set to nothing".
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().trim().optional());
const baseUrl = (example: string) =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z
      .url({ protocol: /^https?$/, error: `must be an http(s) address such as ${example}` })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
  );

const cron = (fallback: string) =>
  z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().trim().refine(isCronExpression, 'must be a cron expression such as "* * * * *" (minute hour day month weekday)').default(fallback),
  );

const schema = z
  .object({
    DATABASE_PATH: optionalText.default('./data/trade.db'),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText.pipe(
      z.string().regex(/^\d{17,20}$/, 'must be the numeric application id from the Discord developer portal').optional(),
    ),
    DISCORD_API_URL: baseUrl('https://discord.com/api'),
    TELEGRAM_BOT_TOKEN: optionalText.pipe(
      z.string().regex(/^\d+:[\w-]{20,}$/, 'must be the token BotFather gave you (digits, a colon, then about 35 letters and digits)').optional(),
    ),
    TELEGRAM_API_ROOT: baseUrl('https://api.telegram.org'),
    JOBS: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    ),
    EXPIRY_SCHEDULE: cron('* * * * *'),
    ALERTS_SCHEDULE: cron('*/30 * * * * *'),
    DELIVERY_SCHEDULE: cron('*/5 * * * * *'),
    HOUSEKEEPING_SCHEDULE: cron('30 4 * * *'),
    LOOP_SWEEP_SCHEDULE: cron('*/10 * * * *'),
    NOTIFICATION_RETENTION_DAYS: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.coerce.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1').default(30),
    ),
    SHUTDOWN_TIMEOUT_SECONDS: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.coerce.number({ error: 'must be a number of seconds' }).positive('must be more than 0').default(8),
    ),
    LOG_LEVEL: z.preprocess((value) => (value === '' ? undefined : value), z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  })
  .superRefine((env, ctx) => {
    if (!env.DISCORD_TOKEN && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'or DISCORD_TOKEN must be set: the bot needs at least one platform' });
    }
    if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'must be set when DISCORD_TOKEN is' });
    }
  });

export interface Config {
  databasePath: string;
  logLevel: (typeof LOG_LEVELS)[number];
  discord: { token: string; applicationId: string; apiUrl: string | undefined } | undefined;
  telegram: { token: string; apiRoot: string | undefined } | undefined;
  jobs: { enabled: boolean; expiry: string; alerts: string; delivery: string; housekeeping: string; loops: string; retentionMs: number };
  /** How long a graceful shutdown may take before the process exits 1 with the work left unfinished. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env` into a {@link Config}, or throws a {@link ConfigError} whose message names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') || 'the environment';
    throw new ConfigError(`Configuration error: ${variable} ${issue?.message ?? 'is invalid'}.`);
  }
  const e = parsed.data;
  return {
    databasePath: e.DATABASE_PATH,
    logLevel: e.LOG_LEVEL,
    discord: e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, apiUrl: e.DISCORD_API_URL } : undefined,
    telegram: e.TELEGRAM_BOT_TOKEN ? { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT } : undefined,
    jobs: {
      enabled: e.JOBS === 'on',
      expiry: e.EXPIRY_SCHEDULE,
      alerts: e.ALERTS_SCHEDULE,
      delivery: e.DELIVERY_SCHEDULE,
      housekeeping: e.HOUSEKEEPING_SCHEDULE,
      loops: e.LOOP_SWEEP_SCHEDULE,
      retentionMs: e.NOTIFICATION_RETENTION_DAYS * 86_400_000,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  };
}

/** Only the database path, for tools (audit, backup) that run without platform tokens. */
export function loadDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return optionalText.default('./data/trade.db').parse(env.DATABASE_PATH);
}

/**
 * Reads `.env` from the working directory into `env` if the file exists. A variable already set
 * in the environment wins, as with docker's `--env-file` and Node's own loader. (Node's
 * `process.loadEnvFile` would do, but it only exists from Node 20.12 and `engines` promises 20.)
 */
export function loadDotEnv(path = '.env', env: NodeJS.ProcessEnv = process.env): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const [name, value] of Object.entries(parseDotEnv(text))) env[name] ??= value;
}

/**
 * Parses `.env` text the way Node's `util.parseEnv` does for one-line values: `NAME=value` (an
 * optional `export ` before it), blank lines and `#` comments skipped; an unquoted value is
 * trimmed and ends at `#`; a value in '', "" or `` is taken as written (`\n` in "" is a line
 * break) and anything after the closing quote is ignored. Values spanning lines are not read.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const [, name, rest = ''] = /^\s*(?:export\s+)?([\w.-]+)\s*=(.*)$/.exec(line) ?? [];
    if (!name) continue;
    const value = rest.trim();
    const [, quote, inner = ''] = /^(["'`])(.*?)\1/.exec(value) ?? [];
    if (!quote) parsed[name] = (value.split('#')[0] ?? '').trim();
    else parsed[name] = quote === '"' ? inner.replaceAll('\\n', '\n') : inner;
  }
  return parsed;
}
