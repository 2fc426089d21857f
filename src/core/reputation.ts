/**
 * Reputation that two accounts cannot farm: only completed trades count, each distinct partner
 * counts once (their ratings are averaged first), and a neutral prior keeps a handful of ratings
 * from making a perfect score. A review an admin hid does not count.
 *
 *   score = (PRIOR_WEIGHT * PRIOR_MEAN + sum over partners of that partner's mean) / (PRIOR_WEIGHT + partners)
 *
 * So a member nobody rated stands at 3.0; one 5-star rating gives (15 + 5) / 6 = 3.33; two members
 * who trade ten times and give each other 5 stars each time still stand at 3.33, since ten ratings
 * from one partner weigh as much as one. Five happy partners make 4.0, twenty make 4.6.
 */
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { hiddenReviews, members, reputations, trades } from '../db/schema.js';
import type { CoreContext } from './context.js';

/** The neutral score a member starts from: the middle of 1-5. */
export const PRIOR_MEAN = 3;
/**
 * How many partners' worth of weight the prior has. Five means a member needs about five
 * distinct satisfied partners before the prior stops dominating: few enough that an honest
 * newcomer climbs after a week of trading, many enough that a ring of two or three accounts
 * stays near 3.
 */
export const PRIOR_WEIGHT = 5;
/** How many reviews the profile shows. */
export const LATEST_REVIEWS = 5;

export interface Reputation {
  memberId: number;
  /** The Bayesian score, 1 to 5; {@link PRIOR_MEAN} for a member nobody rated. */
  score: number;
  /** How many distinct members rated them (on completed trades, reviews not hidden). */
  partners: number;
  /** How many ratings that is in all (several from one partner count as one in the score). */
  ratings: number;
}

export interface Review {
  tradeId: number;
  author: { id: number; displayName: string };
  stars: number;
  comment: string | null;
  /** When it was given (for ratings from before that was kept: when the trade completed). */
  ratedAt: number;
}

/** Which members to compute: some ids, or everyone in one market. Restricting early keeps the read on the trades' owner and taker indexes. */
export type ReputationScope = { memberIds: readonly number[] } | { marketId: number };

function scopeCondition(column: typeof trades.ownerId | typeof trades.takerId, scope: ReputationScope): SQL {
  if ('marketId' in scope) return sql`${trades.marketId} = ${scope.marketId}`;
  if (scope.memberIds.length === 0) return sql`0 = 1`;
  return sql`${column} IN (${sql.join(
    scope.memberIds.map((id) => sql`${id}`),
    sql`, `,
  )})`;
}

/** One side's ratings as reviews of the other side: the taker's rating is a review of the owner, and back. */
function reviewsFromSide(scope: ReputationScope, side: 'byTaker' | 'byOwner'): SQL {
  const [subject, author, stars, comment, ratedAt] =
    side === 'byTaker'
      ? [trades.ownerId, trades.takerId, trades.ratingByTaker, trades.commentByTaker, trades.ratedByTakerAt]
      : [trades.takerId, trades.ownerId, trades.ratingByOwner, trades.commentByOwner, trades.ratedByOwnerAt];
  return sql`SELECT ${subject} AS subject_id, ${author} AS author_id, ${trades.id} AS trade_id, ${stars} AS stars,
      ${comment} AS comment, coalesce(${ratedAt}, ${trades.completedAt}) AS rated_at
    FROM ${trades}
    WHERE ${trades.status} = 'completed' AND ${stars} IS NOT NULL AND ${scopeCondition(subject, scope)}
      AND NOT EXISTS (SELECT 1 FROM ${hiddenReviews} WHERE ${hiddenReviews.tradeId} = ${trades.id}
        AND ${hiddenReviews.authorId} = ${author} AND ${hiddenReviews.unhiddenAt} IS NULL)`;
}

/**
 * The reviews that count, as a SQL subquery: one row per rating given on a completed trade and
 * not hidden, with columns `subject_id` (who was rated), `author_id`, `trade_id`, `stars`,
 * `comment` and `rated_at`.
 */
export function countedReviewsSql(scope: ReputationScope): SQL {
  return sql`${reviewsFromSide(scope, 'byTaker')} UNION ALL ${reviewsFromSide(scope, 'byOwner')}`;
}

/**
 * The computation itself, as a SQL subquery with columns `member_id`, `score`, `partners` and
 * `ratings`, one row per member someone rated (members without a row stand at
 * {@link PRIOR_MEAN}). It aggregates every review of the members in scope: the core stores its
 * result per member (`reputations`), and reads and filters use that ({@link reputationAtLeast});
 * this is for recomputing and checking.
 */
export function reputationSql(scope: ReputationScope): SQL {
  return sql`SELECT subject_id AS member_id,
      (${sql.raw(String(PRIOR_WEIGHT * PRIOR_MEAN))} + sum(partner_mean)) / (${sql.raw(String(PRIOR_WEIGHT))} + count(*)) AS score,
      count(*) AS partners, sum(ratings) AS ratings
    FROM (SELECT subject_id, author_id, avg(stars) AS partner_mean, count(*) AS ratings
      FROM (${countedReviewsSql(scope)}) counted GROUP BY subject_id, author_id) per_partner
    GROUP BY subject_id`;
}

