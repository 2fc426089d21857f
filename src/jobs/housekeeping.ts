/**
 * Quiet-time upkeep: fold the WAL back into the database file (so it does not grow under steady
 * load) and prune delivered notifications past their retention, update claims, inbox updates
 * and the rate limit's commands too old to matter, and the saved searches behind old page buttons.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

/**
 * Telegram keeps an unconfirmed update for 24 hours; a claim, or an update in the inbox that ran,
 * older than that guards nothing.
 */
const UPDATE_CLAIMS_KEPT_MS = 2 * 86_400_000;

/** A saved search behind a list's page buttons: a month old, its list is long out of date. */
export const SAVED_FILTERS_KEPT_MS = 30 * 86_400_000;

export function runHousekeeping(core: TradeCore, log: Logger, retentionMs: number): void {
  const pruned = core.pruneDelivered(retentionMs);
  // The inbox first: an update whose claim is gone would look never started.
  const inboxPruned = core.pruneInbox(UPDATE_CLAIMS_KEPT_MS);
  const forgotten = core.pruneHandledUpdates(UPDATE_CLAIMS_KEPT_MS);
  const searchesForgotten = core.pruneSavedFilters(SAVED_FILTERS_KEPT_MS);
  const commandsForgotten = core.pruneCommandTurns();
  // PASSIVE never waits for readers or writers; what it cannot fold in now, the next run will.
  const checkpoint = core.checkpoint();
  log.info({ pruned, forgotten, inboxPruned, searchesForgotten, commandsForgotten, walFrames: checkpoint.log, checkpointed: checkpoint.checkpointed }, 'housekeeping done');
}
