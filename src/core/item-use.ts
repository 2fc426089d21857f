/**
 * Who still has a catalog item in hand or in play: members holding it, open offers naming it,
 * trades in settlement holding it, open event entries holding it. Archiving waits until all are
 * none, so an archived item is history only: nothing live refers to it.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { eventEntries, eventEntryItems, inventories, members, offerLines, offers, tradeEscrow, trades } from '../db/schema.js';
import type { CoreContext } from './context.js';

/** How many of each are shown by name or number in a refusal; the counts are always whole. */
export const ITEM_USE_SHOWN = 3;

export interface ItemUse {
  holders: { count: number; names: string[] };
  /** Open offers (active, or being settled) that give or want the item. */
  offers: { count: number; ids: number[] };
  /** Trades in settlement whose escrow holds the item. */
  trades: { count: number; ids: number[] };
  /** Open entries of a math-trade event whose escrow holds the item. */
  entries: { count: number; ids: number[] };
}

export const itemInUse = (use: ItemUse) => use.holders.count + use.offers.count + use.trades.count + use.entries.count > 0;

/** The first rows of a place's query, each carrying the whole count (`count(*) OVER ()`), as the refusal names them. */
const numbered = (rows: ReadonlyArray<{ id: number; count: number }>) => ({ count: rows[0]?.count ?? 0, ids: rows.map((row) => row.id) });

export function createItemUse({ db }: CoreContext) {
  const p = sql.placeholder;
  const count = sql<number>`count(*) OVER ()`;
  const holders = db.orm
    .select({ name: members.displayName, count })
    .from(inventories)
    .innerJoin(members, eq(members.id, inventories.memberId))
    .where(and(eq(inventories.itemId, p('itemId')), gt(inventories.quantity, 0)))
    .orderBy(asc(members.displayName))
    .limit(ITEM_USE_SHOWN)
    .prepare();
  const openOffers = db.orm
    // An offer names an item on one side at most (posting refuses it on both), so one line each.
    .select({ id: offers.id, count })
    .from(offerLines)
    .innerJoin(offers, eq(offers.id, offerLines.offerId))
    .where(and(eq(offerLines.itemId, p('itemId')), inArray(offers.status, ['active', 'settling'])))
    .orderBy(asc(offers.id))
    .limit(ITEM_USE_SHOWN)
    .prepare();
  const settling = db.orm
    .select({ id: trades.id, count })
    .from(tradeEscrow)
    .innerJoin(trades, eq(trades.id, tradeEscrow.tradeId))
    .where(and(eq(tradeEscrow.itemId, p('itemId')), gt(tradeEscrow.held, 0), inArray(trades.status, ['pending', 'processing'])))
    .orderBy(asc(trades.id))
    .limit(ITEM_USE_SHOWN)
    .prepare();
  const entered = db.orm
    .select({ id: eventEntries.id, count })
    .from(eventEntryItems)
    .innerJoin(eventEntries, eq(eventEntries.id, eventEntryItems.entryId))
    .where(and(eq(eventEntryItems.itemId, p('itemId')), gt(eventEntryItems.held, 0), eq(eventEntries.status, 'open')))
    .orderBy(asc(eventEntries.id))
    .limit(ITEM_USE_SHOWN)
    .prepare();

  /** Who has `itemId` in hand or in play; call inside the transaction that acts on the answer. */
  return (itemId: number): ItemUse => {
    const held = holders.all({ itemId });
    const offered = openOffers.all({ itemId });
    const settled = settling.all({ itemId });
    const inEntries = entered.all({ itemId });
    return {
      holders: { count: held[0]?.count ?? 0, names: held.map((row) => row.name) },
      offers: numbered(offered),
      trades: numbered(settled),
      entries: numbered(inEntries),
    };

  };
}
