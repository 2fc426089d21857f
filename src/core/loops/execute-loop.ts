/**
 * Executing a loop: every leg at once, in one IMMEDIATE transaction, or nothing. Whatever the
 * search saw may have changed since (an accept, a cancel, an expiry, a ban, in this process or
 * another), so every leg is checked again inside the transaction before anything moves; each
 * offer then leaves `active` through the same guarded UPDATE an accept uses.
 *
 * Each leg becomes a completed trade: the offer's owner gave its escrow, whole, to the owner of
 * the next offer (the trade's taker). A give larger than the next owner wants (more of an item,
 * or items they did not ask for) goes whole all the same: an offer's give is given whole, as an
 * accept gives it, and the receiver got at least what they asked for.
 */
import { and, eq, sql } from 'drizzle-orm';
import { markets, offerLoops, offers, trades } from '../../db/schema.js';
import type { CoreContext } from '../context.js';
import type { Movements } from '../movements.js';
import { createOfferLineClosing } from '../offer-lines.js';
import { notifiedItems, type Outbox } from '../outbox.js';
import type { OfferRow, Readers } from '../readers.js';
import type { ItemAmount, OfferView } from '../types.js';
import { MAX_LOOP, MIN_LOOP } from './find-loops.js';
import { covers } from './loop-graph.js';

const p = sql.placeholder;

/** One leg as executed: `offerId`'s owner gave its items to `receiverId` in trade `tradeId`. */
export interface LoopLeg {
  offerId: number;
  tradeId: number;
  ownerId: number;
  receiverId: number;
  gave: ItemAmount[];
}

export type LoopOutcome =
  | { executed: true; loopId: number; marketId: number; legs: LoopLeg[] }
  /** Nothing moved: why the loop no longer holds (the first reason found). */
  | { executed: false; reason: LoopBreak };

export type LoopBreak =
  | 'market_closed_to_loops'
  | 'offer_gone'
  | 'offer_not_open'
  | 'offer_directed'
  | 'owner_banned'
  | 'owner_twice'
  | 'no_longer_covers'
  | 'wrong_size';

const amounts = (list: readonly ItemAmount[]) => new Map(list.map(({ item, quantity }) => [item.id, quantity]));

/** What a loop's leg needs from counter-offers: the counters waiting on an offer end when it completes. */
export interface LoopCounterHooks {
  endCountersOf(offer: OfferRow, status: 'completed'): void;
}

