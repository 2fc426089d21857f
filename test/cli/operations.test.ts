// The operator's commands: backup of a live database, and the container health check.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { createTradeCore } from '../../src/core/trade-core.js';
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
    expect(restored.listMyOffers(alice.id)).toHaveLength(20);
    copy.close();

    const again = await cli('backup', [target], { DATABASE_PATH: t.path });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; choose a new file name');
  });
});

describe('health check', () => {
  it('is healthy only with a fresh heartbeat whose platforms are all up', async () => {
    t = createTestMarket();
    const env = { DATABASE_PATH: t.path };
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('no fresh heartbeat') });

    t.clock.set(Date.now());
    t.core.beat('elsewhere:1', { telegram: true }); // another container on the same volume
    expect((await cli('healthcheck', [], env)).code).toBe(1);
    t.core.beat(`${hostname()}:1`, { telegram: false });
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('platform connection down') });

    t.core.beat(`${hostname()}:1`, { telegram: true, discord: true });
    expect(await cli('healthcheck', [], env)).toMatchObject({ code: 0, stdout: expect.stringContaining(`healthy: ${hostname()}:1`) });

    t.clock.set(Date.now() - 60_000);
    t.core.beat(`${hostname()}:1`, { telegram: true });
    expect((await cli('healthcheck', [], env)).code).toBe(1);
    expect(await cli('healthcheck', [], { DATABASE_PATH: join(t.dir, 'missing.db') })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('database check failed'),
    });
    expect(existsSync(join(t.dir, 'missing.db'))).toBe(false);
  });
});
