/**
 * Every way an offer ends without a swap: the owner cancels, the target declines, an admin
 * removes it, or it expires. Each returns the escrow to the owner and, when someone or something
 * else ended it, queues the owner's notification (listing exactly what came back) in the same
 * transaction. The owner's own cancel queues none: the answer to it already says what came back.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { offers, type OfferStatus } from '../db/schema.js';
import { requireOffer, requireOpen } from './accept-offer.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import type { Movements } from './movements.js';
import { recordModeration } from './moderation-log.js';
import { createOfferLineClosing } from './offer-lines.js';
import { notifiedItems, type Notification, type NotifiedItem, type Outbox } from './outbox.js';
import { refuseIfBanned, requireMemberOf, type OfferRow, type Readers } from './readers.js';
import type { ItemAmount, OfferView } from './types.js';
import { COUNTER_ENDED_WITH_ORIGINAL, counterEndedNotice, type CounterLinks } from './counter-links.js';

const p = sql.placeholder;

export const MAX_REASON_LENGTH = 200;
export const DEFAULT_EXPIRY_BATCH = 500;

type ClosingStatus = Extract<OfferStatus, 'cancelled' | 'expired' | 'declined' | 'removed' | 'countered'>;

export interface ClosedOffer {
  offer: OfferView;
  /** What went back to the owner's inventory. */
  returned: ItemAmount[];
}

