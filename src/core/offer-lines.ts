/**
 * `offer_lines.open` mirrors "the offer is active" so the item-filtered market listing walks a
 * partial index of live lines only (see the schema). Every statement that moves an offer out of
 * `active` is followed, in the same transaction, by {@link OfferLineClosing.closeLines}.
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';
import { offerLines } from '../db/schema.js';

export interface OfferLineClosing {
  /** Takes the offer's lines out of the open-lines index. Must run inside a write transaction. */
  closeLines(offerId: number): void;
  /** Puts the lines back for an offer that is active again (a settlement fell through). */
  reopenLines(offerId: number): void;
}

export function createOfferLineClosing(db: Database): OfferLineClosing {
  const close = db.orm
    .update(offerLines)
    .set({ open: 0 })
    .where(eq(offerLines.offerId, sql.placeholder('offerId')))
    .prepare();
  const reopen = db.orm
    .update(offerLines)
    .set({ open: 1 })
    .where(eq(offerLines.offerId, sql.placeholder('offerId')))
    .prepare();
  return {
    closeLines(offerId) {
      close.run({ offerId });
    },
    reopenLines(offerId) {
      reopen.run({ offerId });
    },
  };
}
