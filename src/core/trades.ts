/**
 * After the swap: trade history and ratings (each side rates the other once); what ratings add
 * up to is in reputation.ts and profile.ts.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import { trades, type TradeStatus, TRADE_STATUSES } from '../db/schema.js';
import { readTransaction, runRead, runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { mapPage, readPage, type KeysetPage, type PageRequest } from './paging.js';
import type { Outbox } from './outbox.js';
import { requireMemberOf, type Readers } from './readers.js';
import type { ReputationApi } from './reputation.js';
import type { MemberRef, TradeView } from './types.js';

const p = sql.placeholder;

export const MAX_COMMENT_LENGTH = 500;

/** `active` and `inactive` name groups of trade states, as in the transaction spec. */
export const TRADE_FILTER_GROUPS = {
  active: ['pending', 'processing'],
  inactive: ['completed', 'cancelled'],
} as const satisfies Record<string, readonly TradeStatus[]>;
export type TradeFilter = keyof typeof TRADE_FILTER_GROUPS | TradeStatus;
export const TRADE_FILTERS: readonly TradeFilter[] = [...(Object.keys(TRADE_FILTER_GROUPS) as Array<keyof typeof TRADE_FILTER_GROUPS>), ...TRADE_STATUSES];

/** The states a filter names: a group, one state, or several states written `pending,cancelled`. */
export function tradeFilterStatuses(filter: string): TradeStatus[] {
  if (filter in TRADE_FILTER_GROUPS) return [...TRADE_FILTER_GROUPS[filter as keyof typeof TRADE_FILTER_GROUPS]];
  const statuses = filter.split(',').filter((word): word is TradeStatus => (TRADE_STATUSES as readonly string[]).includes(word));
  if (statuses.length === 0) throw new RangeError(`not a trade filter: ${filter}`);
  return statuses;
}

export type TradeRow = typeof trades.$inferSelect;

/** A trade that settled an offer (every trade but an event's exchange): settlement works on these. */
export type OfferTradeRow = TradeRow & { offerId: number };

/** `row` as a trade of an offer; an event's exchange here is a bug (it never enters settlement). */
export function offerTrade(row: TradeRow): OfferTradeRow {
  if (row.offerId === null) throw new Error(`trade ${row.id} settled no offer`);
  return row as OfferTradeRow;
}

/** What a trade row shows: its parties and the items each gave (the offer's lines). */
export function tradeView(readers: Readers, row: TradeRow): TradeView {
  const member = (id: number) => {
    const found = readers.member(id);
    if (!found) throw new Error(`trade ${row.id} names missing member ${id}`);
    return found;
  };
  if (row.offerId === null) return eventTradeView(readers, row, member(row.ownerId), member(row.takerId));
  const lines = readers.offerLines(row.offerId);
  const side = (which: 'give' | 'want') => lines.filter((line) => line.side === which).map(({ item, quantity }) => ({ item, quantity }));
  return tradeViewOf(row, { owner: member(row.ownerId), taker: member(row.takerId), ownerGave: side('give'), takerGave: side('want') });
}

/**
 * An event's exchange: the owner gave their entry to the taker, and what they got for it (the
 * entry it received, from the member before them in the loop) stands where an offer's want would.
 */
function eventTradeView(readers: Readers, row: TradeRow, owner: MemberRef, taker: MemberRef): TradeView {
  if (row.eventEntryId === null) throw new Error(`trade ${row.id} has neither an offer nor an event entry`);
  const received = readers.receivedEntry(row.eventEntryId);
  return tradeViewOf(row, { owner, taker, ownerGave: readers.entryItems(row.eventEntryId), takerGave: received === null ? [] : readers.entryItems(received) });
}

/** A trade row as members see it, given its parties and what each gave (already in hand when it was just written). */
export function tradeViewOf(row: TradeRow, parties: Pick<TradeView, 'owner' | 'taker' | 'ownerGave' | 'takerGave'>): TradeView {
  return {
    id: row.id,
    offerId: row.offerId,
    eventEntryId: row.eventEntryId,
    marketId: row.marketId,
    ...parties,
    status: row.status,
    createdAt: row.createdAt,
    acceptedAt: row.acceptedAt,
    confirmedAt: row.confirmedAt,
    completedAt: row.completedAt,
    cancelReason: row.cancelReason,
    dueAt: row.dueAt,
    ratingByOwner: row.ratingByOwner,
    commentByOwner: row.commentByOwner,
    ratingByTaker: row.ratingByTaker,
    commentByTaker: row.commentByTaker,
  };
}

