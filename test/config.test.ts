// The environment contract: defaults, and one sentence naming the variable that is wrong; and
// the .env reader, which must mean the same on every Node 20 as Node's own parser does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as util from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadDotEnv, parseDotEnv } from '../src/config.js';

const TELEGRAM = '123456789:AAFakeTokenForTestsOnly_0123456789';

describe('loadConfig', () => {
  it('applies the defaults and enables the platforms that have tokens', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: '' })).toEqual({
      databasePath: './data/trade.db',
      logLevel: 'info',
      discord: undefined,
      telegram: { token: TELEGRAM, apiRoot: undefined },
      jobs: { enabled: true, expiry: '* * * * *', alerts: '*/30 * * * * *', delivery: '*/5 * * * * *', housekeeping: '30 4 * * *', loops: '*/10 * * * *', retentionMs: 30 * 86_400_000 },
      shutdownTimeoutMs: 8000,
    });
    const both = loadConfig({
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:8080/api/',
      TELEGRAM_BOT_TOKEN: TELEGRAM,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081',
      LOG_LEVEL: 'debug',
      DATABASE_PATH: '/data/trade.db',
    });
    expect(both.discord).toEqual({ token: 'abc.def.ghi', applicationId: '123456789012345678', apiUrl: 'http://127.0.0.1:8080/api' });
    expect(both.telegram?.apiRoot).toBe('http://127.0.0.1:8081');
    expect(both.databasePath).toBe('/data/trade.db');
  });

  it.each([
    [{}, /TELEGRAM_BOT_TOKEN or DISCORD_TOKEN must be set/],
    [{ TELEGRAM_BOT_TOKEN: 'not-a-token' }, /TELEGRAM_BOT_TOKEN must be the token BotFather gave you/],
    [{ DISCORD_TOKEN: 'abc' }, /DISCORD_APPLICATION_ID must be set when DISCORD_TOKEN is/],
    [{ DISCORD_TOKEN: 'abc', DISCORD_APPLICATION_ID: 'my-app' }, /DISCORD_APPLICATION_ID must be the numeric application id/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, TELEGRAM_API_ROOT: 'localhost:8081' }, /TELEGRAM_API_ROOT must be an http\(s\) address/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, EXPIRY_SCHEDULE: 'every minute' }, /EXPIRY_SCHEDULE must be a cron expression/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, JOBS: 'maybe' }, /JOBS must be on or off/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, NOTIFICATION_RETENTION_DAYS: 'forever' }, /NOTIFICATION_RETENTION_DAYS must be a whole number of days/],
    [{ TELEGRAM_BOT_TOKEN: TELEGRAM, SHUTDOWN_TIMEOUT_SECONDS: '0' }, /SHUTDOWN_TIMEOUT_SECONDS must be more than 0/],
  ])('stops with a sentence naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

const SAMPLE = [
  '# a comment',
  'PLAIN=1',
  '  SPACED = spaced value  ',
  'CUT=abc#def',
  'COMMENTED=abc # a comment',
  'DOUBLE="a # kept" # dropped',
  "SINGLE='single'",
  'BREAK="line\\nbreak"',
  'export EXPORTED=yes',
  'EMPTY=',
  'CRON=*/5 * * * * *',
  'EQUALS=x=y',
  'not a variable',
  '',
].join('\n');

describe('.env', () => {
  it('parses values, quotes and comments', () => {
    expect(parseDotEnv(SAMPLE)).toEqual({
      PLAIN: '1',
      SPACED: 'spaced value',
      CUT: 'abc',
      COMMENTED: 'abc',
      DOUBLE: 'a # kept',
      SINGLE: 'single',
      BREAK: 'line\nbreak',
      EXPORTED: 'yes',
      EMPTY: '',
      CRON: '*/5 * * * * *',
      EQUALS: 'x=y',
    });
  });

  // util.parseEnv exists from Node 20.12; where it does, the two must agree.
  it.runIf(typeof util.parseEnv === 'function')('reads .env.example and the sample exactly as Node itself does', () => {
    const example = readFileSync(join(import.meta.dirname, '..', '.env.example'), 'utf8');
    expect(parseDotEnv(example)).toEqual({ ...util.parseEnv(example) });
    expect(parseDotEnv(SAMPLE)).toEqual({ ...util.parseEnv(SAMPLE) });
  });

  it('fills in what the environment lacks, never overriding a variable already set (even to empty)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dotenv-'));
    try {
      writeFileSync(join(dir, '.env'), 'TELEGRAM_BOT_TOKEN=from-file\nDISCORD_TOKEN=from-file\nLOG_LEVEL=debug\n');
      const env: NodeJS.ProcessEnv = { TELEGRAM_BOT_TOKEN: 'from-env', DISCORD_TOKEN: '' };
      loadDotEnv(join(dir, '.env'), env);
      expect(env).toEqual({ TELEGRAM_BOT_TOKEN: 'from-env', DISCORD_TOKEN: '', LOG_LEVEL: 'debug' });
      const untouched: NodeJS.ProcessEnv = {};
      loadDotEnv(join(dir, 'missing.env'), untouched);
      expect(untouched).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