export function createCloseOffer(ctx: CoreContext, deps: { movements: Movements; readers: Readers; outbox: Outbox; counterLinks: CounterLinks }) {
  const { db, clock } = ctx;
  const { movements, readers, outbox, counterLinks } = deps;
  const closeOffer = db.orm
    .update(offers)
    .set({ status: sql`${p('status')}`, closedAt: sql`${p('now')}`, closeReason: sql`${p('reason')}` })
    .where(and(eq(offers.id, p('offerId')), eq(offers.status, 'active')))
    .prepare();
  const { closeLines } = createOfferLineClosing(db);
  const dueOffers = db.orm
    .select()
    .from(offers)
    .where(and(eq(offers.status, 'active'), lte(offers.expiresAt, p('now'))))
    .orderBy(asc(offers.expiresAt))
    .limit(p('limit'))
    .prepare();

  /**
   * Moves an active offer to `status`, refunds its escrow to the owner and queues the owner's
   * notification, if `notify` gives one. Must run inside a write transaction.
   */
  function closeWithRefund(
    row: OfferRow,
    status: ClosingStatus,
    actorId: number | null,
    reason: string | null,
    notify: ((returned: NotifiedItem[]) => Notification) | null,
    /** A counter of this offer that must not end with it: the one whose acceptance closes it. */
    spare?: number,
  ): ClosedOffer {
    const now = clock();
    if (closeOffer.run({ offerId: row.id, status, now, reason }).changes !== 1) {
      throw new Error(`offer ${row.id} was not active inside its own transaction`);
    }
    closeLines(row.id);
    const offer = readers.offerView(row);
    for (const { item, quantity } of offer.give) {
      if (!movements.unescrow('refund', row.marketId, item.id, row.id, row.ownerId, quantity, actorId)) {
        throw new Error(`offer ${row.id} escrow is short of ${item.slug}`);
      }
    }
    if (notify) outbox.enqueue(row.marketId, row.ownerId, `offer:${row.id}:${status}`, notify(notifiedItems(offer.give)));
    endCountersOf(row, status, spare);
    return { offer: { ...offer, status, closedAt: now, closeReason: reason }, returned: offer.give };
  }

  /**
   * A counter answers its original and cannot outlive it: when the original ends, its open
   * counters close too (as declined: nobody will take them), each counterer refunded and told why.
   */
  function endCountersOf(original: OfferRow, originalStatus: OfferStatus, spare?: number): void {
    for (const counter of counterLinks.openCountersOf(original.id)) {
      if (counter.id !== spare) endCounter(counter, original, originalStatus);
    }
  }

  /** Closes one active counter whose original ended (as `originalStatus`): refunded, its owner told why. */
  function endCounter(counter: OfferRow, original: OfferRow, originalStatus: OfferStatus): ClosedOffer {
    return closeWithRefund(counter, 'declined', null, COUNTER_ENDED_WITH_ORIGINAL, (returned) => counterEndedNotice(counter, original, originalStatus, returned));
  }

  const requireActive = (row: OfferRow) => {
    if (row.status !== 'active') throw new Refusal({ code: 'offer_not_active', offerId: row.id, status: row.status });
  };
  /** Closes an offer as the sweep would: expired, refunded, the owner told it expired. */
  const expire = (row: OfferRow) =>
    closeWithRefund(row, 'expired', null, null, (returned) => ({ kind: 'offer_expired', offerId: row.id, returned }));

  return {
    /**
     * The owner withdraws an active offer and gets the escrow back; nobody is notified (the owner
     * did it and is answered). An offer already past its expiry ended by time, not by the owner:
     * the sweep just had not reached it. It is closed as expired then (same refund and message as
     * the sweep), and the result's status says so.
     */
    cancelOffer(input: { marketId: number; offerId: number; memberId: number }): Result<ClosedOffer> {
      return runWrite(db, () => {
        const row = requireOffer(readers, input.marketId, input.offerId);
        requireMemberOf(readers, input.marketId, input.memberId);
        if (row.ownerId !== input.memberId) throw new Refusal({ code: 'not_offer_owner', offerId: row.id });
        requireActive(row);
        if (row.expiresAt <= clock()) return expire(row);
        return closeWithRefund(row, 'cancelled', input.memberId, null, null);
      });
    },

    /**
     * The target of a directed offer turns it down; the owner gets the escrow back and is told.
     * An offer past its expiry is refused as expired and left to the sweep, as accepting does.
     */
    declineOffer(input: { marketId: number; offerId: number; memberId: number }): Result<ClosedOffer> {
      return runWrite(db, () => {
        const row = requireOffer(readers, input.marketId, input.offerId);
        const member = readers.member(input.memberId);
        refuseIfBanned(member, input.marketId);
        if (row.targetId !== member.id) {
          const offer = row.ownerId === member.id ? 'own' : row.targetId === null ? 'public' : 'directed_elsewhere';
          throw new Refusal({ code: 'not_the_target', offerId: row.id, offer });
        }
        requireOpen(row, clock());
        return closeWithRefund(row, 'declined', member.id, null, (returned) => ({
          kind: 'offer_declined',
          offerId: row.id,
          targetName: member.displayName,
          returned,
        }));
      });
    },

    /**
     * Admin: takes an offer off the market with a reason the owner is told (required: the owner
     * must learn why). An offer past its expiry is refused as expired and left to the sweep: it is
     * off the market already, and its owner is told it expired rather than that it was removed.
     */
    removeOffer(input: { marketId: number; offerId: number; adminId: number; reason: string }): Result<ClosedOffer> {
      return runWrite(db, () => {
        const reason = input.reason.trim();
        if (reason.length > MAX_REASON_LENGTH) throw new Refusal({ code: 'text_too_long', field: 'reason', max: MAX_REASON_LENGTH });
        const row = requireOffer(readers, input.marketId, input.offerId);
        requireMemberOf(readers, input.marketId, input.adminId);
        requireOpen(row, clock());
        if (!reason) throw new Refusal({ code: 'reason_required', offerId: row.id });
        recordModeration(ctx, { marketId: input.marketId, adminId: input.adminId, action: 'offer_remove', memberId: row.ownerId, offerId: row.id, reason });
        return closeWithRefund(row, 'removed', input.adminId, reason, (returned) => ({
          kind: 'offer_removed',
          offerId: row.id,
          reason,
          returned,
        }));
      });
    },

    /**
     * Expires up to `limit` offers whose time has come (by the injected clock), oldest first, in
     * one transaction. The sweep calls it until `more` is false, so a bot that was down for a day
     * catches up in bounded steps. Cost follows the number of due offers, not all offers.
     */
    expireDueOffers(limit = DEFAULT_EXPIRY_BATCH): { expired: ClosedOffer[]; more: boolean } {
      return db.writeTransaction(() => {
        const due = dueOffers.all({ now: clock(), limit });
        // A due counter may have ended with its original earlier in this batch.
        const expired = due.flatMap((row) => (readers.offerRow(row.id)?.status === 'active' ? [expire(row)] : []));
        return { expired, more: due.length === limit };
      });
    },

    /** Used by settlement: an offer whose settlement fell through after its expiry ends as the sweep would end it. */
    closeAsExpired: expire,
    /** Used by counter-offers: closes one active offer with its refund, inside the caller's transaction. */
    closeWithRefund,
    /** Used by accepting and settlement: ends the open counters of an offer that was just taken. */
    endCountersOf,
    /** Used by settlement: ends a counter whose settlement fell through after its original closed. */
    endCounter,

    /** Used by moderation: closes one active offer as removed, inside the caller's transaction. */
    closeAsRemoved(row: OfferRow, adminId: number | null, reason: string, because: { banned?: boolean } = {}): ClosedOffer {
      return closeWithRefund(row, 'removed', adminId, reason, (returned) => ({ kind: 'offer_removed', offerId: row.id, reason, returned, ...because }));
    },
  };
}

export type CloseOfferApi = ReturnType<typeof createCloseOffer>;
