/**
 * The settlement sweep: applies every timeout whose deadline has passed (a cancel with its
 * refunds, or a completion when the taker did not confirm receipt), each in the core's
 * transaction with both sides' messages, in bounded batches so a bot that was down catches up
 * without one giant transaction. Several processes may sweep at once, and members may step at
 * the same moment: each trade moves through a guarded UPDATE, so each timeout happens once.
 */
import { DEFAULT_SETTLEMENT_BATCH } from '../core/settlement.js';
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export async function sweepSettlementTimeouts(core: TradeCore, log: Logger, batchSize = DEFAULT_SETTLEMENT_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const { applied, more } = core.applyDueSettlementTimeouts(batchSize);
    for (const { trade } of applied) {
      log.info({ market: trade.marketId, trade: trade.id, status: trade.status, reason: trade.cancelReason }, 'settlement timed out');
    }
    total += applied.length;
    if (!more) return total;
    // Let updates in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