export function createTrades(ctx: CoreContext, deps: { readers: Readers; outbox: Outbox; reputation: Pick<ReputationApi, 'refreshReputation'> }) {
  const { db } = ctx;
  const { readers, outbox, reputation } = deps;
  const tradeById = db.orm.select().from(trades).where(eq(trades.id, p('id'))).prepare();
  const rateAsOwner = db.orm
    .update(trades)
    .set({ ratingByOwner: sql`${p('stars')}`, commentByOwner: sql`${p('comment')}`, ratedByOwnerAt: sql`${p('now')}` })
    .where(and(eq(trades.id, p('id')), sql`${trades.ratingByOwner} IS NULL`))
    .prepare();
  const rateAsTaker = db.orm
    .update(trades)
    .set({ ratingByTaker: sql`${p('stars')}`, commentByTaker: sql`${p('comment')}`, ratedByTakerAt: sql`${p('now')}` })
    .where(and(eq(trades.id, p('id')), sql`${trades.ratingByTaker} IS NULL`))
    .prepare();
  const view = (row: TradeRow) => tradeView(readers, row);

  const requireTrade = (marketId: number, tradeId: number): TradeRow => {
    const row = tradeById.get({ id: tradeId });
    if (!row || row.marketId !== marketId) throw new Refusal({ code: 'trade_not_found', tradeId });
    return row;
  };

  return {
    /** One trade of the market, for whoever may see it (its card, rendered for no one in particular). */
    findTrade(marketId: number, tradeId: number): TradeView | undefined {
      const row = tradeById.get({ id: tradeId });
      return row && row.marketId === marketId ? view(row) : undefined;
    },

    /** One trade, for its parties only. */
    getTrade(marketId: number, tradeId: number, memberId: number): Result<TradeView> {
      return runRead(db, () => {
        const row = requireTrade(marketId, tradeId);
        if (row.ownerId !== memberId && row.takerId !== memberId) throw new Refusal({ code: 'not_trade_party', tradeId });
        return view(row);
      });
    },

    /**
     * A page of the member's trades on either side, newest first. `filter` is a state or a group:
     * `active` (pending, processing) or `inactive` (completed, cancelled); all when absent.
     */
    listTrades(memberId: number, options: { filter?: TradeFilter | readonly TradeStatus[] | undefined } & PageRequest = {}): KeysetPage<TradeView> {
      const { filter } = options;
      const statuses: TradeStatus[] = [
        ...(filter === undefined
          ? TRADE_STATUSES
          : typeof filter !== 'string'
            ? filter
            : filter in TRADE_FILTER_GROUPS
              ? TRADE_FILTER_GROUPS[filter as keyof typeof TRADE_FILTER_GROUPS]
              : [filter as TradeStatus]),
      ];
      // One walk per side, each down its own index (owner, id) or (taker, id), merged here: an OR
      // of the two sides would gather every trade of the member and sort them for one page.
      const walk = (direction: 'forward' | 'backward', bound: number, limit: number) => {
        const forward = direction === 'forward';
        const side = (column: typeof trades.ownerId | typeof trades.takerId) =>
          db.orm
            .select()
            .from(trades)
            .where(and(eq(column, memberId), inArray(trades.status, statuses), forward ? lt(trades.id, bound) : gt(trades.id, bound)))
            .orderBy(forward ? desc(trades.id) : asc(trades.id))
            .limit(limit)
            .all();
        const byId = new Map([...side(trades.ownerId), ...side(trades.takerId)].map((row) => [row.id, row]));
        return [...byId.values()].sort((a, b) => (forward ? b.id - a.id : a.id - b.id)).slice(0, limit);
      };
      const page = readTransaction(db, () =>
        readPage({ forward: (after, limit) => walk('forward', after ?? Number.MAX_SAFE_INTEGER, limit), backward: (before, limit) => walk('backward', before, limit) }, options),
      );
      return mapPage(page, view);
    },

    /**
     * Rates the other side of a completed trade, 1-5 stars with an optional comment. Each party
     * rates once; the other party is told.
     */
    rateTrade(input: { marketId: number; tradeId: number; memberId: number; stars: number; comment?: string | null | undefined }): Result<TradeView> {
      return runWrite(db, () => {
        const row = requireTrade(input.marketId, input.tradeId);
        // A ban takes away rating too: a banned account must not keep shaping others' reputation.
        const rater = requireMemberOf(readers, input.marketId, input.memberId);
        if (rater.bannedAt !== null) throw new Refusal({ code: 'banned_rater', reason: rater.banReason });
        const asOwner = row.ownerId === input.memberId;
        if (!asOwner && row.takerId !== input.memberId) throw new Refusal({ code: 'not_trade_party', tradeId: row.id });
        if (row.status !== 'completed') throw new Refusal({ code: 'trade_not_completed', tradeId: row.id, status: row.status });
        if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5) throw new Refusal({ code: 'stars_out_of_range', stars: input.stars });
        const comment = input.comment?.trim() || null;
        if (comment && comment.length > MAX_COMMENT_LENGTH) throw new Refusal({ code: 'text_too_long', field: 'comment', max: MAX_COMMENT_LENGTH });
        const statement = asOwner ? rateAsOwner : rateAsTaker;
        if (statement.run({ id: row.id, stars: input.stars, comment, now: ctx.clock() }).changes !== 1) throw new Refusal({ code: 'already_rated', tradeId: row.id });
        const otherId = asOwner ? row.takerId : row.ownerId;
        reputation.refreshReputation(otherId);
        outbox.enqueue(row.marketId, otherId, `trade:${row.id}:rated-by:${input.memberId}`, {
          kind: 'trade_rated',
          tradeId: row.id,
          raterName: rater.displayName,
          stars: input.stars,
          comment,
        });
        const updated = tradeById.get({ id: row.id });
        if (!updated) throw new Error('rated trade vanished');
        return view(updated);
      });
    },
  };
}
