/**
 * Every way an item can move, each one updating the holdings and appending the ledger row in
 * the same call, so no code path can move an item without recording it.
 *
 * Decrements are guarded (`... AND quantity >= ?`) and report whether a row changed: callers
 * check holdings first and treat a failed guard as a broken invariant, which rolls back the
 * transaction. Must run inside a write transaction.
 */
import { and, eq, gte, sql } from 'drizzle-orm';
import { eventEntryItems, inventories, ledger, offerLines, tradeEscrow, type LedgerKind } from '../db/schema.js';
import type { CoreContext } from './context.js';

const p = sql.placeholder;

export interface Movements {
  /** Outside -> member. */
  grant(marketId: number, itemId: number, memberId: number, quantity: number, actorId: number | null): void;
  /** Member -> outside. False when the member holds fewer. */
  revoke(marketId: number, itemId: number, memberId: number, quantity: number, actorId: number | null): boolean;
  /** Member -> an offer's escrow (the offer's give line). False when the member holds fewer. */
  escrow(marketId: number, itemId: number, memberId: number, offerId: number, quantity: number): boolean;
  /** An offer's escrow -> member: `refund` to its owner, `release` to the taker. False when less is held. */
  unescrow(
    kind: 'refund' | 'release',
    marketId: number,
    itemId: number,
    offerId: number,
    memberId: number,
    quantity: number,
    actorId: number | null,
  ): boolean;
  /** Member -> a trade's escrow (the taker's side in confirm settlement). False when the member holds fewer. */
  escrowForTrade(marketId: number, itemId: number, memberId: number, tradeId: number, quantity: number): boolean;
  /** A trade's escrow -> member: `release` to the owner, `refund` to the taker. False when less is held. */
  unescrowFromTrade(
    kind: 'refund' | 'release',
    marketId: number,
    itemId: number,
    tradeId: number,
    memberId: number,
    quantity: number,
    actorId: number | null,
  ): boolean;
  /** Member -> a math-trade event entry's escrow (src/core/events). False when the member holds fewer. */
  escrowToEntry(marketId: number, itemId: number, memberId: number, entryId: number, quantity: number): boolean;
  /** An entry's escrow -> member: `refund` to its owner, `release` to the member it was traded to. False when less is held. */
  unescrowFromEntry(
    kind: 'refund' | 'release',
    marketId: number,
    itemId: number,
    entryId: number,
    memberId: number,
    quantity: number,
    actorId: number | null,
  ): boolean;
  /** Member -> member. False when the giver holds fewer. */
  swap(marketId: number, itemId: number, fromMemberId: number, toMemberId: number, quantity: number, actorId: number | null): boolean;
}

