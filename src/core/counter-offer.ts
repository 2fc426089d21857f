/**
 * Counter-offers: answering an offer with other terms. A counter is a new offer, directed at the
 * original's owner and linked to the original, with its own escrow; offers themselves never
 * change, which is what keeps bait-and-switch out.
 *
 * - Countering a directed offer closes it as `countered` (it was made to the counterer alone);
 *   a public offer stays open to everyone while counters to it wait.
 * - Accepting a counter while its original is open closes the original as `countered` in the same
 *   transaction, its escrow going back to the owner first, so it counts toward what the counter
 *   wants; the other open counters of the original end with it (see close-offer.ts).
 * - While an original is being settled (confirm settlement) its counters wait: they cannot be
 *   accepted, end if the settlement completes and stay if it falls through (settlement.ts).
 */
import { requireOffer, requireOpen } from './accept-offer.js';
import type { CloseOfferApi } from './close-offer.js';
import { runWrite, type CoreContext } from './context.js';
import type { CounterLinks } from './counter-links.js';
import { Refusal, type Result } from './errors.js';
import { notifiedItems, type NotifiedItem, type Outbox } from './outbox.js';
import type { OfferPosting } from './post-offer.js';
import { refuseIfBanned, type OfferRow, type Readers } from './readers.js';
import type { ItemAmount, ItemRequest, MemberRef, OfferView } from './types.js';

export interface CounterOfferInput {
  marketId: number;
  /** The offer being answered. */
  offerId: number;
  memberId: number;
  give: readonly ItemRequest[];
  want: readonly ItemRequest[];
  note?: string | null | undefined;
}

export interface CounteredOffer {
  /** The new offer, made to the original's owner. */
  counter: OfferView;
  /** The original as it now is: closed as `countered` when it was directed, else still open. */
  original: OfferView;
  /** What went back to the original's owner when it closed; null when it stays open. */
  returned: ItemAmount[] | null;
}

/** What accepting a counter did with its still-open original. */
export interface OriginalTaken {
  offerId: number;
  /** The original's escrow that went toward what the counter wants. */
  counted: ItemAmount[];
  /** The rest of it, back in the owner's inventory. */
  returned: ItemAmount[];
}

export function createCounterOffers(
  ctx: CoreContext,
  deps: { posting: OfferPosting; readers: Readers; outbox: Outbox; counterLinks: CounterLinks; closeOffer: CloseOfferApi },
) {
  const { db, clock } = ctx;
  const { posting, readers, outbox, counterLinks, closeOffer } = deps;

  /** Refuses a member who may not counter `original` now, or who has an open counter to it already. */
  function requireCounterable(original: OfferRow, member: MemberRef): void {
    requireOpen(original, clock());
    if (original.ownerId === member.id) throw new Refusal({ code: 'cannot_counter', offerId: original.id, offer: 'own' });
    if (original.targetId !== null && original.targetId !== member.id) {
      throw new Refusal({ code: 'cannot_counter', offerId: original.id, offer: 'directed_elsewhere' });
    }
    const existing = counterLinks.openCounterBy(original.id, member.id);
    if (existing) throw new Refusal({ code: 'counter_exists', offerId: original.id, counterId: existing.id });
  }

  const counterReceived = (counter: OfferView, original: OfferRow, returned: NotifiedItem[] | null) => ({
    kind: 'counter_received' as const,
    offerId: counter.id,
    originalId: original.id,
    counterName: counter.owner.displayName,
    give: notifiedItems(counter.give),
    want: notifiedItems(counter.want),
    expiresAt: counter.expiresAt,
    returned,
  });

  return {
    /**
     * Answers offer `offerId` with a counter: a new offer of the member's, made to the original's
     * owner, its items escrowed at once; the owner is told. Refuses when the original is missing,
     * closed or expired, is the member's own, was made to someone else, the member already has an
     * open counter to it or is banned, and for everything posting refuses (items, note, shortages).
     */
    counterOffer(input: CounterOfferInput): Result<CounteredOffer> {
      return runWrite(db, () => {
        const original = requireOffer(readers, input.marketId, input.offerId);
        const member = readers.member(input.memberId);
        refuseIfBanned(member, input.marketId);
        requireCounterable(original, member);
        const counter = posting(
          { marketId: input.marketId, ownerId: member.id, give: input.give, want: input.want, note: input.note, targetId: original.ownerId },
          { counterToId: original.id },
        );
        if (original.targetId === null) {
          outbox.enqueue(input.marketId, original.ownerId, `offer:${counter.id}:directed`, counterReceived(counter, original, null));
          return { counter, original: readers.offerView(original), returned: null };
        }
        // Made to the counterer alone: the counter replaces it. Its owner's one message says both.
        const closed = closeOffer.closeWithRefund(original, 'countered', member.id, null, (returned) => counterReceived(counter, original, returned), counter.id);
        return { counter, original: closed.offer, returned: closed.returned };
      });
    },

    /**
     * For accepting `counter` (inside the accept's transaction, after its checks): a still-open
     * original closes as `countered`, its escrow back to the accepting owner so that it counts
     * toward what the counter wants. Null when the counter answers nothing, or an original that
     * already ended. Refuses when the original has run out its time: the counter ends with it.
     */
    closeOriginalFor(counter: OfferRow, takerId: number): OriginalTaken | null {
      const original = counter.counterToId === null ? undefined : readers.offerRow(counter.counterToId);
      // Its original may still complete with someone else, which would end this counter.
      if (original?.status === 'settling') throw new Refusal({ code: 'counter_original_in_settlement', offerId: counter.id, originalId: original.id });
      if (!original || original.status !== 'active') return null;
      if (original.expiresAt <= clock()) throw new Refusal({ code: 'counter_original_ended', offerId: counter.id, originalId: original.id });
      const { returned } = closeOffer.closeWithRefund(original, 'countered', takerId, null, null, counter.id);
      const wanted = readers.offerView(counter).want;
      const counted: ItemAmount[] = [];
      const kept: ItemAmount[] = [];
      for (const { item, quantity } of returned) {
        const toward = Math.min(quantity, wanted.find((line) => line.item.id === item.id)?.quantity ?? 0);
        if (toward > 0) counted.push({ item, quantity: toward });
        if (quantity > toward) kept.push({ item, quantity: quantity - toward });
      }
      return { offerId: original.id, counted, returned: kept };
    },
  };
}

export type CounterOffers = ReturnType<typeof createCounterOffers>;
