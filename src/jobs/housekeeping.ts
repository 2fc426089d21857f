/**
 * Quiet-time upkeep: fold the WAL back into the database file (so it does not grow under steady
 * load) and prune delivered notifications past their retention.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Database } from '../db/connection.js';
import type { Logger } from '../logger.js';

export function runHousekeeping(db: Database, core: TradeCore, log: Logger, retentionMs: number): void {
  const pruned = core.pruneDelivered(retentionMs);
  // PASSIVE never waits for readers or writers; what it cannot fold in now, the next run will.
  const [checkpoint] = db.sqlite.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  log.info({ pruned, walFrames: checkpoint?.log, checkpointed: checkpoint?.checkpointed }, 'housekeeping done');
}
