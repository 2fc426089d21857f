/**
 * Confirm settlement (the transaction spec of seed 001): in a market with `settlement = confirm`,
 * accepting an offer starts a trade in `pending` with the taker's items in the trade's escrow
 * and the owner's still in the offer's (which is `settling`, so nobody else can take it). Then:
 *
 *   pending ──owner accepts the taker──> processing ──owner confirms the handover──> (processing,
 *   confirmed_at) ──taker confirms receipt, or the receipt deadline passes──> completed
 *
 * and before the handover, a rejection, a withdrawal by either side or a missed deadline cancels
 * it: the taker's escrow goes back and the offer is open again (or expires, if its time has
 * passed; or ends, if it is a counter whose original closed when it was accepted).
 *
 * Counters to a settling offer wait: they end when the settlement completes, and are still open
 * should it fall through.
 *
 * Every step is one IMMEDIATE transaction whose trade UPDATE is guarded by the state it expects,
 * so a step and a timeout (in any process) cannot both happen. A step taken once its deadline has
 * passed applies the timeout instead: the deadline, not the sweep's timing, decides the outcome.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { offers, trades } from '../db/schema.js';
import type { CloseOfferApi } from './close-offer.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import type { MarketSettingsApi } from './market-settings.js';
import type { Movements } from './movements.js';
import { createOfferLineClosing } from './offer-lines.js';
import { counterMayStayOpen } from './counter-links.js';
import { notifiedItems, type Outbox, type SettledOfferFate } from './outbox.js';
import { refuseIfBanned, type OfferRow, type Readers } from './readers.js';
import { offerTrade, tradeView, tradeViewOf, type OfferTradeRow as TradeRow } from './trades.js';
import type { MemberRef, OfferView, TradeCancelReason, TradeView } from './types.js';
import type { WishesApi } from './wishes.js';
import { createLoopChecks } from './loops/loop-checks.js';

const p = sql.placeholder;
const HOUR = 3_600_000;
export const DEFAULT_SETTLEMENT_BATCH = 200;

/** What a settlement operation did. `timed_out`: the deadline had passed, so the timeout was applied instead of the step asked for. */
export type SettlementStep = 'started' | 'accepted' | 'handed_over' | 'completed' | 'rejected' | 'withdrawn' | 'timed_out';

export interface SettlementOutcome {
  step: SettlementStep;
  trade: TradeView;
  offer: OfferView;
}

interface TradeRef {
  marketId: number;
  tradeId: number;
  memberId: number;
}

interface Deps {
  movements: Movements;
  readers: Readers;
  outbox: Outbox;
  closeOffer: Pick<CloseOfferApi, 'closeAsExpired' | 'closeAsRemoved' | 'endCountersOf' | 'endCounter'>;
  settings: Pick<MarketSettingsApi, 'marketSettings'>;
  wishes: Pick<WishesApi, 'recordWishMatches'>;
}

