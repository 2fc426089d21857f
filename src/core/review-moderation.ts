/**
 * Admins hide an abusive review (`/admin review-hide`) and may bring it back: a hidden review
 * leaves the reputation and the profile of the one it rates (reputation.ts reads
 * `hidden_reviews`), while the rating itself stays on the trade.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { hiddenReviews, trades } from '../db/schema.js';
import { MAX_REASON_LENGTH } from './close-offer.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { recordModeration } from './moderation-log.js';
import { requireMemberOf, type Readers } from './readers.js';
import type { ReputationApi } from './reputation.js';
import type { MemberRef } from './types.js';

const p = sql.placeholder;

/** A review as the admin is told about it. */
export interface ModeratedReview {
  tradeId: number;
  author: MemberRef;
  /** The member the review is about. */
  subject: MemberRef;
  stars: number;
  comment: string | null;
}

type TradeRow = typeof trades.$inferSelect;

/** The moderation log's row for a hiding or unhiding: the author is the member acted on. */
const logged = (input: { marketId: number; adminId: number }, review: ModeratedReview) => ({
  marketId: input.marketId,
  adminId: input.adminId,
  memberId: review.author.id,
  tradeId: review.tradeId,
  detail: { subject: review.subject.displayName, stars: review.stars, comment: review.comment },
});

/** The reviews written on a trade: the taker's of the owner, and the owner's of the taker. */
function reviewsOn(row: TradeRow) {
  const written = [
    { authorId: row.takerId, subjectId: row.ownerId, stars: row.ratingByTaker, comment: row.commentByTaker },
    { authorId: row.ownerId, subjectId: row.takerId, stars: row.ratingByOwner, comment: row.commentByOwner },
  ];
  return written.filter((review): review is typeof review & { stars: number } => review.stars !== null);
}

export function createReviewModeration(ctx: CoreContext, deps: { readers: Readers; reputation: Pick<ReputationApi, 'refreshReputation'> }) {
  const { db, clock } = ctx;
  const { readers, reputation } = deps;
  const tradeById = db.orm.select().from(trades).where(eq(trades.id, p('id'))).prepare();
  const hiddenRow = db.orm
    .select()
    .from(hiddenReviews)
    .where(and(eq(hiddenReviews.tradeId, p('tradeId')), eq(hiddenReviews.authorId, p('authorId'))))
    .prepare();
  const hideAgain = db.orm
    .update(hiddenReviews)
    .set({ hiddenBy: sql`${p('adminId')}`, reason: sql`${p('reason')}`, hiddenAt: sql`${p('now')}`, unhiddenBy: null, unhiddenAt: null })
    .where(and(eq(hiddenReviews.tradeId, p('tradeId')), eq(hiddenReviews.authorId, p('authorId')), isNotNull(hiddenReviews.unhiddenAt)))
    .prepare();
  const unhide = db.orm
    .update(hiddenReviews)
    .set({ unhiddenBy: sql`${p('adminId')}`, unhiddenAt: sql`${p('now')}` })
    .where(and(eq(hiddenReviews.tradeId, p('tradeId')), eq(hiddenReviews.authorId, p('authorId')), sql`${hiddenReviews.unhiddenAt} IS NULL`))
    .prepare();

  const isHidden = (tradeId: number, authorId: number) => {
    const row = hiddenRow.get({ tradeId, authorId });
    return row !== undefined && row.unhiddenAt === null;
  };
  const member = (id: number) => {
    const found = readers.member(id);
    if (!found) throw new Error(`review names missing member ${id}`);
    return found;
  };

  /**
   * The one review an admin means: the author's, when named; else the only one there is in the
   * wanted state (shown or hidden), or a refusal asking for the author when both sides wrote one.
   */
  const pickReview = (marketId: number, tradeId: number, authorId: number | undefined, want: 'shown' | 'hidden'): ModeratedReview => {
    const row = tradeById.get({ id: tradeId });
    if (!row || row.marketId !== marketId) throw new Refusal({ code: 'trade_not_found', tradeId });
    const authorName = authorId === undefined ? null : member(authorId).displayName;
    if (authorId !== undefined && authorId !== row.ownerId && authorId !== row.takerId) {
      throw new Refusal({ code: 'review_not_found', tradeId, authorName });
    }
    const candidates = reviewsOn(row).filter((review) => authorId === undefined || review.authorId === authorId);
    if (candidates.length === 0) throw new Refusal({ code: 'review_not_found', tradeId, authorName });
    const inState = candidates.filter((review) => isHidden(tradeId, review.authorId) === (want === 'hidden'));
    if (inState.length === 0) {
      const only = candidates.length === 1 ? member(candidates[0]!.authorId).displayName : null;
      throw new Refusal({ code: want === 'shown' ? 'review_already_hidden' : 'review_not_hidden', tradeId, authorName: authorName ?? only });
    }
    if (inState.length > 1) {
      throw new Refusal({ code: 'review_author_needed', tradeId, authors: inState.map((review) => member(review.authorId).displayName), action: want === 'shown' ? 'hide' : 'unhide' });
    }
    const review = inState[0]!;
    return { tradeId, author: member(review.authorId), subject: member(review.subjectId), stars: review.stars, comment: review.comment };
  };

  return {
    /**
     * Admin: hides a review of a trade of this market, so it no longer counts toward the rated
     * member's reputation nor shows on their profile. `authorId` picks whose review when both
     * sides wrote one. Who hid it, when and why are kept with it, and in the moderation log (whose
     * member is the review's author).
     */
    hideReview(input: { marketId: number; adminId: number; tradeId: number; authorId?: number | undefined; reason?: string | null | undefined }): Result<ModeratedReview> {
      return runWrite(db, () => {
        const reason = input.reason?.trim() || null;
        if (reason && reason.length > MAX_REASON_LENGTH) throw new Refusal({ code: 'text_too_long', field: 'reason', max: MAX_REASON_LENGTH });
        // Authority over a market is checked by the command layer; an admin of another market here is a caller's bug.
        requireMemberOf(readers, input.marketId, input.adminId);
        const review = pickReview(input.marketId, input.tradeId, input.authorId, 'shown');
        const key = { tradeId: review.tradeId, authorId: review.author.id };
        const values = { ...key, adminId: input.adminId, reason, now: clock() };
        if (hiddenRow.get(key)) {
          if (hideAgain.run(values).changes !== 1) throw new Error('hidden review changed under the write lock');
        } else {
          db.orm.insert(hiddenReviews).values({ ...key, hiddenBy: input.adminId, reason, hiddenAt: values.now }).run();
        }
        recordModeration(ctx, { ...logged(input, review), action: 'review_hide', reason });
        reputation.refreshReputation(review.subject.id);
        return review;
      });
    },

    /** Admin: brings a hidden review back into the reputation and the profile. */
    unhideReview(input: { marketId: number; adminId: number; tradeId: number; authorId?: number | undefined }): Result<ModeratedReview> {
      return runWrite(db, () => {
        requireMemberOf(readers, input.marketId, input.adminId);
        const review = pickReview(input.marketId, input.tradeId, input.authorId, 'hidden');
        if (unhide.run({ tradeId: review.tradeId, authorId: review.author.id, adminId: input.adminId, now: clock() }).changes !== 1) {
          throw new Error('hidden review changed under the write lock');
        }
        recordModeration(ctx, { ...logged(input, review), action: 'review_unhide' });
        reputation.refreshReputation(review.subject.id);
        return review;
      });
    },
  };
}
