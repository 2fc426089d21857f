/**
 * How counter-offers hang on the offers they answer, as the closing code needs it: the open
 * counters of an offer, and what a counterer is told when the offer they answered ends.
 */
import { and, eq, sql } from 'drizzle-orm';
import { offers, type OfferStatus } from '../db/schema.js';
import type { CoreContext } from './context.js';
import type { Notification, NotifiedItem } from './outbox.js';
import type { OfferRow } from './readers.js';

/** The close reason of a counter that ended because the offer it answered ended. */
export const COUNTER_ENDED_WITH_ORIGINAL = 'original_ended';

export interface CounterLinks {
  /** The active counters of an offer (read inside the caller's transaction). */
  openCountersOf(offerId: number): OfferRow[];
  /** The member's active counter of an offer, if any: there is at most one. */
  openCounterBy(offerId: number, memberId: number): OfferRow | undefined;
}

export function createCounterLinks({ db }: CoreContext): CounterLinks {
  const p = sql.placeholder;
  // Both walk offers_open_counter_unique (counter_to_id, owner_id) WHERE active.
  const open = and(eq(offers.counterToId, p('offerId')), eq(offers.status, 'active'), sql`${offers.counterToId} IS NOT NULL`);
  const countersOf = db.orm.select().from(offers).where(open).orderBy(offers.id).prepare();
  const counterBy = db.orm.select().from(offers).where(and(open, eq(offers.ownerId, p('memberId')))).prepare();
  return {
    openCountersOf: (offerId) => countersOf.all({ offerId }),
    openCounterBy: (offerId, memberId) => counterBy.get({ offerId, memberId }),
  };
}

/**
 * Whether `counter` may be open while its original is as it is now: while the original is open
 * or being settled (the counter waits on it), or when the counter replaced a directed original
 * made to its owner. Any other ended original leaves the counter nothing to answer. The
 * invariant checker (test/support/invariants.ts) holds every open counter to the same rule.
 */
export const counterMayStayOpen = (counter: OfferRow, original: OfferRow | undefined): boolean =>
  original === undefined ||
  original.status === 'active' ||
  original.status === 'settling' ||
  (original.status === 'countered' && original.targetId === counter.ownerId);

/** The counterer's message when the offer their counter answered ended some other way. */
export const counterEndedNotice = (counter: OfferRow, original: OfferRow, originalStatus: OfferStatus, returned: NotifiedItem[]): Notification => ({
  kind: 'counter_ended',
  offerId: counter.id,
  originalId: original.id,
  originalStatus,
  returned,
});
