/**
 * What members hold, and the admin operations that bring items into or out of a market.
 */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { eventEntries, eventEntryItems, inventories, items, offerLines, offers, tradeEscrow, trades } from '../db/schema.js';
import type { CatalogApi } from './catalog.js';
import { readTransaction, runWrite, type CoreContext } from './context.js';
import { Refusal, type Result, type Shortage } from './errors.js';
import type { Movements } from './movements.js';
import { recordModeration, type ModerationDetail } from './moderation-log.js';
import { requireMemberOf, type Readers } from './readers.js';
import type { ItemAmount, ItemRequest } from './types.js';

const p = sql.placeholder;

export interface Inventory {
  /** Items the member holds and may offer. */
  holdings: ItemAmount[];
  /** Items held in escrow by the member's open offers, per offer. */
  escrow: Array<{ offerId: number; items: ItemAmount[] }>;
  /** Items held in escrow by trades in settlement the member takes (confirm settlement), per trade. */
  tradeEscrow: Array<{ tradeId: number; items: ItemAmount[] }>;
  /** Items held by the member's open entries in a math-trade event, per entry. */
  entryEscrow: Array<{ entryId: number; items: ItemAmount[] }>;
}

/** Escrow rows ordered by their place (an offer, a trade), grouped into one entry per place. */
function byPlace(rows: ReadonlyArray<{ place: number } & ItemAmount>): Array<{ place: number; items: ItemAmount[] }> {
  const groups: Array<{ place: number; items: ItemAmount[] }> = [];
  for (const { place, item, quantity } of rows) {
    const last = groups.at(-1);
    if (last?.place === place) last.items.push({ item, quantity });
    else groups.push({ place, items: [{ item, quantity }] });
  }
  return groups;
}

/**
 * The shortages of `memberId` for `wanted`, read inside the caller's transaction. Empty when the
 * member holds everything.
 */
export function shortagesOf(readers: Readers, memberId: number, wanted: readonly ItemAmount[]): Shortage[] {
  const shortages: Shortage[] = [];
  for (const { item, quantity } of wanted) {
    const have = readers.holding(memberId, item.id);
    if (have < quantity) shortages.push({ item, missing: quantity - have, have });
  }
  return shortages;
}

/** Items and quantities as the moderation log keeps them: what was moved, by slug. */
const loggedItems = (amounts: readonly ItemAmount[]): ModerationDetail => ({ items: amounts.map(({ item, quantity }) => ({ slug: item.slug, name: item.name, quantity })) });