export function createSettlement(ctx: CoreContext, deps: Deps) {
  const { db, clock } = ctx;
  const { movements, readers, outbox, closeOffer, settings, wishes } = deps;
  const { orm } = db;
  const { closeLines, reopenLines } = createOfferLineClosing(db);
  const loopChecks = createLoopChecks(db);
  const tradeById = orm.select().from(trades).where(eq(trades.id, p('id'))).prepare();
  const startSettling = orm
    .update(offers)
    .set({ status: 'settling', acceptedById: sql`${p('takerId')}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'active')))
    .prepare();
  const reopenOffer = orm
    .update(offers)
    .set({ status: 'active', acceptedById: null })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'settling')))
    .prepare();
  const completeOffer = orm
    .update(offers)
    .set({ status: 'completed', closedAt: sql`${p('now')}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'settling')))
    .prepare();
  const insertTrade = orm
    .insert(trades)
    .values({ marketId: p('marketId'), offerId: p('offerId'), ownerId: p('ownerId'), takerId: p('takerId'), status: 'pending', createdAt: p('now'), dueAt: p('dueAt') })
    .returning()
    .prepare();
  const acceptTaker = orm
    .update(trades)
    .set({ status: 'processing', acceptedAt: sql`${p('now')}`, dueAt: sql`${p('dueAt')}` })
    .where(and(eq(trades.id, p('id')), eq(trades.status, 'pending')))
    .prepare();
  const confirmHandover = orm
    .update(trades)
    .set({ confirmedAt: sql`${p('now')}`, dueAt: sql`${p('dueAt')}` })
    .where(and(eq(trades.id, p('id')), eq(trades.status, 'processing'), isNull(trades.confirmedAt)))
    .prepare();
  const completeTrade = orm
    .update(trades)
    .set({ status: 'completed', completedAt: sql`${p('now')}`, dueAt: null })
    .where(and(eq(trades.id, p('id')), eq(trades.status, 'processing'), isNotNull(trades.confirmedAt)))
    .prepare();
  const cancelTrade = orm
    .update(trades)
    .set({ status: 'cancelled', cancelReason: sql`${p('reason')}`, completedAt: sql`${p('now')}`, dueAt: null })
    .where(and(eq(trades.id, p('id')), inArray(trades.status, ['pending', 'processing']), isNull(trades.confirmedAt)))
    .prepare();
  const dueTrades = orm
    .select()
    .from(trades)
    .where(and(inArray(trades.status, ['pending', 'processing']), lte(trades.dueAt, p('now'))))
    .orderBy(asc(trades.dueAt))
    .limit(p('limit'))
    .prepare();

  const guarded = (what: string, changes: number) => {
    if (changes !== 1) throw new Error(`${what} changed inside its own transaction`);
  };
  const reread = (tradeId: number): TradeRow => {
    const row = tradeById.get({ id: tradeId });
    if (!row) throw new Error(`trade ${tradeId} vanished`);
    return offerTrade(row);
  };
  const offerOf = (row: TradeRow): OfferRow => {
    const offer = readers.offerRow(row.offerId);
    if (!offer) throw new Error(`trade ${row.id} names missing offer ${row.offerId}`);
    return offer;
  };
  const outcome = (step: SettlementStep, tradeId: number): SettlementOutcome => {
    const row = reread(tradeId);
    return { step, trade: tradeView(readers, row), offer: readers.offerView(offerOf(row)) };
  };
  const hours = (marketId: number) => settings.marketSettings(marketId);

  /** Completes a handed-over trade: the taker's escrow to the owner, the offer's to the taker. */
  function complete(row: TradeRow, actorId: number | null): TradeView {
    const now = clock();
    guarded(`trade ${row.id}`, completeTrade.run({ id: row.id, now }).changes);
    guarded(`offer ${row.offerId}`, completeOffer.run({ offerId: row.offerId, now }).changes);
    // The counters that waited on the offer have nothing left to answer.
    closeOffer.endCountersOf(offerOf(row), 'completed');
    const trade = tradeView(readers, reread(row.id));
    for (const { item, quantity } of trade.takerGave) {
      if (!movements.unescrowFromTrade('release', row.marketId, item.id, row.id, row.ownerId, quantity, actorId)) throw new Error(`trade ${row.id} escrow is short of ${item.slug}`);
    }
    for (const { item, quantity } of trade.ownerGave) {
      if (!movements.unescrow('release', row.marketId, item.id, row.offerId, row.takerId, quantity, actorId)) throw new Error(`offer ${row.offerId} escrow is short of ${item.slug}`);
    }
    const byTimeout = actorId === null;
    const tell = (to: MemberRef, other: MemberRef, received: TradeView['ownerGave'], gave: TradeView['ownerGave']) =>
      outbox.enqueue(row.marketId, to.id, `trade:${row.id}:completed:${to.id}`, {
        kind: 'settlement_completed',
        tradeId: row.id,
        offerId: row.offerId,
        otherName: other.displayName,
        received: notifiedItems(received),
        gave: notifiedItems(gave),
        byTimeout,
      });
    // The taker who confirmed is answered at once; time completing it tells both.
    tell(trade.owner, trade.taker, trade.takerGave, trade.ownerGave);
    if (byTimeout) tell(trade.taker, trade.owner, trade.ownerGave, trade.takerGave);
    return trade;
  }

  /**
   * What becomes of an offer whose settlement fell through, once it is set back to active (so
   * each closing path finds it as it expects). The offer of an owner banned meanwhile is removed,
   * as the ban removed their open offers. A counter whose original closed when it was accepted
   * ends: reopened it would answer nothing. An offer past its time expires. Otherwise it is open
   * again, and members who wish for what it gives hear about it, as when it was posted.
   */
  function afterFallThrough(row: TradeRow, now: number): SettledOfferFate {
    const offer = offerOf(row);
    const owner = readers.member(offer.ownerId);
    if (owner?.bannedAt != null) {
      closeOffer.closeAsRemoved(offer, null, owner.banReason ?? 'owner banned', { banned: true });
      return 'removed';
    }
    const original = offer.counterToId === null ? undefined : readers.offerRow(offer.counterToId);
    if (original && !counterMayStayOpen(offer, original)) {
      closeOffer.endCounter(offer, original, original.status);
      return 'ended';
    }
    if (offer.expiresAt <= now) {
      closeOffer.closeAsExpired(offer);
      return 'expired';
    }
    wishes.recordWishMatches({ id: offer.id, ownerId: offer.ownerId, targetId: offer.targetId });
    return 'open';
  }

  /**
   * Cancels a trade before the handover: the taker's escrow back to them, the offer open again
   * or closed (see afterFallThrough). `causedBy` is the member who cancelled, who is answered
   * rather than told; null for a timeout, which tells both.
   */
  function cancel(row: TradeRow, reason: TradeCancelReason, causedBy: number | null): TradeView {
    const now = clock();
    guarded(`trade ${row.id}`, cancelTrade.run({ id: row.id, reason, now }).changes);
    guarded(`offer ${row.offerId}`, reopenOffer.run({ offerId: row.offerId }).changes);
    reopenLines(row.offerId);
    // Open again: the loop sweep searches through it as through a new offer.
    loopChecks.loopCheckDueAgain(row.offerId);
    const trade = tradeView(readers, reread(row.id));
    for (const { item, quantity } of trade.takerGave) {
      if (!movements.unescrowFromTrade('refund', row.marketId, item.id, row.id, row.takerId, quantity, causedBy)) throw new Error(`trade ${row.id} escrow is short of ${item.slug}`);
    }
    const fate = afterFallThrough(row, now);
    const tell = (to: MemberRef, other: MemberRef, returned: TradeView['takerGave']) => {
      if (to.id === causedBy) return;
      outbox.enqueue(row.marketId, to.id, `trade:${row.id}:cancelled:${to.id}`, {
        kind: 'settlement_cancelled',
        tradeId: row.id,
        offerId: row.offerId,
        reason,
        otherName: other.displayName,
        returned: notifiedItems(returned),
        offer: fate,
      });
    };
    tell(trade.owner, trade.taker, []);
    tell(trade.taker, trade.owner, trade.takerGave);
    return trade;
  }

  /** Applies the timeout of the step `row` waits for. */
  function timeOut(row: TradeRow): void {
    if (row.status === 'pending') cancel(row, 'seller_accept_timeout', null);
    else if (row.confirmedAt === null) cancel(row, 'seller_confirm_timeout', null);
    else complete(row, null);
  }

  /**
   * The trade in this market, in settlement, and the caller one of its parties and not banned.
   * Returns undefined after applying the timeout when the trade's deadline has passed.
   */
  function requireStep(input: TradeRef): { row: TradeRow; asOwner: boolean } | undefined {
    const row = tradeById.get({ id: input.tradeId });
    if (!row || row.marketId !== input.marketId) throw new Refusal({ code: 'trade_not_found', tradeId: input.tradeId });
    const asOwner = row.ownerId === input.memberId;
    if (!asOwner && row.takerId !== input.memberId) throw new Refusal({ code: 'not_trade_party', tradeId: row.id });
    refuseIfBanned(readers.member(input.memberId), input.marketId);
    if (row.status !== 'pending' && row.status !== 'processing') {
      throw new Refusal({ code: 'trade_not_in_settlement', tradeId: row.id, status: row.status, cancelReason: row.cancelReason });
    }
    const settling = offerTrade(row);
    if (settling.dueAt !== null && settling.dueAt <= clock()) {
      timeOut(settling);
      return undefined;
    }
    return { row: settling, asOwner };
  }

  /** Runs a member's step in one transaction; a passed deadline turns it into the timeout. */
  const step = (input: TradeRef, act: (row: TradeRow, asOwner: boolean) => SettlementStep): Result<SettlementOutcome> =>
    runWrite(db, () => {
      const found = requireStep(input);
      return outcome(found ? act(found.row, found.asOwner) : 'timed_out', input.tradeId);
    });

  function acceptTheTaker(row: TradeRow): SettlementStep {
    const now = clock();
    const dueAt = now + hours(row.marketId).confirmHours * HOUR;
    guarded(`trade ${row.id}`, acceptTaker.run({ id: row.id, now, dueAt }).changes);
    const owner = readers.member(row.ownerId);
    outbox.enqueue(row.marketId, row.takerId, `trade:${row.id}:accepted`, {
      kind: 'settlement_accepted',
      tradeId: row.id,
      offerId: row.offerId,
      ownerName: owner?.displayName ?? '',
      dueAt,
    });
    return 'accepted';
  }

  function handOver(row: TradeRow): SettlementStep {
    const now = clock();
    const dueAt = now + hours(row.marketId).receiptHours * HOUR;
    guarded(`trade ${row.id}`, confirmHandover.run({ id: row.id, now, dueAt }).changes);
    const trade = tradeView(readers, reread(row.id));
    outbox.enqueue(row.marketId, row.takerId, `trade:${row.id}:handed-over`, {
      kind: 'settlement_handed_over',
      tradeId: row.id,
      offerId: row.offerId,
      ownerName: trade.owner.displayName,
      received: notifiedItems(trade.ownerGave),
      dueAt,
    });
    return 'handed_over';
  }

  /** The caller's next step, or why it is not theirs. */
  function nextStep(row: TradeRow, asOwner: boolean, memberId: number): SettlementStep {
    if (row.status === 'pending') {
      if (!asOwner) throw new Refusal({ code: 'not_your_step', tradeId: row.id, waitingFor: 'owner', step: 'accept' });
      return acceptTheTaker(row);
    }
    if (row.confirmedAt === null) {
      if (!asOwner) throw new Refusal({ code: 'not_your_step', tradeId: row.id, waitingFor: 'owner', step: 'handover' });
      return handOver(row);
    }
    if (asOwner) throw new Refusal({ code: 'not_your_step', tradeId: row.id, waitingFor: 'taker', step: 'receipt' });
    complete(row, memberId);
    return 'completed';
  }

  return {
    /** Whether accepting an offer in this market starts confirm settlement. */
    confirms: (marketId: number) => hours(marketId).settlement === 'confirm',

    /**
     * Starts confirm settlement for an accepted offer, inside the accept's transaction (all its
     * checks done): the offer becomes `settling`, a `pending` trade holds the taker's items in
     * escrow, and the owner is asked to accept the taker.
     */
    startSettlement(row: OfferRow, offer: OfferView, taker: MemberRef): { offer: OfferView; trade: TradeView } {
      const now = clock();
      guarded(`offer ${row.id}`, startSettling.run({ offerId: row.id, takerId: taker.id }).changes);
      closeLines(row.id);
      const dueAt = now + hours(row.marketId).acceptHours * HOUR;
      const inserted = insertTrade.get({ marketId: row.marketId, offerId: row.id, ownerId: row.ownerId, takerId: taker.id, now, dueAt });
      if (!inserted) throw new Error('trade insert returned nothing');
      for (const { item, quantity } of offer.want) {
        if (!movements.escrowForTrade(row.marketId, item.id, taker.id, inserted.id, quantity)) throw new Error('trade escrow guard failed after check');
      }
      outbox.enqueue(row.marketId, row.ownerId, `trade:${inserted.id}:requested`, {
        kind: 'settlement_requested',
        tradeId: inserted.id,
        offerId: row.id,
        takerName: taker.displayName,
        held: notifiedItems(offer.want),
        dueAt,
      });
      const settling: OfferView = { ...offer, status: 'settling', acceptedBy: taker, tradeId: inserted.id };
      return { offer: settling, trade: tradeViewOf(inserted, { owner: offer.owner, taker, ownerGave: offer.give, takerGave: offer.want }) };
    },

    /**
     * The caller's next step: the owner accepts the taker, later confirms the handover; the taker
     * confirms receipt, which completes the trade. Refuses a step that is the other side's.
     */
    confirmTrade: (input: TradeRef) => step(input, (row, asOwner) => nextStep(row, asOwner, input.memberId)),

    /** The owner turns the taker down while the trade is pending (`seller_rejected`). */
    rejectTrade: (input: TradeRef) =>
      step(input, (row, asOwner) => {
        if (!asOwner) throw new Refusal({ code: 'not_trade_owner', tradeId: row.id });
        if (row.status !== 'pending') throw new Refusal({ code: 'trade_already_accepted', tradeId: row.id });
        cancel(row, 'seller_rejected', input.memberId);
        return 'rejected';
      }),

    /** Either side leaves before the owner confirmed the handover (`cancelled_by_seller` / `cancelled_by_buyer`). */
    withdrawTrade: (input: TradeRef) =>
      step(input, (row, asOwner) => {
        if (row.confirmedAt !== null) throw new Refusal({ code: 'trade_handed_over', tradeId: row.id });
        cancel(row, asOwner ? 'cancelled_by_seller' : 'cancelled_by_buyer', input.memberId);
        return 'withdrawn';
      }),

    /**
     * Applies up to `limit` timeouts whose deadline has passed (by the injected clock), earliest
     * first, in one transaction; the job calls it until `more` is false, so a bot that was down
     * catches up in bounded steps. Each trade moves through a guarded UPDATE, so two processes
     * sweeping at once, or a member's step at the same moment, leave exactly one outcome.
     */
    applyDueSettlementTimeouts(limit = DEFAULT_SETTLEMENT_BATCH): { applied: SettlementOutcome[]; more: boolean } {
      return db.writeTransaction(() => {
        const due = dueTrades.all({ now: clock(), limit });
        const applied = due.map((row) => {
          timeOut(offerTrade(row));
          return outcome('timed_out', row.id);
        });
        return { applied, more: due.length === limit };
      });
    },
  };
}

export type SettlementApi = ReturnType<typeof createSettlement>;
