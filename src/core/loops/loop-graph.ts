/**
 * The graph loops are found in. Its nodes are the offers that may join a loop: active, not past
 * their expiry, public (directed offers never join), of an owner who is not banned. An edge runs
 * from X to Y when X's give covers everything Y wants (every wanted item, at least the quantity):
 * X's escrow can go whole to Y's owner, who then has at least what Y asked for.
 *
 * Two implementations answer the same questions. The stored graph asks the database, one offer at
 * a time, through the open-lines index by side and item: the step after a post, whose cost follows
 * the offers sharing the new offer's items. The market graph loads one market's open offers once
 * and answers from memory: the sweep, which looks at every offer anyway.
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

interface IndexedLine {
  offerId: number;
  quantity: number;
}

/** Item id -> the lines naming it, in offer order. */
type SideIndex = Map<number, IndexedLine[]>;

function indexSide(all: Iterable<LoopOffer>, side: 'give' | 'want'): SideIndex {
  const index: SideIndex = new Map();
  for (const offer of all) {
    for (const [itemId, quantity] of offer[side]) {
      const lines = index.get(itemId) ?? [];
      lines.push({ offerId: offer.id, quantity });
      index.set(itemId, lines);
    }
  }
  return index;
}

/**
 * The graph of one market's eligible offers at `now`, loaded in one read and kept in memory:
 * for the sweep, which asks about every offer, so one pass over the market's live lines is cheaper
 * than a query per offer. Neighbours are remembered, since the search asks for them repeatedly.
 */
export function createMarketLoopGraph(ctx: CoreContext) {
  const { orm } = ctx.db;
  const p = sql.placeholder;
  const liveLines = orm
    .select({ offerId: offers.id, ownerId: offers.ownerId, side: offerLines.side, itemId: offerLines.itemId, quantity: offerLines.quantity })
    .from(offers)
    .innerJoin(members, eq(members.id, offers.ownerId))
    .innerJoin(offerLines, eq(offerLines.offerId, offers.id))
    .where(
      and(
        eq(offers.marketId, p('marketId')),
        sql`${offers.status} = 'active'`,
        sql`${offers.expiresAt} > ${p('now')}`,
        sql`${offers.targetId} IS NULL`,
        sql`${members.bannedAt} IS NULL`,
      ),
    )
    .orderBy(asc(offers.id))
    .prepare();

  return function marketGraphAt(marketId: number, now: number): LoopGraph & { offers: LoopOffer[] } {
    const byId = new Map<number, LoopOffer & { give: Map<number, number>; want: Map<number, number> }>();
    for (const row of liveLines.all({ marketId, now })) {
      let offer = byId.get(row.offerId);
      if (!offer) byId.set(row.offerId, (offer = { id: row.offerId, ownerId: row.ownerId, give: new Map(), want: new Map() }));
      offer[row.side].set(row.itemId, row.quantity);
    }
    const wants = indexSide(byId.values(), 'want');
    const gives = indexSide(byId.values(), 'give');
    /** Offers with a line on `index` for each `lines` entry passing `fits`, all of `needed(offer)` lines matched. */
    const matching = (self: LoopOffer, lines: ReadonlyMap<number, number>, index: SideIndex, fits: (theirs: number, mine: number) => boolean, needed: (o: LoopOffer) => number) => {
      const matched = new Map<number, number>();
      for (const [itemId, quantity] of lines) {
        for (const line of index.get(itemId) ?? []) if (fits(line.quantity, quantity)) matched.set(line.offerId, (matched.get(line.offerId) ?? 0) + 1);
      }
      const found: LoopOffer[] = [];
      for (const [offerId, count] of matched) {
        const offer = byId.get(offerId);
        if (offer && offerId !== self.id && count === needed(offer)) found.push(offer);
      }
      return found.sort((a, b) => a.id - b.id).slice(0, MAX_NEIGHBOURS);
    };
    const memo = (find: (o: LoopOffer) => LoopOffer[]) => {
      const seen = new Map<number, LoopOffer[]>();
      return (o: LoopOffer) => seen.get(o.id) ?? seen.set(o.id, find(o)).get(o.id)!;
    };
    return {
      offers: [...byId.values()],
      offer: (offerId) => byId.get(offerId),
      successors: memo((from) => matching(from, from.give, wants, (theirs, mine) => theirs <= mine, (o) => o.want.size)),
      predecessors: memo((to) => matching(to, to.want, gives, (theirs, mine) => theirs >= mine, () => to.want.size)),
    };
  };
}
