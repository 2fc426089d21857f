/**
 * The one place /search reads a member's reputation, for its `rating N` filter: the members of a
 * market whose reputation is at least `min`, as a subquery of member ids.
 *
 * Today that is the plain mean of the stars a member received (as an owner from takers, as a
 * taker from owners); a member nobody rated has none and never passes the filter. When the
 * market's reputation changes (src/core/reputation.ts, issue 13), this function is the switch.
 */
import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/sqlite-core';
import type { Orm } from '../db/connection.js';
import { trades } from '../db/schema.js';

export function membersWithReputationAtLeast(orm: Orm, marketId: number, min: number): SQL {
  const received = unionAll(
    orm
      .select({ memberId: sql<number>`${trades.ownerId}`.as('member_id'), stars: sql<number>`${trades.ratingByTaker}`.as('stars') })
      .from(trades)
      .where(and(eq(trades.marketId, marketId), isNotNull(trades.ratingByTaker))),
    orm
      .select({ memberId: sql<number>`${trades.takerId}`.as('member_id'), stars: sql<number>`${trades.ratingByOwner}`.as('stars') })
      .from(trades)
      .where(and(eq(trades.marketId, marketId), isNotNull(trades.ratingByOwner))),
  ).as('received');
  return sql`SELECT ${received.memberId} FROM ${received} GROUP BY ${received.memberId} HAVING avg(${received.stars}) >= ${min}`;
}
