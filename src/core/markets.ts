/**
 * Markets and members come into being on first use: the adapters call these on every command,
 * so they are single upserts on prepared statements.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { currentMarkets, markets, members, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { memberColumns } from './readers.js';
import type { Market, MemberRef } from './types.js';

const p = sql.placeholder;

export interface EnsureMarketInput {
  platform: Platform;
  platformMarketId: string;
  title?: string | null;
}

export interface EnsureMemberInput {
  marketId: number;
  platformUserId: string;
  displayName: string;
  /** The platform @username without the @; null when the account has none (any old one is forgotten). */
  username?: string | null;
  /** When the account joined the market's group or server, where the platform says (Discord); kept when absent. */
  joinedAt?: number | null | undefined;
  /** When the platform account was created, where the platform says (Discord: from the user id); kept when absent. */
  accountCreatedAt?: number | null | undefined;
}

export function createMarkets({ db, clock }: CoreContext) {
  const { orm } = db;
  const marketColumns = {
    id: markets.id,
    platform: markets.platform,
    platformMarketId: markets.platformMarketId,
    title: markets.title,
    settlement: markets.settlement,
  };
  const upsertMarket = orm
    .insert(markets)
    .values({ platform: p('platform'), platformMarketId: p('platformMarketId'), title: p('title'), createdAt: p('now') })
    .onConflictDoUpdate({
      target: [markets.platform, markets.platformMarketId],
      set: { title: sql`coalesce(excluded.title, ${markets.title})` },
    })
    .returning(marketColumns)
    .prepare();
  const marketById = orm.select(marketColumns).from(markets).where(eq(markets.id, p('id'))).prepare();
  const marketByPlatformId = orm
    .select(marketColumns)
    .from(markets)
    .where(and(eq(markets.platform, p('platform')), eq(markets.platformMarketId, p('platformMarketId'))))
    .prepare();
  const upsertMember = orm
    .insert(members)
    .values({
      marketId: p('marketId'),
      platformUserId: p('platformUserId'),
      displayName: p('displayName'),
      username: p('username'),
      joinedAt: p('joinedAt'),
      accountCreatedAt: p('accountCreatedAt'),
      createdAt: p('now'),
    })
    .onConflictDoUpdate({
      target: [members.marketId, members.platformUserId],
      // What the platform did not say this time is kept from the last time it did.
      set: {
        displayName: sql`excluded.display_name`,
        username: sql`excluded.username`,
        joinedAt: sql`coalesce(excluded.joined_at, ${members.joinedAt})`,
        accountCreatedAt: sql`coalesce(excluded.account_created_at, ${members.accountCreatedAt})`,
      },
    })
    .returning(memberColumns)
    .prepare();
  const releaseUsername = orm
    .update(members)
    .set({ username: null })
    .where(and(eq(members.marketId, p('marketId')), eq(members.username, p('username')), ne(members.platformUserId, p('platformUserId'))))
    .prepare();
  const memberByUsername = orm
    .select(memberColumns)
    .from(members)
    .where(and(eq(members.marketId, p('marketId')), eq(members.username, p('username'))))
    .prepare();
  const memberByPlatformId = orm
    .select(memberColumns)
    .from(members)
    .where(and(eq(members.marketId, p('marketId')), eq(members.platformUserId, p('platformUserId'))))
    .prepare();

  const rememberMarket = orm
    .insert(currentMarkets)
    .values({ platform: p('platform'), platformUserId: p('platformUserId'), marketId: p('marketId'), updatedAt: p('now') })
    .onConflictDoUpdate({
      target: [currentMarkets.platform, currentMarkets.platformUserId],
      set: { marketId: sql`excluded.market_id`, updatedAt: sql`excluded.updated_at` },
    })
    .prepare();
  const currentMarketOf = orm
    .select(marketColumns)
    .from(currentMarkets)
    .innerJoin(markets, eq(markets.id, currentMarkets.marketId))
    .where(and(eq(currentMarkets.platform, p('platform')), eq(currentMarkets.platformUserId, p('platformUserId'))))
    .prepare();
  const marketsOfUser = orm
    .select(marketColumns)
    .from(members)
    .innerJoin(markets, eq(markets.id, members.marketId))
    .where(and(eq(markets.platform, p('platform')), eq(members.platformUserId, p('platformUserId'))))
    .orderBy(markets.id)
    .prepare();

  return {
    /** Remembers the market a platform account used last (for commands sent in private). */
    setCurrentMarket(platform: Platform, platformUserId: string, marketId: number): void {
      db.writeTransaction(() => rememberMarket.run({ platform, platformUserId, marketId, now: clock() }));
    },
    /** The market a platform account used last, if any. */
    currentMarket: (platform: Platform, platformUserId: string): Market | undefined => currentMarketOf.get({ platform, platformUserId }),
    /** Every market of a platform where this account is a member. */
    marketsOf: (platform: Platform, platformUserId: string): Market[] => marketsOfUser.all({ platform, platformUserId }),
    /** The market for a guild or group, created on first use; a newer title replaces the old. */
    ensureMarket(input: EnsureMarketInput): Market {
      // Read first: nearly every command finds its market unchanged, and needs no write lock.
      const known = marketByPlatformId.get({ platform: input.platform, platformMarketId: input.platformMarketId });
      if (known && (input.title == null || input.title === known.title)) return known;
      const row = db.writeTransaction(() =>
        upsertMarket.get({ platform: input.platform, platformMarketId: input.platformMarketId, title: input.title ?? null, now: clock() }),
      );
      if (!row) throw new Error('market upsert returned nothing');
      return row;
    },
    getMarket: (marketId: number): Market | undefined => marketById.get({ id: marketId }),
    findMarket: (platform: Platform, platformMarketId: string): Market | undefined =>
      marketByPlatformId.get({ platform, platformMarketId }),
    /** The member for a platform account in a market, created on first use; names are refreshed. */
    ensureMember(input: EnsureMemberInput): MemberRef {
      const username = input.username ? input.username.replace(/^@/, '').toLowerCase() : null;
      const joinedAt = input.joinedAt ?? null;
      const accountCreatedAt = input.accountCreatedAt ?? null;
      const known = memberByPlatformId.get({ marketId: input.marketId, platformUserId: input.platformUserId });
      const same = (said: number | null, stored: number | null) => said === null || said === stored;
      if (known && known.displayName === input.displayName && username === known.username && same(joinedAt, known.joinedAt) && same(accountCreatedAt, known.accountCreatedAt)) {
        return known;
      }
      const row = db.writeTransaction(() => {
        // A @username belongs to one account at a time: whoever had it before has let it go.
        if (username) releaseUsername.run({ marketId: input.marketId, username, platformUserId: input.platformUserId });
        return upsertMember.get({
          marketId: input.marketId,
          platformUserId: input.platformUserId,
          displayName: input.displayName,
          username,
          joinedAt,
          accountCreatedAt,
          now: clock(),
        });
      });
      if (!row) throw new Error('member upsert returned nothing');
      return row;
    },
    /**
     * Moves a market to a new platform id (a Telegram group upgraded to a supergroup changes its
     * chat id). Everything stays attached to the market. Returns the market, if there was one.
     */
    moveMarket(platform: Platform, fromPlatformId: string, toPlatformId: string): Market | undefined {
      return db.writeTransaction(() => {
        const market = marketByPlatformId.get({ platform, platformMarketId: fromPlatformId });
        if (!market || marketByPlatformId.get({ platform, platformMarketId: toPlatformId })) return market;
        orm.update(markets).set({ platformMarketId: toPlatformId }).where(eq(markets.id, market.id)).run();
        return { ...market, platformMarketId: toPlatformId };
      });
    },
    /** A member the bot has seen, by @username (case and a leading @ ignored). */
    findMemberByUsername: (marketId: number, username: string): MemberRef | undefined =>
      memberByUsername.get({ marketId, username: username.replace(/^@/, '').toLowerCase() }),
    findMember: (marketId: number, platformUserId: string): MemberRef | undefined =>
      memberByPlatformId.get({ marketId, platformUserId }),
  };
}
