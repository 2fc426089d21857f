/**
 * Loops of offers, as the rest of the bot uses them: the matching step after a post, the sweep of
 * offers the step has not checked yet, and the market's on/off setting.
 *
 * Searching only reads (one read transaction, so one state of the database, and no write lock
 * held while it thinks); executing re-checks everything in its own IMMEDIATE transaction. So a
 * search may be outdated by the time it executes, never wrong: an outdated loop does not run.
 *
 * Which offers still need a search is recorded per offer (see loop-checks.ts): the step marks its
 * offer checked, and the sweep searches only through offers never checked since they opened.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { markets } from '../../db/schema.js';
import { readTransaction, type CoreContext } from '../context.js';
import type { Movements } from '../movements.js';
import type { Outbox } from '../outbox.js';
import type { Readers } from '../readers.js';
import { createExecuteLoop, type LoopCounterHooks, type LoopOutcome } from './execute-loop.js';
import { chooseLoops, loopsThrough } from './find-loops.js';
import { createLoopChecks, type DueCheck } from './loop-checks.js';
import { createStoredLoopGraph, type Loop } from './loop-graph.js';

const p = sql.placeholder;

/** How many times the step searches again when the loop it chose broke before it could execute. */
const STEP_ATTEMPTS = 2;
/** Due offers one sweep batch searches through, in one read transaction, before it executes. */
export const DEFAULT_SWEEP_BATCH = 50;
/**
 * Loops one batch collects before it stops searching and chooses: a crowded market of few items
 * has thousands of loops through each offer. The batch then ends at the offer it reached, and
 * the next batch goes on from there.
 */
const MAX_BATCH_LOOPS = 2_000;

const idsOf = (loop: Loop) => loop.map((offer) => offer.id);
/** One key per loop whichever offer it was found through: its ids from the smallest on, in cycle order. */
const loopKey = (loop: Loop) => {
  const ids = idsOf(loop);
  const start = ids.indexOf(Math.min(...ids));
  return [...ids.slice(start), ...ids.slice(0, start)].join(',');
};

/** What one sweep batch did: every loop it tried, how many offers it marked checked, where to go on. */
export interface SweepBatch {
  outcomes: LoopOutcome[];
  searched: number;
  checked: number;
  /** The last offer id searched: the next batch starts above it. */
  last: number;
  /** Whether there may be more due offers above `last`. */
  more: boolean;
}

