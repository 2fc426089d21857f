// The environment contract: defaults, and one sentence naming the variable that is wrong.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const TELEGRAM = '123456789:AAFakeTokenForTestsOnly_0123456789';

describe('loadConfig', () => {
  it('applies the defaults and enables the platforms that have tokens', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TELEGRAM, DISCORD_TOKEN: '' })).toEqual({
      databasePath: './data/trade.db',
      logLevel: 'info',
      discord: undefined,
      telegram: { token: TELEGRAM, apiRoot: undefined },
      jobs: { enabled: true, expiry: '* * * * *', delivery: '*/5 * * * * *', housekeeping: '30 4 * * *', retentionMs: 30 * 86_400_000 },
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
  ])('stops with a sentence naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
