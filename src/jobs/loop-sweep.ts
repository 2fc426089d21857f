/**
 * The loop sweep: in every market open to loops, searches through the open offers the matching
 * step has not checked since they last became open (posted while the bot was down or the step
 * failed, open again after a cancelled settlement, posted while loops were off, a step whose
 * loops all broke in races) and executes the loops it chooses. Any loop among open offers goes
 * through the one that opened last, so these are the only offers a loop can still go through:
 * the sweep costs the offers awaiting a check, not the market. Run at start (catching up) and on
 * its schedule, in bounded batches, letting updates in between.
 *
 * Several processes may sweep at once: each loop executes in one IMMEDIATE transaction that
 * re-checks every leg, so a loop runs once and a loop another process broke does not run.
 */
import { DEFAULT_SWEEP_BATCH } from '../core/loops/loops.js';
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export async function sweepLoops(core: TradeCore, log: Logger, batchSize = DEFAULT_SWEEP_BATCH): Promise<number> {
  let executed = 0;
  for (const marketId of core.marketsOpenToLoops()) {
    let after = 0;
    for (;;) {
      const batch = core.sweepDueLoops(marketId, { after, limit: batchSize });
      for (const outcome of batch.outcomes) {
        if (outcome.executed) {
          executed += 1;
          log.info({ market: marketId, loop: outcome.loopId, offers: outcome.legs.map((leg) => leg.offerId) }, 'loop of offers executed');
        } else {
          log.debug({ market: marketId, reason: outcome.reason }, 'a loop broke before it could execute');
        }
      }
      // Let updates in between batches.
      await new Promise((resolve) => setImmediate(resolve));
      if (!batch.more) break;
      after = batch.last;
    }
  }
  return executed;
}