export function createLoops(ctx: CoreContext, deps: { movements: Movements; readers: Readers; outbox: Outbox; counters: LoopCounterHooks }) {
  const { db, clock } = ctx;
  const executeLoop = createExecuteLoop(ctx, deps);
  const storedGraphAt = createStoredLoopGraph(ctx);
  const checks = createLoopChecks(db);
  const openToLoops = and(eq(markets.loops, true), sql`${markets.settlement} = 'instant'`);
  const marketOpenToLoops = db.orm.select({ id: markets.id }).from(markets).where(and(eq(markets.id, p('marketId')), openToLoops)).prepare();
  const marketsOpenToLoops = db.orm.select({ id: markets.id }).from(markets).where(openToLoops).orderBy(asc(markets.id)).prepare();
  const setLoopsOf = db.orm.update(markets).set({ loops: sql`${p('enabled')}` }).where(eq(markets.id, p('marketId'))).prepare();

  /**
   * The best loop through `offerId` now, as offer ids in cycle order starting with it, if any,
   * and the opening the search covered (undefined when the market is closed to loops: nothing
   * was searched, so nothing is checked).
   */
  function bestLoopThrough(offerId: number): { marketId: number; offerIds?: number[] | undefined; check?: DueCheck } | undefined {
    return readTransaction(db, () => {
      const row = deps.readers.offerRow(offerId);
      if (!row) return undefined;
      if (!marketOpenToLoops.get({ marketId: row.marketId })) return { marketId: row.marketId };
      const graph = storedGraphAt(clock());
      const anchor = graph.offer(offerId);
      const [best] = anchor ? chooseLoops(loopsThrough(graph, anchor)) : [];
      return { marketId: row.marketId, offerIds: best && idsOf(best), check: { offerId, opening: row.loopCheck } };
    });
  }

  /**
   * Searches through up to `limit` due offers of a market above `after` in one read transaction:
   * the due offers, and the distinct loops through each.
   */
  function searchDue(marketId: number, after: number, limit: number) {
    return readTransaction(db, () => {
      if (!marketOpenToLoops.get({ marketId })) return undefined;
      const due = checks.dueIn(marketId, after, limit);
      const graph = storedGraphAt(clock());
      const loops = new Map<string, Loop>();
      const through = new Map<number, string[]>();
      const searched: DueCheck[] = [];
      for (const check of due) {
        if (loops.size >= MAX_BATCH_LOOPS) break;
        const anchor = graph.offer(check.offerId);
        const found = anchor ? loopsThrough(graph, anchor) : [];
        through.set(check.offerId, found.map(loopKey));
        for (const loop of found) if (!loops.has(loopKey(loop))) loops.set(loopKey(loop), loop);
        searched.push(check);
      }
      return { due: searched, more: due.length === limit || searched.length < due.length, through, chosen: chooseLoops([...loops.values()]).map(idsOf) };
    });
  }

  return {
    executeLoop,

    /**
     * The loops through one offer that could execute now, each as offer ids in cycle order
     * starting with it; nothing in a market closed to loops. Reads only.
     */
    findLoopsThrough(offerId: number): number[][] {
      return readTransaction(db, () => {
        const row = deps.readers.offerRow(offerId);
        if (!row || !marketOpenToLoops.get({ marketId: row.marketId })) return [];
        const graph = storedGraphAt(clock());
        const anchor = graph.offer(offerId);
        return anchor ? loopsThrough(graph, anchor).map(idsOf) : [];
      });
    },

    /**
     * The matching step after an offer opens: finds the loops through it and executes the best
     * (the one completing most offers, then the oldest). If another process broke that loop
     * first, it searches once more. Returns the executed loop, if any. Marks the offer checked
     * unless loops are off for its market or every loop it chose broke (the sweep tries again).
     * Costs the offers sharing items with it and their neighbours, not the market.
     */
    matchLoopsThrough(offerId: number): (LoopOutcome & { executed: true }) | undefined {
      for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt += 1) {
        const best = bestLoopThrough(offerId);
        if (!best?.check) return undefined;
        if (!best.offerIds) {
          if (best.check.opening > 0) checks.markChecked([best.check]);
          return undefined;
        }
        const outcome = executeLoop(best.marketId, best.offerIds);
        // The offer completed: it left `active`, and with it the due index.
        if (outcome.executed) return outcome;
        if (outcome.reason === 'market_closed_to_loops') return undefined;
      }
      return undefined;
    },

    /**
     * One batch of the loop sweep: searches through up to `limit` offers of the market awaiting
     * the step (id above `after`, oldest first), chooses among all the loops found (most offers
     * completed, then shorter loops, then the oldest offers) and executes them, each in its own
     * transaction. Then marks checked each searched offer whose loops are all settled: it had
     * none, or each shares an offer with a loop that executed. One whose loops lost to a loop
     * that broke stays due. Nothing happens in a market closed to loops.
     */
    sweepDueLoops(marketId: number, options: { after?: number; limit?: number } = {}): SweepBatch {
      const after = options.after ?? 0;
      const limit = options.limit ?? DEFAULT_SWEEP_BATCH;
      const search = searchDue(marketId, after, limit);
      if (!search) return { outcomes: [], searched: 0, checked: 0, last: after, more: false };
      const outcomes = search.chosen.map((offerIds) => executeLoop(marketId, offerIds));
      const taken = new Set(outcomes.flatMap((outcome) => (outcome.executed ? outcome.legs.map((leg) => leg.offerId) : [])));
      const settled = (key: string) => key.split(',').some((id) => taken.has(Number(id)));
      const done = search.due.filter(({ offerId }) => !taken.has(offerId) && (search.through.get(offerId) ?? []).every(settled));
      checks.markChecked(done);
      const last = search.due.at(-1)?.offerId ?? after;
      return { outcomes, searched: search.due.length, checked: done.length, last, more: search.more };
    },

    /** Markets where loops may execute: switched on, and settling instantly. */
    marketsOpenToLoops: (): number[] => marketsOpenToLoops.all().map((row) => row.id),

    /** Whether loops execute by themselves in this market (the setting, whatever its settlement). */
    loopsEnabled: (marketId: number): boolean => db.orm.select({ loops: markets.loops }).from(markets).where(eq(markets.id, marketId)).get()?.loops ?? false,

    /**
     * Switches loops on or off for a market (`/admin config loops on|off`). Off stops new loops at
     * once, including ones already found and about to execute. Offers posted while off stay due
     * (the step does not mark them), so the sweep searches through them once loops are back on.
     * False when there is no such market.
     */
    setLoops(marketId: number, enabled: boolean): boolean {
      return db.writeTransaction(() => setLoopsOf.run({ marketId, enabled: enabled ? 1 : 0 }).changes === 1);
    },
  };
}

export type LoopsApi = ReturnType<typeof createLoops>;
