/**
 * Builds a real core on a fresh SQLite file in a temporary folder, with a clock the test moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseWithDriver } from '../../src/db/connection.js';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import type { Result } from '../../src/core/errors.js';
import type { Market, MemberRef } from '../../src/core/types.js';

export const HOUR = 3_600_000;

export interface TestClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 21, 12, 0, 0)): TestClock {
  let now = start;
  const clock = (() => now) as TestClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

export interface TestMarket {
  dir: string;
  path: string;
  db: DatabaseWithDriver;
  core: TradeCore;
  clock: TestClock;
  market: Market;
  member(name: string): MemberRef;
  cleanup(): void;
}

/** A market on a new database file, with `items` in its catalog. */
export function createTestMarket(options: { items?: string[]; limits?: 'shipped' } = {}): TestMarket {
  const dir = mkdtempSync(join(tmpdir(), 'trading-post-'));
  const path = join(dir, 'trade.db');
  const db = openDatabase(path);
  const clock = testClock();
  const core = createTradeCore({ db, clock });
  const market = core.ensureMarket({ platform: 'telegram', platformMarketId: '-100', title: 'Test market' });
  if (options.limits !== 'shipped') relaxLimits(db, market.id);
  for (const name of options.items ?? ['apple', 'orange', 'pear']) unwrap(core.addItem(market.id, null, { name }));
  let nextUser = 1;
  const members = new Map<string, MemberRef>();
  return {
    dir,
    path,
    db,
    core,
    clock,
    market,
    member(name) {
      const known = members.get(name);
      if (known) return core.getMember(known.id) ?? known;
      const created = core.ensureMember({ marketId: market.id, platformUserId: String(nextUser++), displayName: name, username: name });
      members.set(name, created);
      return created;
    },
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value of a successful result; fails the test with the error code otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** `[{ name: 'apple', quantity: 5 }]` from `'5 apple'`-ish shorthand: `items(['apple', 5])`. */
export function items(...pairs: ReadonlyArray<readonly [string, number]>) {
  return pairs.map(([name, quantity]) => ({ name, quantity }));
}

/**
 * Tests script members who send dozens of commands a second and keep many offers open, which a
 * market's default limits exist to refuse: markets made for tests allow far more ({@link GENEROUS_LIMITS}), unless a test is
 * about the limits themselves (`limits: 'shipped'`, test/core/limits.test.ts).
 */
export const GENEROUS_LIMITS = { rateCommands: 10_000, maxOpenOffers: 100_000 };

export function relaxLimits(db: DatabaseWithDriver, marketId: number): void {
  // Written to the market's row as a fixture, not set by an admin: a test market's moderation log
  // starts empty.
  db.sqlite.prepare('UPDATE markets SET rate_commands = ?, max_open_offers = ? WHERE id = ?').run(GENEROUS_LIMITS.rateCommands, GENEROUS_LIMITS.maxOpenOffers, marketId);
}
