/** A real core on a fresh, empty database file (no market yet), for end-to-end tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseWithDriver } from '../../src/db/connection.js';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import type { Clock } from '../../src/core/types.js';
import { GENEROUS_LIMITS } from './market.js';

export interface FreshCore {
  path: string;
  db: DatabaseWithDriver;
  core: TradeCore;
  cleanup(): void;
}

/**
 * `limits: 'shipped'` keeps the limits a new market ships with (for the limits' own tests). Without
 * it, every market the bot creates on this connection starts with generous ones
 * ({@link GENEROUS_LIMITS}): tests script members who send dozens of commands a second, which the
 * default rate limit exists to refuse. A TEMP trigger, so it lives on this connection alone and
 * never in the file's schema; the adapters create markets lazily, so there is no earlier moment.
 */
export function freshCore(clock?: Clock, options: { limits?: 'shipped' } = {}): FreshCore {
  const dir = mkdtempSync(join(tmpdir(), 'trading-post-e2e-'));
  const path = join(dir, 'trade.db');
  const db = openDatabase(path);
  if (options.limits !== 'shipped') {
    db.sqlite.exec(
      `CREATE TEMP TRIGGER generous_test_limits AFTER INSERT ON markets BEGIN
         UPDATE markets SET rate_commands = ${GENEROUS_LIMITS.rateCommands}, max_open_offers = ${GENEROUS_LIMITS.maxOpenOffers} WHERE id = NEW.id;
       END`,
    );
  }
  const core = createTradeCore(clock ? { db, clock } : { db });
  return {
    path,
    db,
    core,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