export function createExecuteLoop(ctx: CoreContext, deps: { movements: Movements; readers: Readers; outbox: Outbox; counters: LoopCounterHooks }) {
  const { db, clock } = ctx;
  const { movements, readers, outbox } = deps;
  const marketRules = db.orm.select({ loops: markets.loops, settlement: markets.settlement }).from(markets).where(eq(markets.id, p('marketId'))).prepare();
  const completeOffer = db.orm
    .update(offers)
    .set({ status: 'completed', closedAt: sql`${p('now')}`, acceptedById: sql`${p('receiverId')}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'active')))
    .prepare();
  const { closeLines } = createOfferLineClosing(db);
  const insertLoop = db.orm.insert(offerLoops).values({ marketId: p('marketId'), size: p('size'), createdAt: p('now') }).returning({ id: offerLoops.id }).prepare();
  const insertTrade = db.orm
    .insert(trades)
    .values({ marketId: p('marketId'), offerId: p('offerId'), ownerId: p('ownerId'), takerId: p('takerId'), status: 'completed', createdAt: p('now'), completedAt: p('now'), loopId: p('loopId') })
    .returning({ id: trades.id })
    .prepare();

  /** The offers of the loop as they are now, or why they no longer make one. */
  function recheck(marketId: number, offerIds: readonly number[], now: number): OfferView[] | LoopBreak {
    if (offerIds.length < MIN_LOOP || offerIds.length > MAX_LOOP) return 'wrong_size';
    const rules = marketRules.get({ marketId });
    if (!rules || !rules.loops || rules.settlement !== 'instant') return 'market_closed_to_loops';
    const views: OfferView[] = [];
    for (const offerId of offerIds) {
      const row = readers.offerRow(offerId);
      if (!row || row.marketId !== marketId) return 'offer_gone';
      if (row.status !== 'active' || row.expiresAt <= now) return 'offer_not_open';
      if (row.targetId !== null) return 'offer_directed';
      const view = readers.offerView(row);
      if (view.owner.bannedAt !== null) return 'owner_banned';
      if (views.some((other) => other.owner.id === view.owner.id)) return 'owner_twice';
      views.push(view);
    }
    const next = (i: number) => views[(i + 1) % views.length] as OfferView;
    if (!views.every((view, i) => covers(amounts(view.give), amounts(next(i).want)))) return 'no_longer_covers';
    return views;
  }

  /** Closes one leg: the offer completes, its escrow goes to `receiverId`, a trade records it. */
  function executeLeg(view: OfferView, receiverId: number, loopId: number, now: number): LoopLeg {
    if (completeOffer.run({ offerId: view.id, now, receiverId }).changes !== 1) throw new Error(`offer ${view.id} changed inside its own transaction`);
    closeLines(view.id);
    // Counters answering it end with it, as when it is accepted.
    const row = readers.offerRow(view.id);
    if (row) deps.counters.endCountersOf(row, 'completed');
    for (const { item, quantity } of view.give) {
      if (!movements.unescrow('release', view.marketId, item.id, view.id, receiverId, quantity, null)) throw new Error(`offer ${view.id} escrow is short of ${item.slug}`);
    }
    const trade = insertTrade.get({ marketId: view.marketId, offerId: view.id, ownerId: view.owner.id, takerId: receiverId, now, loopId });
    if (!trade) throw new Error('trade insert returned nothing');
    return { offerId: view.id, tradeId: trade.id, ownerId: view.owner.id, receiverId, gave: view.give };
  }

  /** One direct message per owner: what they gave and to whom, what they got and from whom. */
  function tellOwners(views: readonly OfferView[], legs: readonly LoopLeg[], loopId: number): void {
    const at = <T>(list: readonly T[], i: number) => list[(i + list.length) % list.length] as T;
    views.forEach((view, i) => {
      const previous = at(views, i - 1);
      outbox.enqueue(view.marketId, view.owner.id, `offer:${view.id}:looped`, {
        kind: 'loop_completed',
        loopId,
        offerId: view.id,
        size: views.length,
        gave: notifiedItems(view.give),
        gaveTo: at(views, i + 1).owner.displayName,
        gaveTradeId: at(legs, i).tradeId,
        got: notifiedItems(previous.give),
        gotFrom: previous.owner.displayName,
        gotTradeId: at(legs, i - 1).tradeId,
        members: views.map((member) => member.owner.displayName),
      });
    });
  }

  /**
   * Executes the loop `offerIds` (cycle order: each offer's give goes to the next offer's owner)
   * in one IMMEDIATE transaction, after checking every leg again: all legs complete, or nothing
   * moves and the outcome says why.
   */
  return function executeLoop(marketId: number, offerIds: readonly number[]): LoopOutcome {
    return db.writeTransaction((): LoopOutcome => {
      const now = clock();
      const views = recheck(marketId, offerIds, now);
      if (typeof views === 'string') return { executed: false, reason: views };
      const loop = insertLoop.get({ marketId, size: views.length, now });
      if (!loop) throw new Error('loop insert returned nothing');
      const legs = views.map((view, i) => executeLeg(view, (views[(i + 1) % views.length] as OfferView).owner.id, loop.id, now));
      tellOwners(views, legs, loop.id);
      return { executed: true, loopId: loop.id, marketId, legs };
    });
  };
}

export type ExecuteLoop = ReturnType<typeof createExecuteLoop>;
