/**
 * Reading offers: one offer, a market's open offers page by page, a member's own offers.
 */
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { offerLines, offers, type OfferStatus } from '../db/schema.js';
import type { CatalogApi } from './catalog.js';
import type { CoreContext } from './context.js';
import { closestNames } from './catalog.js';
import { fail, ok, type Result } from './errors.js';
import type { Readers } from './readers.js';
import type { OfferView, Page } from './types.js';

const p = sql.placeholder;

export const MARKET_PAGE_SIZE = 10;
export const MY_OFFERS_LIMIT = 25;

export function createOfferQueries(ctx: CoreContext, deps: { catalog: CatalogApi; readers: Readers }) {
  const { db, clock } = ctx;
  const { catalog, readers } = deps;
  // Both listings walk a partial index of live rows newest first (active offers; open lines of
  // the item) and stop after one page; the expiry test keeps offers the sweep has not reached
  // yet out of sight.
  const openOffers = db.orm
    .select()
    .from(offers)
    .where(and(eq(offers.marketId, p('marketId')), eq(offers.status, 'active'), gt(offers.expiresAt, p('now'))))
    .orderBy(desc(offers.id))
    .limit(p('limit'))
    .offset(p('offset'))
    .prepare();
  const openOffersWithItem = db.orm
    .select({ offer: offers })
    .from(offerLines)
    .innerJoin(offers, eq(offers.id, offerLines.offerId))
    .where(
      and(
        eq(offerLines.itemId, p('itemId')),
        eq(offerLines.open, 1),
        eq(offers.marketId, p('marketId')),
        eq(offers.status, 'active'),
        gt(offers.expiresAt, p('now')),
      ),
    )
    .orderBy(desc(offerLines.offerId))
    .limit(p('limit'))
    .offset(p('offset'))
    .prepare();
  const ownOffers = db.orm.select().from(offers).where(eq(offers.ownerId, p('ownerId'))).orderBy(desc(offers.id)).limit(p('limit')).prepare();
  const ownOffersByStatus = db.orm
    .select()
    .from(offers)
    .where(and(eq(offers.ownerId, p('ownerId')), eq(offers.status, p('status'))))
    .orderBy(desc(offers.id))
    .limit(p('limit'))
    .prepare();

  return {
    /** An offer by number alone, in whatever market it is (for links that carry only the number). */
    findOffer(offerId: number): OfferView | undefined {
      const row = readers.offerRow(offerId);
      return row ? readers.offerView(row) : undefined;
    },

    /** One offer of this market, in any state. */
    getOffer(marketId: number, offerId: number): OfferView | undefined {
      const row = readers.offerRow(offerId);
      return row && row.marketId === marketId ? readers.offerView(row) : undefined;
    },

    /**
     * A page (from 1) of the market's open offers, newest first, optionally only those that give
     * or want one item. Never shows an offer past its expiry, even before the sweep closed it.
     * Refuses a page that is not a whole number from 1 (SQLite would throw on NaN or Infinity).
     */
    listMarketOffers(marketId: number, options: { item?: string | undefined; page?: number | undefined } = {}): Result<Page<OfferView>> {
      const page = options.page ?? 1;
      if (!Number.isSafeInteger(page) || page < 1) return fail({ code: 'invalid_page', page });
      const window = { marketId, now: clock(), limit: MARKET_PAGE_SIZE + 1, offset: (page - 1) * MARKET_PAGE_SIZE };
      let rows;
      if (options.item) {
        const item = catalog.findItem(marketId, options.item);
        if (!item) return fail({ code: 'unknown_item', name: options.item, suggestions: closestNames(options.item, catalog.listItems(marketId)) });
        rows = openOffersWithItem.all({ ...window, itemId: item.id }).map((row) => row.offer);
      } else {
        rows = openOffers.all(window);
      }
      return ok({ entries: rows.slice(0, MARKET_PAGE_SIZE).map(readers.offerView), page, hasMore: rows.length > MARKET_PAGE_SIZE });
    },

    /** The member's own offers, newest first, optionally in one status. */
    listMyOffers(memberId: number, status?: OfferStatus): OfferView[] {
      const rows = status
        ? ownOffersByStatus.all({ ownerId: memberId, status, limit: MY_OFFERS_LIMIT })
        : ownOffers.all({ ownerId: memberId, limit: MY_OFFERS_LIMIT });
      return rows.map(readers.offerView);
    },
  };
}
