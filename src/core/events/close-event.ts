/**
 * Closing a math-trade event. Three steps, so that nothing the solver needs changes under it and a
 * crash loses nothing:
 *
 * 1. The event moves from `open` to `closing` (one guarded UPDATE): entries and wants are frozen.
 * 2. The solver runs (outside any transaction: it may take seconds) on a read of the frozen event.
 * 3. One IMMEDIATE transaction executes every exchange, refunds every other entry, queues every
 *    direct message and the summary, and marks the event `closed`. It re-checks every giver and
 *    receiver first: a member banned since the read makes it solve again without them.
 *
 * A crash between the steps leaves the event `closing`, and the close job finishes it (the solver
 * is deterministic); a crash inside step 3 rolls it back whole: all exchanges or none.
 */
import { and, eq, lte, ne, or } from 'drizzle-orm';
import { eventEntries, events, trades } from '../../db/schema.js';
import { readTransaction, type CoreContext } from '../context.js';
import { Refusal, type Result } from '../errors.js';
import { recordModeration } from '../moderation-log.js';
import { solveMathTrade, type MathTradeSolution } from '../mathtrade/solve.js';
import type { Movements } from '../movements.js';
import { notifiedItems, type Outbox } from '../outbox.js';
import type { Readers } from '../readers.js';
import type { EventReads, EventRow } from './event-reads.js';
import { mathTradeEntries, solvedEntries, type SolvedEntry } from './event-want-list.js';

/** How often a close solves again when bans arrived between its read and its write. */
const CLOSE_ATTEMPTS = 3;

/** One exchange as executed: `entryId` went from its owner to `receiverId`, recorded as `tradeId`. */
export interface EventExchange {
  entryId: number;
  ownerId: number;
  receiverId: number;
  /** The entry its owner got for it. */
  receivedEntryId: number;
  tradeId: number;
}

export interface EventClosed {
  event: EventRow;
  exchanges: EventExchange[];
  /** Entries that went back to their owners (nothing matched, or their owner was banned). */
  refunded: number[];
  itemsTraded: number;
  membersTrading: number;
  loops: number;
}

type Plan = { solution: MathTradeSolution; entries: SolvedEntry[] };

