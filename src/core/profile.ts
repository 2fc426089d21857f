/**
 * A member's profile: their reputation (see reputation.ts), how many trades they completed, since
 * when they are in the market, and the latest reviews others wrote of them.
 */
import { and, count, eq, or, sql } from 'drizzle-orm';
import { trades } from '../db/schema.js';
import { readTransaction, type CoreContext } from './context.js';
import type { Readers } from './readers.js';
import type { Reputation, ReputationApi, Review } from './reputation.js';
import type { MemberRef } from './types.js';

const p = sql.placeholder;

export interface Profile {
  member: MemberRef;
  tradesCompleted: number;
  /** When the bot first saw the member in this market (their first command, or being named in one). */
  memberSince: number;
  reputation: Reputation;
  /** Newest first, at most {@link LATEST_REVIEWS}; hidden reviews are left out. */
  latestReviews: Review[];
}

export function createProfiles({ db }: CoreContext, deps: { readers: Readers; reputation: ReputationApi }) {
  const { readers, reputation } = deps;
  const completedCount = db.orm
    .select({ n: count() })
    .from(trades)
    .where(and(eq(trades.status, 'completed'), or(eq(trades.ownerId, p('memberId')), eq(trades.takerId, p('memberId')))))
    .prepare();

  return {
    /**
     * A member's profile, read in one transaction, so a rating landing in between cannot make the
     * score and the reviews disagree. Undefined for an unknown member.
     */
    getProfile(memberId: number): Profile | undefined {
      return readTransaction(db, () => {
        const member = readers.member(memberId);
        if (!member) return undefined;
        return {
          member,
          tradesCompleted: completedCount.get({ memberId })?.n ?? 0,
          memberSince: member.firstSeenAt,
          reputation: reputation.getReputation(memberId),
          latestReviews: reputation.latestReviews(memberId),
        };
      });
    },
  };
}