export function createInventory(ctx: CoreContext, deps: { catalog: CatalogApi; movements: Movements; readers: Readers }) {
  const { db } = ctx;
  const { catalog, movements, readers } = deps;
  const itemColumns = { id: items.id, slug: items.slug, name: items.name, emoji: items.emoji };
  const holdingsOf = db.orm
    .select({ quantity: inventories.quantity, ...itemColumns })
    .from(inventories)
    .innerJoin(items, eq(items.id, inventories.itemId))
    .where(and(eq(inventories.memberId, p('memberId')), gt(inventories.quantity, 0)))
    .orderBy(asc(items.name))
    .prepare();
  const escrowOf = db.orm
    .select({ offerId: offerLines.offerId, quantity: offerLines.held, ...itemColumns })
    .from(offers)
    .innerJoin(offerLines, eq(offerLines.offerId, offers.id))
    .innerJoin(items, eq(items.id, offerLines.itemId))
    .where(and(eq(offers.ownerId, p('memberId')), inArray(offers.status, ['active', 'settling']), gt(offerLines.held, 0)))
    .orderBy(asc(offers.id), asc(items.name))
    .prepare();
  // The taker's side of a trade in settlement is theirs until it completes: it is shown, not lost.
  const tradeEscrowOf = db.orm
    .select({ tradeId: tradeEscrow.tradeId, quantity: tradeEscrow.held, ...itemColumns })
    .from(trades)
    .innerJoin(tradeEscrow, eq(tradeEscrow.tradeId, trades.id))
    .innerJoin(items, eq(items.id, tradeEscrow.itemId))
    .where(and(eq(trades.takerId, p('memberId')), inArray(trades.status, ['pending', 'processing']), gt(tradeEscrow.held, 0)))
    .orderBy(asc(trades.id), asc(items.name))
    .prepare();

  // An open event entry's items wait for the close (or a withdrawal): theirs until then.
  const entryEscrowOf = db.orm
    .select({ entryId: eventEntryItems.entryId, quantity: eventEntryItems.held, ...itemColumns })
    .from(eventEntries)
    .innerJoin(eventEntryItems, eq(eventEntryItems.entryId, eventEntries.id))
    .innerJoin(items, eq(items.id, eventEntryItems.itemId))
    .where(and(eq(eventEntries.memberId, p('memberId')), eq(eventEntries.status, 'open'), gt(eventEntryItems.held, 0)))
    .orderBy(asc(eventEntries.id), asc(items.name))
    .prepare();

  return {
    /**
     * The member's holdings, with what sits in escrow (their offers', their trades', their event
     * entries') shown apart.
     * All are read in one transaction: an offer or trade closing in between would otherwise show
     * its items twice or not at all.
     */
    getInventory(memberId: number): Inventory {
      const [holdingRows, escrowRows, tradeRows, entryRows] = readTransaction(
        db,
        () => [holdingsOf.all({ memberId }), escrowOf.all({ memberId }), tradeEscrowOf.all({ memberId }), entryEscrowOf.all({ memberId })] as const,
      );
      const holdings = holdingRows.map(({ quantity, ...item }) => ({ item, quantity }));
      const escrow = byPlace(escrowRows.map(({ offerId, quantity, ...item }) => ({ place: offerId, item, quantity }))).map(({ place, items }) => ({ offerId: place, items }));
      const tradeEscrow = byPlace(tradeRows.map(({ tradeId, quantity, ...item }) => ({ place: tradeId, item, quantity }))).map(({ place, items }) => ({ tradeId: place, items }));
      const entryEscrow = byPlace(entryRows.map(({ entryId, quantity, ...item }) => ({ place: entryId, item, quantity }))).map(({ place, items }) => ({ entryId: place, items }));
      return { holdings, escrow, tradeEscrow, entryEscrow };
    },
    /** Admin: adds items to a member's inventory, recorded in the ledger as a grant and in the moderation log. Refuses archived items. */
    grantItems(marketId: number, actorId: number, memberId: number, requests: readonly ItemRequest[], reason: string | null = null): Result<ItemAmount[]> {
      return runWrite(db, () => {
        requireMemberOf(readers, marketId, memberId);
        requireMemberOf(readers, marketId, actorId);
        const amounts = catalog.resolve(marketId, requests, 'items', 'grant');
        for (const { item, quantity } of amounts) movements.grant(marketId, item.id, memberId, quantity, actorId);
        recordModeration(ctx, { marketId, adminId: actorId, action: 'grant', memberId, itemId: amounts.length === 1 ? amounts[0]?.item.id : null, reason, detail: loggedItems(amounts) });
        return amounts;
      });
    },
    /**
     * Admin: takes items out of a member's inventory, archived items included. Items in escrow
     * are not touched; refuses with the shortage when the member holds fewer than asked.
     */
    revokeItems(marketId: number, actorId: number, memberId: number, requests: readonly ItemRequest[], reason: string | null = null): Result<ItemAmount[]> {
      return runWrite(db, () => {
        requireMemberOf(readers, marketId, memberId);
        requireMemberOf(readers, marketId, actorId);
        const amounts = catalog.resolve(marketId, requests, 'items', 'revoke');
        const shortages = shortagesOf(readers, memberId, amounts);
        if (shortages.length > 0) throw new Refusal({ code: 'items_short', shortages });
        for (const { item, quantity } of amounts) {
          if (!movements.revoke(marketId, item.id, memberId, quantity, actorId)) throw new Error('revoke guard failed after check');
        }
        recordModeration(ctx, { marketId, adminId: actorId, action: 'revoke', memberId, itemId: amounts.length === 1 ? amounts[0]?.item.id : null, reason, detail: loggedItems(amounts) });
        return amounts;
      });
    },
  };
}
