/** The card of any record a message can follow, as it now is, read within its own market. */
import type { RecordRef } from '../../src/core/cards.js';
import type { TradeCore } from '../../src/core/trade-core.js';
import type { Reply } from '../definition.js';
import type { Messages } from '../messages/index.js';
import { offerCard } from './offer-card.js';
import { tradeCard } from './trade-card.js';

/**
 * The card of `record` in market `marketId`, or nothing if the market has no such record. Reading
 * within the market is what keeps a record of one market out of another market's messages.
 */
export function recordCard(core: TradeCore, t: Messages, marketId: number, record: RecordRef): Reply | undefined {
  switch (record.kind) {
    case 'offer': {
      const offer = core.getOffer(marketId, record.id);
      return offer && offerCard(t, core.clock, offer);
    }
    case 'trade': {
      // Read as the card job does, for no one in particular: a trade's parties are its only viewers.
      const trade = core.findTrade(marketId, record.id);
      return trade && tradeCard(t, core.clock, trade);
    }
  }
}
