/**
 * Reading offers: one offer, a market's open offers and a member's own offers, a page at a time.
 */
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { offerLines, offers, type OfferStatus } from '../db/schema.js';
import type { CatalogApi } from './catalog.js';
import type { CoreContext } from './context.js';
import { closestNames } from './catalog.js';
import { readTransaction } from './context.js';
import { fail, ok, type Result } from './errors.js';
import { mapPage, readPage, type KeysetPage, type PageRequest } from './paging.js';
import type { Readers } from './readers.js';
import type { CatalogItem, OfferView } from './types.js';

const p = sql.placeholder;

/** Above every id: the bound that makes "after" read from the start. */
const FROM_THE_START = Number.MAX_SAFE_INTEGER;

export function createOfferQueries(ctx: CoreContext, deps: { catalog: CatalogApi; readers: Readers }) {
  const { db, clock } = ctx;
  const { catalog, readers } = deps;
  // The market listings walk a partial index of live rows (active offers; open lines of the item)
  // from a bound on the id, in either direction, and stop after one page; the expiry test keeps
  // offers the sweep has not reached yet out of sight.
  const live = and(eq(offers.marketId, p('marketId')), eq(offers.status, 'active'), gt(offers.expiresAt, p('now')));
  const openOffersAfter = db.orm.select().from(offers).where(and(live, lt(offers.id, p('bound')))).orderBy(desc(offers.id)).limit(p('limit')).prepare();
  const openOffersBefore = db.orm.select().from(offers).where(and(live, gt(offers.id, p('bound')))).orderBy(asc(offers.id)).limit(p('limit')).prepare();
  const openLinesOfItem = and(eq(offerLines.itemId, p('itemId')), eq(offerLines.open, 1), live);
  const withItem = () => db.orm.select({ offer: offers }).from(offerLines).innerJoin(offers, eq(offers.id, offerLines.offerId));
  const openOffersWithItemAfter = withItem()
    .where(and(openLinesOfItem, lt(offerLines.offerId, p('bound'))))
    .orderBy(desc(offerLines.offerId))
    .limit(p('limit'))
    .prepare();
  const openOffersWithItemBefore = withItem()
    .where(and(openLinesOfItem, gt(offerLines.offerId, p('bound'))))
    .orderBy(asc(offerLines.offerId))
    .limit(p('limit'))
    .prepare();
  // A member's own offers walk offers_owner_idx (owner, id); a status, when asked, is checked on
  // the rows (the index leaves status out on purpose, see the schema).
  const ownOffers = and(eq(offers.ownerId, p('ownerId')), sql`(${p('status')} IS NULL OR ${offers.status} = ${p('status')})`);
  const ownOffersAfter = db.orm.select().from(offers).where(and(ownOffers, lt(offers.id, p('bound')))).orderBy(desc(offers.id)).limit(p('limit')).prepare();
  const ownOffersBefore = db.orm.select().from(offers).where(and(ownOffers, gt(offers.id, p('bound')))).orderBy(asc(offers.id)).limit(p('limit')).prepare();

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
     * A page of the market's open offers, newest first, optionally only those that give or want
     * one item: named as a member types it (slug or name), or by its number (what a page button
     * carries: a name may not fit in one). Never shows an offer past its expiry, even before the
     * sweep closed it. Refuses an item the market does not have, with the closest names.
     */
    listMarketOffers(
      marketId: number,
      options: { item?: string | number | undefined } & PageRequest = {},
    ): Result<KeysetPage<OfferView> & { item: CatalogItem | undefined }> {
      const typed = options.item;
      let item: CatalogItem | undefined;
      if (typed !== undefined) {
        item = typeof typed === 'number' ? catalog.getItem(marketId, typed) : catalog.findItem(marketId, typed);
        if (!item) {
          const name = String(typed);
          return fail({ code: 'unknown_item', name, suggestions: closestNames(name, catalog.listItems(marketId)) });
        }
      }
      const window = { marketId, now: clock() };
      const itemId = item?.id;
      const page = readTransaction(db, () =>
        readPage(
          itemId === undefined
            ? {
                forward: (after, limit) => openOffersAfter.all({ ...window, bound: after ?? FROM_THE_START, limit }),
                backward: (before, limit) => openOffersBefore.all({ ...window, bound: before, limit }),
              }
            : {
                forward: (after, limit) => openOffersWithItemAfter.all({ ...window, itemId, bound: after ?? FROM_THE_START, limit }).map((row) => row.offer),
                backward: (before, limit) => openOffersWithItemBefore.all({ ...window, itemId, bound: before, limit }).map((row) => row.offer),
              },
          options,
        ),
      );
      return ok({ ...mapPage(page, readers.offerView), item });
    },

    /** A page of the member's own offers, newest first, optionally in one status. */
    listMyOffers(memberId: number, options: { status?: OfferStatus | undefined } & PageRequest = {}): KeysetPage<OfferView> {
      const mine = { ownerId: memberId, status: options.status ?? null };
      const page = readTransaction(db, () =>
        readPage(
          {
            forward: (after, limit) => ownOffersAfter.all({ ...mine, bound: after ?? FROM_THE_START, limit }),
            backward: (before, limit) => ownOffersBefore.all({ ...mine, bound: before, limit }),
          },
          options,
        ),
      );
      return mapPage(page, readers.offerView);
    },
  };
}
