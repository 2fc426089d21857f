/**
 * The graph loops are found in. Its nodes are the offers that may join a loop: active, not past
 * their expiry, public (directed offers never join), of an owner who is not banned. An edge runs
 * from X to Y when X's give covers everything Y wants (every wanted item, at least the quantity):
 * X's escrow can go whole to Y's owner, who then has at least what Y asked for.
 *
 * The graph is stored: it asks the database, one offer at a time, through the open-lines index by
 * side and item, so a search through one offer costs the offers sharing its items and their
 * neighbours, not the market.
 */
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { members, offerLines, offers } from '../../db/schema.js';
import type { CoreContext } from '../context.js';

/** An offer as the loop search sees it: who owns it, and its two sides as item id -> quantity. */
export interface LoopOffer {
  id: number;
  ownerId: number;
  give: ReadonlyMap<number, number>;
  want: ReadonlyMap<number, number>;
}

/** Offers in cycle order: each one's give goes to the owner of the next, the last one's to the first's. */
export type Loop = readonly LoopOffer[];

/**
 * How many neighbours one offer expands to, oldest first. A market where hundreds of offers are
 * alike would otherwise make one search try every combination of them; the neighbours left out
 * are found by later steps and sweeps, once the older ones have traded.
 */
export const MAX_NEIGHBOURS = 50;

export interface LoopGraph {
  /** The offer if it may join a loop now, else undefined. */
  offer(offerId: number): LoopOffer | undefined;
  /** Offers whose wants `from`'s give covers (it could give to them), oldest first. */
  successors(from: LoopOffer): LoopOffer[];
  /** Offers whose give covers what `to` wants (they could give to it), oldest first. */
  predecessors(to: LoopOffer): LoopOffer[];
}

/** Whether `give` holds every item of `want`, each in at least the wanted quantity. */
export function covers(give: ReadonlyMap<number, number>, want: ReadonlyMap<number, number>): boolean {
  for (const [item, quantity] of want) if ((give.get(item) ?? 0) < quantity) return false;
  return true;
}

interface LineRow {
  side: 'give' | 'want';
  itemId: number;
  quantity: number;
}

function sidesOf(lines: readonly LineRow[]) {
  const give = new Map<number, number>();
  const want = new Map<number, number>();
  for (const line of lines) (line.side === 'give' ? give : want).set(line.itemId, line.quantity);
  return { give, want };
}

/**
 * The graph read from the database at `now`. Must be used inside one read or write transaction,
 * so every answer comes from one state; each offer read is kept for the life of the graph.
 */
export function createStoredLoopGraph(ctx: CoreContext) {
  const { orm } = ctx.db;
  const p = sql.placeholder;
  const offerRow = orm
    .select({ id: offers.id, ownerId: offers.ownerId, targetId: offers.targetId, expiresAt: offers.expiresAt, status: offers.status, bannedAt: members.bannedAt })
    .from(offers)
    .innerJoin(members, eq(members.id, offers.ownerId))
    .where(eq(offers.id, p('offerId')))
    .prepare();
  const linesOf = orm
    .select({ side: offerLines.side, itemId: offerLines.itemId, quantity: offerLines.quantity })
    .from(offerLines)
    .where(eq(offerLines.offerId, p('offerId')))
    .prepare();
  const mine = alias(offerLines, 'mine');
  const theirs = alias(offerLines, 'theirs');
  // Literal `open = 1` and sides, so SQLite can prove the partial index applies.
  const successorIds = orm
    .select({ id: theirs.offerId })
    .from(mine)
    .innerJoin(theirs, and(sql`${theirs.open} = 1`, sql`${theirs.side} = 'want'`, eq(theirs.itemId, mine.itemId), lte(theirs.quantity, mine.quantity)))
    .where(and(eq(mine.offerId, p('offerId')), sql`${mine.side} = 'give'`))
    .groupBy(theirs.offerId)
    // Every want line of theirs is covered: as many matched as it has.
    .having(sql`count(*) = (SELECT count(*) FROM ${offerLines} WHERE ${offerLines.offerId} = ${theirs.offerId} AND ${offerLines.side} = 'want')`)
    .orderBy(asc(theirs.offerId))
    .limit(p('limit'))
    .prepare();
  const predecessorIds = orm
    .select({ id: theirs.offerId })
    .from(mine)
    .innerJoin(theirs, and(sql`${theirs.open} = 1`, sql`${theirs.side} = 'give'`, eq(theirs.itemId, mine.itemId), gte(theirs.quantity, mine.quantity)))
    .where(and(eq(mine.offerId, p('offerId')), sql`${mine.side} = 'want'`))
    .groupBy(theirs.offerId)
    .having(sql`count(*) = ${p('wantLines')}`)
    .orderBy(asc(theirs.offerId))
    .limit(p('limit'))
    .prepare();

  return function storedGraphAt(now: number): LoopGraph {
    const known = new Map<number, LoopOffer | undefined>();
    const offer = (offerId: number) => {
      if (known.has(offerId)) return known.get(offerId);
      const row = offerRow.get({ offerId });
      const eligible = row && row.status === 'active' && row.expiresAt > now && row.targetId === null && row.bannedAt === null;
      const found = eligible ? { id: row.id, ownerId: row.ownerId, ...sidesOf(linesOf.all({ offerId })) } : undefined;
      known.set(offerId, found);
      return found;
    };
    // One more than the cap, since the offer itself may be among them.
    const loaded = (rows: Array<{ id: number }>, self: number) =>
      rows.flatMap(({ id }) => (id === self ? [] : [offer(id)].filter((o): o is LoopOffer => o !== undefined))).slice(0, MAX_NEIGHBOURS);
    return {
      offer,
      successors: (from) => loaded(successorIds.all({ offerId: from.id, limit: MAX_NEIGHBOURS + 1 }), from.id),
      predecessors: (to) => loaded(predecessorIds.all({ offerId: to.id, wantLines: to.want.size, limit: MAX_NEIGHBOURS + 1 }), to.id),
    };
  };
}
