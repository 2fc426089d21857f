/** The loop sweep over one market, synchronously, every batch: what the job does without its pauses. */
import type { LoopOutcome } from '../../src/core/loops/execute-loop.js';
import type { TradeCore } from '../../src/core/trade-core.js';

export function sweepMarket(core: TradeCore, marketId: number, limit?: number): LoopOutcome[] {
  const outcomes: LoopOutcome[] = [];
  let after = 0;
  for (;;) {
    const batch = core.sweepDueLoops(marketId, limit === undefined ? { after } : { after, limit });
    outcomes.push(...batch.outcomes);
    if (!batch.more) return outcomes;
    after = batch.last;
  }
}
