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
import { sql, type SQL } from 'drizzle-orm';
import { hiddenReviews, members, trades } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { readTransaction } from './context.js';

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
 * Reputation as a SQL subquery with columns `member_id`, `score`, `partners` and `ratings`, one row
 * per member someone rated: members without a row stand at {@link PRIOR_MEAN}. For a filter on
 * offers, join it and compare `coalesce(score, PRIOR_MEAN)`:
 *
 *   LEFT JOIN (${reputationSql({ marketId })}) rep ON rep.member_id = offers.owner_id
 *   WHERE coalesce(rep.score, ${PRIOR_MEAN}) >= 4
 */
export function reputationSql(scope: ReputationScope): SQL {
  return sql`SELECT subject_id AS member_id,
      (${sql.raw(String(PRIOR_WEIGHT * PRIOR_MEAN))} + sum(partner_mean)) / (${sql.raw(String(PRIOR_WEIGHT))} + count(*)) AS score,
      count(*) AS partners, sum(ratings) AS ratings
    FROM (SELECT subject_id, author_id, avg(stars) AS partner_mean, count(*) AS ratings
      FROM (${countedReviewsSql(scope)}) counted GROUP BY subject_id, author_id) per_partner
    GROUP BY subject_id`;
}

/** The score of a member nobody rated. */
const unrated = (memberId: number): Reputation => ({ memberId, score: PRIOR_MEAN, partners: 0, ratings: 0 });

/** SQLite binds at most 32,766 values a statement; lists are far shorter, this keeps any list safe. */
const BATCH = 500;

export function createReputation({ db }: CoreContext) {
  const { orm } = db;

  const read = (memberIds: readonly number[]): Map<number, Reputation> => {
    const found = new Map<number, Reputation>();
    for (let start = 0; start < memberIds.length; start += BATCH) {
      const rows = orm.all<{ member_id: number; score: number; partners: number; ratings: number }>(reputationSql({ memberIds: memberIds.slice(start, start + BATCH) }));
      for (const row of rows) found.set(row.member_id, { memberId: row.member_id, score: row.score, partners: row.partners, ratings: row.ratings });
    }
    return found;
  };

  return {
    /** A member's reputation (see the formula above). */
    getReputation(memberId: number): Reputation {
      return read([memberId]).get(memberId) ?? unrated(memberId);
    },

    /** Several members' reputations in one read, for lists and cards: every id asked gets an entry. */
    getReputations(memberIds: readonly number[]): Map<number, Reputation> {
      const ids = [...new Set(memberIds)];
      const found = readTransaction(db, () => read(ids));
      return new Map(ids.map((id) => [id, found.get(id) ?? unrated(id)]));
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