export function createMovements({ db, clock }: CoreContext): Movements {
  const { orm } = db;
  const debitInventory = orm
    .update(inventories)
    .set({ quantity: sql`${inventories.quantity} - ${p('quantity')}` })
    .where(and(eq(inventories.memberId, p('memberId')), eq(inventories.itemId, p('itemId')), gte(inventories.quantity, p('quantity'))))
    .prepare();
  const creditInventory = orm
    .insert(inventories)
    .values({ memberId: p('memberId'), itemId: p('itemId'), quantity: p('quantity') })
    .onConflictDoUpdate({
      target: [inventories.memberId, inventories.itemId],
      set: { quantity: sql`${inventories.quantity} + excluded.quantity` },
    })
    .prepare();
  const holdOnLine = orm
    .update(offerLines)
    .set({ held: sql`${offerLines.held} + ${p('quantity')}` })
    .where(and(eq(offerLines.offerId, p('offerId')), eq(offerLines.side, 'give'), eq(offerLines.itemId, p('itemId'))))
    .prepare();
  const takeFromLine = orm
    .update(offerLines)
    .set({ held: sql`${offerLines.held} - ${p('quantity')}` })
    .where(
      and(
        eq(offerLines.offerId, p('offerId')),
        eq(offerLines.side, 'give'),
        eq(offerLines.itemId, p('itemId')),
        gte(offerLines.held, p('quantity')),
      ),
    )
    .prepare();
  const holdForTrade = orm
    .insert(tradeEscrow)
    .values({ tradeId: p('tradeId'), itemId: p('itemId'), held: p('quantity') })
    .onConflictDoUpdate({ target: [tradeEscrow.tradeId, tradeEscrow.itemId], set: { held: sql`${tradeEscrow.held} + excluded.held` } })
    .prepare();
  const takeFromTrade = orm
    .update(tradeEscrow)
    .set({ held: sql`${tradeEscrow.held} - ${p('quantity')}` })
    .where(and(eq(tradeEscrow.tradeId, p('tradeId')), eq(tradeEscrow.itemId, p('itemId')), gte(tradeEscrow.held, p('quantity'))))
    .prepare();
  const holdOnEntry = orm
    .update(eventEntryItems)
    .set({ held: sql`${eventEntryItems.held} + ${p('quantity')}` })
    .where(and(eq(eventEntryItems.entryId, p('entryId')), eq(eventEntryItems.itemId, p('itemId'))))
    .prepare();
  const takeFromEntry = orm
    .update(eventEntryItems)
    .set({ held: sql`${eventEntryItems.held} - ${p('quantity')}` })
    .where(and(eq(eventEntryItems.entryId, p('entryId')), eq(eventEntryItems.itemId, p('itemId')), gte(eventEntryItems.held, p('quantity'))))
    .prepare();
  const appendLedger = orm
    .insert(ledger)
    .values({
      marketId: p('marketId'),
      itemId: p('itemId'),
      kind: p('kind'),
      quantity: p('quantity'),
      fromMemberId: p('fromMemberId'),
      fromOfferId: p('fromOfferId'),
      toMemberId: p('toMemberId'),
      toOfferId: p('toOfferId'),
      fromTradeId: p('fromTradeId'),
      toTradeId: p('toTradeId'),
      fromEntryId: p('fromEntryId'),
      toEntryId: p('toEntryId'),
      actorId: p('actorId'),
      createdAt: p('createdAt'),
    })
    .prepare();

  interface Place {
    memberId?: number;
    offerId?: number;
    tradeId?: number;
    entryId?: number;
  }
  const record = (kind: LedgerKind, marketId: number, itemId: number, quantity: number, from: Place, to: Place, actorId: number | null) =>
    appendLedger.run({
      kind,
      marketId,
      itemId,
      quantity,
      fromMemberId: from.memberId ?? null,
      fromOfferId: from.offerId ?? null,
      toMemberId: to.memberId ?? null,
      toOfferId: to.offerId ?? null,
      fromTradeId: from.tradeId ?? null,
      toTradeId: to.tradeId ?? null,
      fromEntryId: from.entryId ?? null,
      toEntryId: to.entryId ?? null,
      actorId,
      createdAt: clock(),
    });
  const debit = (memberId: number, itemId: number, quantity: number) =>
    debitInventory.run({ memberId, itemId, quantity }).changes === 1;
  const credit = (memberId: number, itemId: number, quantity: number) => {
    creditInventory.run({ memberId, itemId, quantity });
  };

  return {
    grant(marketId, itemId, memberId, quantity, actorId) {
      credit(memberId, itemId, quantity);
      record('grant', marketId, itemId, quantity, {}, { memberId }, actorId);
    },
    revoke(marketId, itemId, memberId, quantity, actorId) {
      if (!debit(memberId, itemId, quantity)) return false;
      record('revoke', marketId, itemId, quantity, { memberId }, {}, actorId);
      return true;
    },
    escrow(marketId, itemId, memberId, offerId, quantity) {
      if (!debit(memberId, itemId, quantity)) return false;
      if (holdOnLine.run({ offerId, itemId, quantity }).changes !== 1) return false;
      record('escrow', marketId, itemId, quantity, { memberId }, { offerId }, memberId);
      return true;
    },
    unescrow(kind, marketId, itemId, offerId, memberId, quantity, actorId) {
      if (takeFromLine.run({ offerId, itemId, quantity }).changes !== 1) return false;
      credit(memberId, itemId, quantity);
      record(kind, marketId, itemId, quantity, { offerId }, { memberId }, actorId);
      return true;
    },
    escrowForTrade(marketId, itemId, memberId, tradeId, quantity) {
      if (!debit(memberId, itemId, quantity)) return false;
      holdForTrade.run({ tradeId, itemId, quantity });
      record('escrow', marketId, itemId, quantity, { memberId }, { tradeId }, memberId);
      return true;
    },
    unescrowFromTrade(kind, marketId, itemId, tradeId, memberId, quantity, actorId) {
      if (takeFromTrade.run({ tradeId, itemId, quantity }).changes !== 1) return false;
      credit(memberId, itemId, quantity);
      record(kind, marketId, itemId, quantity, { tradeId }, { memberId }, actorId);
      return true;
    },
    escrowToEntry(marketId, itemId, memberId, entryId, quantity) {
      if (!debit(memberId, itemId, quantity)) return false;
      if (holdOnEntry.run({ entryId, itemId, quantity }).changes !== 1) return false;
      record('escrow', marketId, itemId, quantity, { memberId }, { entryId }, memberId);
      return true;
    },
    unescrowFromEntry(kind, marketId, itemId, entryId, memberId, quantity, actorId) {
      if (takeFromEntry.run({ entryId, itemId, quantity }).changes !== 1) return false;
      credit(memberId, itemId, quantity);
      record(kind, marketId, itemId, quantity, { entryId }, { memberId }, actorId);
      return true;
    },
    swap(marketId, itemId, fromMemberId, toMemberId, quantity, actorId) {
      if (!debit(fromMemberId, itemId, quantity)) return false;
      credit(toMemberId, itemId, quantity);
      record('swap', marketId, itemId, quantity, { memberId: fromMemberId }, { memberId: toMemberId }, actorId);
      return true;
    },
  };
}
