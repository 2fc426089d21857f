/**
 * Accepting an offer: the atomic swap. Every check and every write happens in one IMMEDIATE
 * transaction, and the offer leaves `active` through a guarded UPDATE, so of two members
 * accepting at once (in one process or several) exactly one wins.
 */
import { and, eq, sql } from 'drizzle-orm';
import { offers, trades } from '../db/schema.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { shortagesOf } from './inventory.js';
import type { Limits } from './limits.js';
import type { Movements } from './movements.js';
import { createOfferLineClosing } from './offer-lines.js';
import { notifiedItems, type Outbox } from './outbox.js';
import { refuseIfBanned, type OfferRow, type Readers } from './readers.js';
import type { SettlementApi } from './settlement.js';
import type { OfferView, TradeView } from './types.js';
import type { OriginalTaken } from './counter-offer.js';
import { tradeViewOf } from './trades.js';

/** What accepting needs from counter-offers: the original a counter answers, and the counters an offer leaves behind. */
export interface AcceptCounterHooks {
  closeOriginalFor(counter: OfferRow, takerId: number): OriginalTaken | null;
  endCountersOf(offer: OfferRow, status: 'completed'): void;
}

const p = sql.placeholder;

export interface AcceptOfferInput {
  marketId: number;
  offerId: number;
  takerId: number;
}

/**
 * The offer row if it exists in this market, else refuses with `offer_not_found` (an offer of
 * another market is as good as absent).
 */
export function requireOffer(readers: Readers, marketId: number, offerId: number): OfferRow {
  const row = readers.offerRow(offerId);
  if (!row || row.marketId !== marketId) throw new Refusal({ code: 'offer_not_found', offerId });
  return row;
}

/** Refuses unless the offer is active and not past its expiry at `now`. */
export function requireOpen(row: OfferRow, now: number): void {
  if (row.status !== 'active') throw new Refusal({ code: 'offer_not_active', offerId: row.id, status: row.status });
  if (row.expiresAt <= now) throw new Refusal({ code: 'offer_expired', offerId: row.id });
}

export function createAcceptOffer(
  ctx: CoreContext,
  deps: {
    movements: Movements;
    readers: Readers;
    outbox: Outbox;
    counters: AcceptCounterHooks;
    limits: Pick<Limits, 'refuseIfNewcomer'>;
    settlement?: Pick<SettlementApi, 'confirms' | 'startSettlement'>;
  },
) {
  const { db, clock } = ctx;
  const { movements, readers, outbox, counters } = deps;
  const completeOffer = db.orm
    .update(offers)
    .set({ status: 'completed', closedAt: sql`${p('now')}`, acceptedById: sql`${p('takerId')}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'active')))
    .prepare();
  const { closeLines } = createOfferLineClosing(db);
  const insertTrade = db.orm
    .insert(trades)
    .values({
      marketId: p('marketId'),
      offerId: p('offerId'),
      ownerId: p('ownerId'),
      takerId: p('takerId'),
      status: 'completed',
      createdAt: p('now'),
      completedAt: p('now'),
    })
    .returning()
    .prepare();

  /**
   * Accepts an offer for `takerId`: the wanted items go from the taker to the owner, the escrowed
   * items to the taker, a completed trade is recorded and both sides are notified (in a market with
   * confirm settlement, a pending trade starts instead: see settlement.ts). Refuses when
   * the offer is missing, closed or expired, is the taker's own, is directed at someone else,
   * the taker is banned or a newcomer under the market's gate, or the taker lacks a wanted item. Accepting a counter to one's own open
   * offer closes that offer too, and its items count toward what the counter wants (`original`).
   */
  return function acceptOffer(input: AcceptOfferInput): Result<{ offer: OfferView; trade: TradeView; original?: OriginalTaken | undefined }> {
    return runWrite(db, () => {
      const now = clock();
      const row = requireOffer(readers, input.marketId, input.offerId);
      const taker = readers.member(input.takerId);
      refuseIfBanned(taker, input.marketId);
      deps.limits.refuseIfNewcomer(taker, now);
      requireOpen(row, now);
      if (row.ownerId === taker.id) throw new Refusal({ code: 'own_offer', offerId: row.id });
      if (row.targetId !== null && row.targetId !== taker.id) throw new Refusal({ code: 'not_open_to_you', offerId: row.id });

      const offer = readers.offerView(row);
      const original = counters.closeOriginalFor(row, taker.id);
      const shortages = shortagesOf(readers, taker.id, offer.want);
      if (shortages.length > 0) throw new Refusal({ code: 'items_short', shortages });
      // A confirm-settlement market swaps nothing yet: the trade starts pending (settlement.ts).
      // The counters waiting on the offer stay open: they end only if the settlement completes,
      // and are still there for the owner should it fall through.
      if (deps.settlement?.confirms(row.marketId)) {
        const started = deps.settlement.startSettlement(row, offer, taker);
        return original ? { ...started, original } : started;
      }

      if (completeOffer.run({ offerId: row.id, now, takerId: taker.id }).changes !== 1) {
        throw new Error(`offer ${row.id} changed inside its own transaction`);
      }
      closeLines(row.id);
      counters.endCountersOf(row, 'completed');
      for (const { item, quantity } of offer.want) {
        if (!movements.swap(row.marketId, item.id, taker.id, row.ownerId, quantity, taker.id)) throw new Error('swap guard failed after check');
      }
      for (const { item, quantity } of offer.give) {
        if (!movements.unescrow('release', row.marketId, item.id, row.id, taker.id, quantity, taker.id)) {
          throw new Error(`offer ${row.id} escrow is short of ${item.slug}`);
        }
      }
      const trade = insertTrade.get({ marketId: row.marketId, offerId: row.id, ownerId: row.ownerId, takerId: taker.id, now });
      if (!trade) throw new Error('trade insert returned nothing');

      const ownerGave = notifiedItems(offer.give);
      const takerGave = notifiedItems(offer.want);
      outbox.enqueue(row.marketId, row.ownerId, `offer:${row.id}:accepted`, {
        kind: 'offer_accepted',
        offerId: row.id,
        tradeId: trade.id,
        takerName: taker.displayName,
        received: takerGave,
        gave: ownerGave,
      });
      outbox.enqueue(row.marketId, taker.id, `offer:${row.id}:taken`, {
        kind: 'trade_completed',
        offerId: row.id,
        tradeId: trade.id,
        ownerName: offer.owner.displayName,
        received: ownerGave,
        gave: takerGave,
      });

      const closed: OfferView = { ...offer, status: 'completed', closedAt: now, acceptedBy: taker, tradeId: trade.id };
      return {
        offer: closed,
        ...(original ? { original } : {}),
        trade: tradeViewOf(trade, { owner: offer.owner, taker, ownerGave: offer.give, takerGave: offer.want }),
      };
    });
  };
}