/**
 * A filter condition for queries over offers (or anything with a member column): the member's
 * reputation is at least `min`. It reads the stored rows (the `reputations` table, kept in step
 * with every rating) through their (market, score) index; an unrated member counts as
 * {@link PRIOR_MEAN}, so above the prior only rated members can pass, and at or below it only
 * rated members can fail: either way the set to check is the rated members on one side of `min`.
 *
 *   .where(and(eq(offers.marketId, marketId), reputationAtLeast(offers.ownerId, marketId, 4)))
 */
export function reputationAtLeast(member: SQLiteColumn, marketId: number, min: number): SQL {
  return min > PRIOR_MEAN
    ? sql`${member} IN (SELECT ${reputations.memberId} FROM ${reputations} WHERE ${reputations.marketId} = ${marketId} AND ${reputations.score} >= ${min})`
    : sql`${member} NOT IN (SELECT ${reputations.memberId} FROM ${reputations} WHERE ${reputations.marketId} = ${marketId} AND ${reputations.score} < ${min})`;
}

/**
 * The same filter as a subquery of member ids (the members of a market whose reputation is at
 * least `min`), for queries that take a set of owners: `owner_id IN (...)`.
 */
export function memberIdsWithReputationAtLeast(marketId: number, min: number): SQL {
  return min > PRIOR_MEAN
    ? sql`SELECT ${reputations.memberId} FROM ${reputations} WHERE ${reputations.marketId} = ${marketId} AND ${reputations.score} >= ${min}`
    : sql`SELECT ${members.id} FROM ${members} WHERE ${members.marketId} = ${marketId} AND ${reputationAtLeast(members.id, marketId, min)}`;
}

/** The score of a member nobody rated. */
const unrated = (memberId: number): Reputation => ({ memberId, score: PRIOR_MEAN, partners: 0, ratings: 0 });

/** SQLite binds at most 32,766 values a statement; lists are far shorter, this keeps any list safe. */
const BATCH = 500;

export function createReputation({ db }: CoreContext) {
  const { orm } = db;
  const columns = { memberId: reputations.memberId, score: reputations.score, partners: reputations.partners, ratings: reputations.ratings };
  const stored = orm.select(columns).from(reputations).where(eq(reputations.memberId, sql.placeholder('memberId'))).prepare();
  const forget = orm.delete(reputations).where(eq(reputations.memberId, sql.placeholder('memberId'))).prepare();

  return {
    /** A member's reputation (see the formula above), as stored. */
    getReputation(memberId: number): Reputation {
      return stored.get({ memberId }) ?? unrated(memberId);
    },

    /** Several members' reputations in one read, for lists and cards: every id asked gets an entry. */
    getReputations(memberIds: readonly number[]): Map<number, Reputation> {
      const ids = [...new Set(memberIds)];
      const found = new Map<number, Reputation>();
      for (let start = 0; start < ids.length; start += BATCH) {
        for (const row of orm.select(columns).from(reputations).where(inArray(reputations.memberId, ids.slice(start, start + BATCH))).all()) found.set(row.memberId, row);
      }
      return new Map(ids.map((id) => [id, found.get(id) ?? unrated(id)]));
    },

    /**
     * Recomputes a member's reputation from their reviews and stores it. Runs inside the write
     * transaction of whatever changed their reviews (a rating, a hiding, an unhiding), so the
     * stored row never disagrees with the reviews.
     */
    refreshReputation(memberId: number): void {
      forget.run({ memberId });
      orm.run(sql`INSERT INTO ${reputations} (member_id, market_id, score, partners, ratings)
        SELECT rep.member_id, ${members.marketId}, rep.score, rep.partners, rep.ratings
        FROM (${reputationSql({ memberIds: [memberId] })}) rep JOIN ${members} ON ${members.id} = rep.member_id`);
    },

    /** The latest reviews others wrote of a member, newest first, hidden ones left out. */
    latestReviews(memberId: number, limit = LATEST_REVIEWS): Review[] {
      const rows = orm.all<{ trade_id: number; author_id: number; author_name: string; stars: number; comment: string | null; rated_at: number }>(sql`
        SELECT counted.trade_id, counted.author_id, ${members.displayName} AS author_name, counted.stars, counted.comment, counted.rated_at
        FROM (${countedReviewsSql({ memberIds: [memberId] })}) counted
        JOIN ${members} ON ${members.id} = counted.author_id
        ORDER BY counted.rated_at DESC, counted.trade_id DESC
        LIMIT ${limit}`);
      return rows.map((row) => ({
        tradeId: row.trade_id,
        author: { id: row.author_id, displayName: row.author_name },
        stars: row.stars,
        comment: row.comment,
        ratedAt: row.rated_at,
      }));
    },
  };
}

export type ReputationApi = ReturnType<typeof createReputation>;
