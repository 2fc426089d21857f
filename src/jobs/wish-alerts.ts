/**
 * The wishlist digests: for each member with wished-for offers waiting, one notification per
 * market at most every few minutes (src/core/wishes.ts). Each digest is written in its own
 * transaction with its matches marked taken, so two processes never write one twice; delivery
 * is the outbox's.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export function sendWishAlerts(core: TradeCore, log: Logger): number {
  const sent = core.sendWishDigests();
  if (sent > 0) log.info({ digests: sent }, 'wishlist digests queued');
  return sent;
}
