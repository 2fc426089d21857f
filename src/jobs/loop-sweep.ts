/**
 * The loop sweep: looks for loops across every market open to them and executes the chosen ones.
 * The step after each post finds most loops as they form; the sweep catches what it could not:
 * loops formed while the bot was down or loops were switched off, a step that failed or lost its
 * loop to a race and found no other. Run at start (catching up) and on its schedule.
 *
 * Several processes may sweep at once: each loop executes in one IMMEDIATE transaction that
 * re-checks every leg, so a loop runs once and a loop another process broke does not run.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export async function sweepLoops(core: TradeCore, log: Logger): Promise<number> {
  let executed = 0;
  for (const marketId of core.marketsOpenToLoops()) {
    for (const outcome of core.sweepMarketLoops(marketId)) {
      if (outcome.executed) {
        executed += 1;
        log.info({ market: marketId, loop: outcome.loopId, offers: outcome.legs.map((leg) => leg.offerId) }, 'loop of offers executed');
      } else {
        log.debug({ market: marketId, reason: outcome.reason }, 'a loop broke before it could execute');
      }
    }
    // Let updates in between markets.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return executed;
}
