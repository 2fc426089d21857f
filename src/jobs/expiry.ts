/**
 * The expiry sweep: expires every due offer (refunding its escrow and queueing the owner's
 * message, in the core's transaction), in bounded batches so a bot that was down for a day
 * catches up without one giant transaction. Two processes may sweep at once: each offer leaves
 * `active` through a guarded UPDATE, so it expires exactly once.
 */
import type { TradeCore } from '../core/trade-core.js';
import type { Logger } from '../logger.js';

export async function sweepExpiredOffers(core: TradeCore, log: Logger, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const { expired, more } = core.expireDueOffers(batchSize);
    for (const { offer } of expired) log.info({ market: offer.marketId, member: offer.owner.id, offer: offer.id }, 'offer expired');
    total += expired.length;
    if (!more) return total;
    // Let updates in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