export function createCloseEvent(ctx: CoreContext, deps: { reads: EventReads; readers: Readers; movements: Movements; outbox: Outbox; maxLoopOf: (marketId: number) => number | null }) {
  const { db, clock } = ctx;
  const { reads, readers, movements, outbox } = deps;
  const isBanned = (memberId: number) => readers.member(memberId)?.bannedAt != null;
  const itemIdsOf = (entryId: number) => readers.entryItems(entryId).map(({ item }) => item.id);

  /** Step 2: solves the frozen event. */
  async function plan(eventRow: EventRow): Promise<Plan> {
    const entries = readTransaction(db, () => solvedEntries(reads, eventRow.id, isBanned, itemIdsOf));
    const maxLoop = deps.maxLoopOf(eventRow.marketId) ?? undefined;
    const solution = await solveMathTrade(mathTradeEntries(entries), maxLoop === undefined ? {} : { maxLoop });
    return { solution, entries };
  }

  /**
   * The exchanges a solution makes: item i receives item `receives[i]`, so the entry at
   * `receives[i]` goes to the owner of the entry at i, and gets for it what it receives itself.
   */
  function exchangesOf({ solution, entries }: Plan): Array<Omit<EventExchange, 'tradeId'>> {
    const owners = new Map(entries.map((entry) => [entry.entryId, entry.memberId]));
    const entryAt = (index: number) => Number(solution.graph.names[index]);
    const ownerOf = (entryId: number) => {
      const owner = owners.get(entryId);
      if (owner === undefined) throw new Error(`the solver traded entry ${entryId}, which was not in the event`);
      return owner;
    };
    const out: Array<Omit<EventExchange, 'tradeId'>> = [];
    solution.receives.forEach((given, receiver) => {
      if (given < 0) return;
      const entryId = entryAt(given);
      out.push({ entryId, ownerId: ownerOf(entryId), receiverId: ownerOf(entryAt(receiver)), receivedEntryId: entryAt(solution.receives[given] as number) });
    });
    return out;
  }

  /** Step 3, in one transaction; undefined when a ban since the read spoils the plan. */
  function execute(eventRow: EventRow, planned: Plan): EventClosed | undefined {
    return db.writeTransaction(() => {
      const current = db.orm.select().from(events).where(eq(events.id, eventRow.id)).get();
      // Another process finished this close first.
      if (!current || current.status !== 'closing') throw new Refusal({ code: 'event', problem: { kind: 'no_event' } });
      const exchanges = exchangesOf(planned);
      if (exchanges.some((exchange) => isBanned(exchange.ownerId) || isBanned(exchange.receiverId))) return undefined;
      const now = clock();
      const done = exchanges.map((exchange) => executeExchange(eventRow.marketId, exchange, now));
      const refunded = reads.openEntries(eventRow.id).map((row) => refundEntry(eventRow.marketId, row.id, row.memberId, now));
      const figures = { itemsTraded: done.length, membersTrading: new Set(done.map((exchange) => exchange.ownerId)).size, loops: planned.solution.loops.length };
      db.orm.update(events).set({ status: 'closed', closedAt: now, ...figures }).where(and(eq(events.id, eventRow.id), eq(events.status, 'closing'))).run();
      const closed = { ...current, status: 'closed' as const, closedAt: now, ...figures };
      tellEveryone(closed, done, refunded);
      return { event: closed, exchanges: done, refunded, ...figures };
    });
  }

  function executeExchange(marketId: number, exchange: Omit<EventExchange, 'tradeId'>, now: number): EventExchange {
    const traded = db.orm
      .update(eventEntries)
      .set({ status: 'traded', closedAt: now, receiverId: exchange.receiverId, receivedEntryId: exchange.receivedEntryId })
      .where(and(eq(eventEntries.id, exchange.entryId), eq(eventEntries.status, 'open')))
      .run();
    if (traded.changes !== 1) throw new Error(`entry ${exchange.entryId} was not open at the close`);
    const trade = db.orm
      .insert(trades)
      .values({ marketId, offerId: null, eventEntryId: exchange.entryId, ownerId: exchange.ownerId, takerId: exchange.receiverId, status: 'completed', createdAt: now, completedAt: now })
      .returning({ id: trades.id })
      .get();
    for (const { item, quantity } of readers.entryItems(exchange.entryId)) {
      if (!movements.unescrowFromEntry('release', marketId, item.id, exchange.entryId, exchange.receiverId, quantity, null)) {
        throw new Error(`entry ${exchange.entryId} escrow is short of ${item.slug}`);
      }
    }
    return { ...exchange, tradeId: trade.id };
  }

  function refundEntry(marketId: number, entryId: number, memberId: number, now: number): number {
    db.orm.update(eventEntries).set({ status: 'refunded', closedAt: now }).where(and(eq(eventEntries.id, entryId), eq(eventEntries.status, 'open'))).run();
    for (const { item, quantity } of readers.entryItems(entryId)) {
      if (!movements.unescrowFromEntry('refund', marketId, item.id, entryId, memberId, quantity, null)) throw new Error(`entry ${entryId} escrow is short of ${item.slug}`);
    }
    return entryId;
  }

  /** A direct message per entry (what went where, or that it came back) and the summary for the chat. */
  function tellEveryone(closed: EventRow, exchanges: readonly EventExchange[], refunded: readonly number[]): void {
    const byEntry = new Map(exchanges.map((exchange) => [exchange.entryId, exchange]));
    const name = (memberId: number) => readers.member(memberId)?.displayName ?? '?';
    for (const exchange of exchanges) {
      const got = byEntry.get(exchange.receivedEntryId);
      if (!got) throw new Error(`entry ${exchange.receivedEntryId} received nothing in a loop`);
      outbox.enqueue(closed.marketId, exchange.ownerId, `event-entry:${exchange.entryId}:traded`, {
        kind: 'event_entry_traded',
        eventName: closed.name,
        entryId: exchange.entryId,
        gave: notifiedItems(readers.entryItems(exchange.entryId)),
        gaveTo: name(exchange.receiverId),
        got: notifiedItems(readers.entryItems(got.entryId)),
        gotFrom: name(got.ownerId),
        gotTradeId: got.tradeId,
      });
    }
    for (const entryId of refunded) {
      const row = reads.entryRow(entryId);
      if (!row) continue;
      outbox.enqueue(closed.marketId, row.memberId, `event-entry:${entryId}:refunded`, {
        kind: 'event_entry_refunded',
        eventName: closed.name,
        entryId,
        returned: notifiedItems(readers.entryItems(entryId)),
        banned: isBanned(row.memberId),
      });
    }
    outbox.enqueue(closed.marketId, closed.openedById, `event:${closed.id}:summary`, {
      kind: 'event_summary',
      chatId: closed.chatId,
      eventId: closed.id,
      eventName: closed.name,
      itemsTraded: closed.itemsTraded ?? 0,
      membersTrading: closed.membersTrading ?? 0,
      loops: closed.loops ?? 0,
      entries: exchanges.length + refunded.length,
    });
  }

  /** Runs steps 2 and 3 on an event already `closing`. */
  async function finish(eventRow: EventRow): Promise<EventClosed> {
    for (let attempt = 0; attempt < CLOSE_ATTEMPTS; attempt += 1) {
      const closed = execute(eventRow, await plan(eventRow));
      if (closed) return closed;
    }
    throw new Error(`event ${eventRow.id}: members kept being banned while it closed`);
  }

  /**
   * Step 1: `open` -> `closing`; an event already closing (a close cut short) is taken as it is.
   * An admin's close is in the moderation log; the close job's, on the event's schedule, is not.
   */
  function beginClose(eventRow: EventRow, adminId: number | null): EventRow {
    if (eventRow.status === 'closing') return eventRow;
    db.writeTransaction(() => {
      const moved = db.orm.update(events).set({ status: 'closing' }).where(and(eq(events.id, eventRow.id), eq(events.status, 'open'))).run();
      if (moved.changes !== 1) throw new Refusal({ code: 'event', problem: { kind: 'event_closing', name: eventRow.name } });
      if (adminId !== null) recordModeration(ctx, { marketId: eventRow.marketId, adminId, action: 'event_close', detail: { event: eventRow.name } });
    });
    return { ...eventRow, status: 'closing' };
  }

  return {
    /** Admin: closes the market's event now (or finishes a close cut short); `adminId` null: the operator. */
    async closeEvent(marketId: number, adminId: number | null = null): Promise<Result<EventClosed>> {
      const live = reads.liveEvent(marketId);
      if (!live) return { ok: false, error: { code: 'event', problem: { kind: 'no_event' } } };
      try {
        return { ok: true, value: await finish(beginClose(live, adminId)) };
      } catch (error) {
        if (error instanceof Refusal) return { ok: false, error: error.error };
        throw error;
      }
    },

    /**
     * The close job: every event whose time is up, and every close a crash cut short, across all
     * markets. Two processes may both try: the guarded updates let one close happen. One event
     * failing (it stays `closing`, to be tried again) does not hold back the others.
     */
    async closeDueEvents(): Promise<{ closed: EventClosed[]; failed: Array<{ eventId: number; error: unknown }> }> {
      const due = db.orm
        .select()
        .from(events)
        .where(and(ne(events.status, 'closed'), or(eq(events.status, 'closing'), lte(events.closesAt, clock()))))
        .all();
      const closed: EventClosed[] = [];
      const failed: Array<{ eventId: number; error: unknown }> = [];
      for (const row of due) {
        try {
          closed.push(await finish(beginClose(row, null)));
        } catch (error) {
          // A refusal: another process closed it first.
          if (!(error instanceof Refusal)) failed.push({ eventId: row.id, error });
        }
      }
      return { closed, failed };
    },
  };
}

