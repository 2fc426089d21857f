/** A real core on a fresh, empty database file (no market yet), for end-to-end tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseWithDriver } from '../../src/db/connection.js';
import { createTradeCore, type TradeCore } from '../../src/core/trade-core.js';
import type { Clock } from '../../src/core/types.js';

export interface FreshCore {
  path: string;
  db: DatabaseWithDriver;
  core: TradeCore;
  cleanup(): void;
}

export function freshCore(clock?: Clock): FreshCore {
  const dir = mkdtempSync(join(tmpdir(), 'trading-post-e2e-'));
  const path = join(dir, 'trade.db');
  const db = openDatabase(path);
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
