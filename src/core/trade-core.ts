/**
 * The trade core, assembled: every operation of the market over one database connection and one
 * clock. Statements are prepared here, once per connection. Adapters and commands use only this.
 */
import type { Database } from '../db/connection.js';
import { createAcceptOffer } from './accept-offer.js';
import { auditLedger } from './audit.js';
import { createCatalog } from './catalog.js';
import { createCloseOffer } from './close-offer.js';
import type { CoreContext } from './context.js';
import { createInventory } from './inventory.js';
import { createLoops } from './loops/loops.js';
import { createMarkets } from './markets.js';
import { createModeration } from './moderation.js';
import { createModerationLog } from './moderation-log.js';
import { createNotifications } from './notifications.js';
import { createHeartbeats } from './heartbeats.js';
import { createHandledUpdates } from './handled-updates.js';
import { createInbox } from './inbox.js';
import { createMovements } from './movements.js';
import { createCards } from './cards.js';
import { createOfferQueries } from './offer-queries.js';
import { createOfferSearch } from './offer-search.js';
import { createSavedFilters } from './saved-filters.js';
import { createOutbox } from './outbox.js';
import { createOfferPosting, createPostOffer } from './post-offer.js';
import { createCounterLinks } from './counter-links.js';
import { createCounterOffers } from './counter-offer.js';
import { createMarketSettings } from './market-settings.js';
import { createLimits } from './limits.js';
import { createReaders } from './readers.js';
import { createSettlement } from './settlement.js';
import { createTrades } from './trades.js';
import { createReputation } from './reputation.js';
import { createProfiles } from './profile.js';
import { createReviewModeration } from './review-moderation.js';
import { systemClock, type Clock } from './types.js';
import { createWishes } from './wishes.js';
import { createEvents } from './events/events.js';

export function createTradeCore(deps: { db: Database; clock?: Clock }) {
  const ctx: CoreContext = { db: deps.db, clock: deps.clock ?? systemClock };
  const reputation = createReputation(ctx);
  const readers = createReaders(ctx, { reputation });
  const movements = createMovements(ctx);
  const outbox = createOutbox(ctx);
  const catalog = createCatalog(ctx);
  const counterLinks = createCounterLinks(ctx);
  const closeOffer = createCloseOffer(ctx, { movements, readers, outbox, counterLinks });
  const markets = createMarkets(ctx);
  const inventory = createInventory(ctx, { catalog, movements, readers });
  const queries = createOfferQueries(ctx, { catalog, readers });
  const trades = createTrades(ctx, { readers, outbox, reputation });
  const moderation = createModeration(ctx, { readers, closeOffer });
  const settings = createMarketSettings(ctx);
  const wishes = createWishes(ctx, { catalog, readers, outbox });
  const settlement = createSettlement(ctx, { movements, readers, outbox, closeOffer, settings, wishes });
  const { recordWishMatches: _opensOffers, ...wishlists } = wishes;
  const { closeAsRemoved: _internal, closeAsExpired: _settlementOnly, closeWithRefund: _counters, endCountersOf, endCounter: _settlementEnds, ...offerClosing } = closeOffer;
  const { confirms: _acceptOnly, startSettlement: _insideAccept, ...settlementSteps } = settlement;
  const limits = createLimits(ctx, { settings });
  const posting = createOfferPosting(ctx, { catalog, movements, readers, outbox, wishes, limits });
  const counterOffers = createCounterOffers(ctx, { posting, readers, outbox, counterLinks, closeOffer });

  return {
    clock: ctx.clock,
    ...markets,
    getMember: readers.member,
    listItems: catalog.listItems,
    findItem: catalog.findItem,
    getItem: catalog.getItem,
    listCatalog: catalog.listCatalog,
    addItem: catalog.addItem,
    editItem: catalog.editItem,
    archiveItem: catalog.archiveItem,
    unarchiveItem: catalog.unarchiveItem,
    ...inventory,
    postOffer: createPostOffer(ctx, { posting }),
    ...wishlists,
    takeCommandTurn: limits.takeCommandTurn,
    pruneCommandTurns: limits.pruneCommandTurns,
    acceptOffer: createAcceptOffer(ctx, { movements, readers, outbox, settlement, limits, counters: { closeOriginalFor: counterOffers.closeOriginalFor, endCountersOf } }),
    counterOffer: counterOffers.counterOffer,
    ...settlementSteps,
    ...settings,
    ...offerClosing,
    ...queries,
    ...createOfferSearch(ctx, { catalog, readers }),
    ...createSavedFilters(ctx),
    ...trades,
    ...moderation,
    ...createModerationLog(ctx),
    getReputation: reputation.getReputation,
    getReputations: reputation.getReputations,
    ...createProfiles(ctx, { readers, reputation }),
    ...createReviewModeration(ctx, { readers, reputation }),
    ...createLoops(ctx, { movements, readers, outbox, counters: { endCountersOf } }),
    ...createEvents(ctx, { readers, movements, outbox, catalog, settings }),
    ...createNotifications(ctx),
    ...createCards(ctx),
    ...createHeartbeats(ctx),
    ...createHandledUpdates(ctx),
    ...createInbox(ctx),
    /** Recomputes conservation from the ledger, of every market or of one; see {@link auditLedger}. */
    audit: (marketId?: number) => auditLedger(deps.db, marketId),
    /**
     * Folds the write-ahead log back into the database file without waiting for anyone, so the
     * log does not grow under steady load (housekeeping runs it); see {@link Database.checkpoint}.
     */
    checkpoint: () => deps.db.checkpoint('PASSIVE'),
  };
}

export type TradeCore = ReturnType<typeof createTradeCore>;
