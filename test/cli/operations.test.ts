// The operator's commands: backup of a live database, and the container health check.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { HEARTBEAT_EVERY_MS, processName, startHeartbeat } from '../../src/jobs/heartbeat.js';
import { createLogger } from '../../src/logger.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const run = promisify(execFile);
const cli = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env: { ...process.env, ...env }, cwd: process.cwd() }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

let t: TestMarket;
afterEach(() => t.cleanup());

describe('npm run backup', () => {
  it('copies the live database consistently and never overwrites a file', async () => {
    t = createTestMarket();
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, alice.id, alice.id, items(['apple', 50])));
    for (let i = 0; i < 20; i++) unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['pear', 1]) }));
    const target = join(t.dir, 'backups', 'copy.db');

    const made = await cli('backup', [target], { DATABASE_PATH: t.path });
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`Backed up ${t.path} to ${target}`);
    const copy = openDatabase(target);
    const restored = createTradeCore({ db: copy });
    expect(restored.audit().differences).toEqual([]);
    expect(restored.listMyOffers(alice.id, { size: 25 }).entries).toHaveLength(20);
    copy.close();

    const again = await cli('backup', [target], { DATABASE_PATH: t.path });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; choose a new file name');
  });
});

describe('health check', () => {
  afterEach(() => vi.useRealTimers());

  it('follows the real heartbeat writer: healthy while every platform is up, not when one goes down', async () => {
    t = createTestMarket();
    const env = { DATABASE_PATH: t.path };
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('no fresh heartbeat') });
    t.clock.set(Date.now());
    t.core.beat('elsewhere:1', { telegram: true }); // another container on the same volume
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('no fresh heartbeat') });

    // The writer main starts: a beat at once, then one every HEARTBEAT_EVERY_MS, each asking the bots.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const up = { telegram: true, discord: true };
    const heartbeat = startHeartbeat({ core: t.core, log: createLogger('silent'), platformsUp: () => ({ ...up }) });
    try {
      expect(await cli('healthcheck', [], env)).toMatchObject({ code: 0, stdout: expect.stringContaining(`healthy: ${processName()}`) });

      up.discord = false; // the gateway dropped: isRunning() turns false
      vi.advanceTimersByTime(HEARTBEAT_EVERY_MS);
      expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining(`platform connection down: ${processName()} {"telegram":true,"discord":false}`) });

      up.discord = true;
      vi.advanceTimersByTime(HEARTBEAT_EVERY_MS);
      expect((await cli('healthcheck', [], env)).code).toBe(0);

      // A second bot process on this host with its platform down makes the container unhealthy.
      t.core.beat(`${hostname()}:1`, { telegram: false });
      expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining(`${hostname()}:1 {"telegram":false}`) });
    } finally {
      heartbeat.stop();
    }
  });

  it('is unhealthy when the last heartbeat is stale, and when the database is missing', async () => {
    t = createTestMarket();
    const env = { DATABASE_PATH: t.path };
    t.clock.set(Date.now() - 60_000); // a process that beat a minute ago and then hung or died
    startHeartbeat({ core: t.core, log: createLogger('silent'), platformsUp: () => ({ telegram: true }) }).stop();
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/no fresh heartbeat from a bot process on this host \(the last was \d+ s ago\)/) });

    expect(await cli('healthcheck', [], { DATABASE_PATH: join(t.dir, 'missing.db') })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('database check failed'),
    });
    expect(existsSync(join(t.dir, 'missing.db'))).toBe(false);
  });
});
