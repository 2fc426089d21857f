/**
 * Posting an offer: the given items leave the owner's inventory into escrow in the same
 * transaction that creates the offer, so nothing can be promised twice.
 */
import { sql } from 'drizzle-orm';
import { offerLines, offers } from '../db/schema.js';
import type { CatalogApi } from './catalog.js';
import type { Limits } from './limits.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { shortagesOf } from './inventory.js';
import type { Movements } from './movements.js';
import { notifiedItems, type Outbox } from './outbox.js';
import { refuseIfBanned, type Readers } from './readers.js';
import type { ItemRequest, MemberRef, OfferView } from './types.js';
import type { WishesApi } from './wishes.js';

const p = sql.placeholder;
const HOUR = 3_600_000;

export const DEFAULT_OFFER_HOURS = 24;
export const MIN_OFFER_HOURS = 1;
export const MAX_OFFER_HOURS = 720;
export const MAX_NOTE_LENGTH = 200;

export interface PostOfferInput {
  marketId: number;
  ownerId: number;
  give: readonly ItemRequest[];
  want: readonly ItemRequest[];
  /** How long the offer stays open, 1-720 hours; 24 when absent. */
  hours?: number | undefined;
  /** Makes the offer directed: only this member may take it. */
  targetId?: number | null | undefined;
  note?: string | null | undefined;
}

/** What links a new offer to an earlier one: set when the offer is a counter-offer. */
export interface OfferLinks {
  /** The offer this one counters; the counter module queues the target's message itself. */
  counterToId?: number | undefined;
}

export type OfferPosting = ReturnType<typeof createOfferPosting>;

/** Posting inside the caller's write transaction: for operations that post as one of their steps. */
export function createOfferPosting(
  ctx: CoreContext,
  deps: {
    catalog: CatalogApi;
    movements: Movements;
    readers: Readers;
    outbox: Outbox;
    wishes: Pick<WishesApi, 'recordWishMatches'>;
    limits: Pick<Limits, 'refuseIfNewcomer' | 'refuseIfAtOfferCap'>;
  },
) {
  const { db, clock } = ctx;
  const { catalog, movements, readers, outbox, wishes, limits } = deps;
  const insertOffer = db.orm
    .insert(offers)
    .values({
      marketId: p('marketId'),
      ownerId: p('ownerId'),
      targetId: p('targetId'),
      note: p('note'),
      counterToId: p('counterToId'),
      createdAt: p('createdAt'),
      expiresAt: p('expiresAt'),
    })
    .returning({ id: offers.id })
    .prepare();
  const insertLine = db.orm
    .insert(offerLines)
    .values({ offerId: p('offerId'), side: p('side'), itemId: p('itemId'), quantity: p('quantity') })
    .prepare();

  /**
   * Posts an offer. Refuses (by throwing a {@link Refusal}) when the owner is banned, the lists are
   * empty or unknown, an item is on both sides, the hours or note are out of bounds, the target is
   * the owner or banned, or the owner lacks any given item (every shortage is reported at once);
   * and under the market's limits, when the owner is a newcomer or has the most open offers allowed.
   * Must run inside a write transaction.
   */
  return function post(input: PostOfferInput, links: OfferLinks = {}): OfferView {
    const owner = readers.member(input.ownerId);
    refuseIfBanned(owner, input.marketId);
    limits.refuseIfNewcomer(owner, clock());
    limits.refuseIfAtOfferCap(owner);
    const hours = input.hours ?? DEFAULT_OFFER_HOURS;
    if (!Number.isInteger(hours) || hours < MIN_OFFER_HOURS || hours > MAX_OFFER_HOURS) {
      throw new Refusal({ code: 'invalid_hours', hours, min: MIN_OFFER_HOURS, max: MAX_OFFER_HOURS });
    }
    const note = input.note?.trim() || null;
    if (note && note.length > MAX_NOTE_LENGTH) throw new Refusal({ code: 'text_too_long', field: 'note', max: MAX_NOTE_LENGTH });
    const give = catalog.resolve(input.marketId, input.give, 'give', 'offer');
    const want = catalog.resolve(input.marketId, input.want, 'want', 'offer');
    const both = give.find((line) => want.some((other) => other.item.id === line.item.id));
    if (both) throw new Refusal({ code: 'item_on_both_sides', item: both.item });

    let target: MemberRef | null = null;
    if (input.targetId !== undefined && input.targetId !== null) {
      if (input.targetId === owner.id) throw new Refusal({ code: 'target_is_self' });
      const found = readers.member(input.targetId);
      if (!found || found.marketId !== input.marketId) throw new Error('target member is not in this market');
      if (found.bannedAt !== null) throw new Refusal({ code: 'member_banned', memberName: found.displayName });
      target = found;
    }

    const shortages = shortagesOf(readers, owner.id, give);
    if (shortages.length > 0) throw new Refusal({ code: 'items_short', shortages });

    const now = clock();
    const created = insertOffer.get({
      marketId: input.marketId,
      ownerId: owner.id,
      targetId: target?.id ?? null,
      note,
      counterToId: links.counterToId ?? null,
      createdAt: now,
      expiresAt: now + hours * HOUR,
    });
    if (!created) throw new Error('offer insert returned nothing');
    const offerId = created.id;
    for (const { item, quantity } of want) insertLine.run({ offerId, side: 'want', itemId: item.id, quantity });
    for (const { item, quantity } of give) {
      insertLine.run({ offerId, side: 'give', itemId: item.id, quantity });
      if (!movements.escrow(input.marketId, item.id, owner.id, offerId, quantity)) throw new Error('escrow guard failed after check');
    }
    if (target && links.counterToId === undefined) {
      outbox.enqueue(input.marketId, target.id, `offer:${offerId}:directed`, {
        kind: 'offer_directed',
        offerId,
        ownerName: owner.displayName,
        give: notifiedItems(give),
        want: notifiedItems(want),
        expiresAt: now + hours * HOUR,
      });
    }
    // Members who wish for what it gives hear about it (in a digest: see wishes.ts).
    wishes.recordWishMatches({ id: offerId, ownerId: owner.id, targetId: target?.id ?? null });
    const row = readers.offerRow(offerId);
    if (!row) throw new Error('posted offer vanished');
    return readers.offerView(row);
  };
}

export function createPostOffer(ctx: CoreContext, deps: { posting: OfferPosting }) {
  /** Posts an offer in its own write transaction; see {@link createOfferPosting} for the refusals. */
  return function postOffer(input: PostOfferInput): Result<OfferView> {
    return runWrite(ctx.db, () => deps.posting(input));
  };
}
