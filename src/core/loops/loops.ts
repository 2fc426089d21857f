/**
 * Loops of offers, as the rest of the bot uses them: the matching step after a post, the sweep
 * over a market, and the market's on/off setting.
 *
 * Searching only reads (one read transaction, so one state of the database, and no write lock
 * held while it thinks); executing re-checks everything in its own IMMEDIATE transaction. So a
 * search may be outdated by the time it executes, never wrong: an outdated loop does not run.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { markets } from '../../db/schema.js';
import { readTransaction, type CoreContext } from '../context.js';
import type { Movements } from '../movements.js';
import type { Outbox } from '../outbox.js';
import type { Readers } from '../readers.js';
import { createExecuteLoop, type LoopOutcome } from './execute-loop.js';
import { chooseLoops, loopsThrough } from './find-loops.js';
import { createMarketLoopGraph, createStoredLoopGraph, type Loop } from './loop-graph.js';

const p = sql.placeholder;

/** How many times the step searches again when the loop it chose broke before it could execute. */
const STEP_ATTEMPTS = 2;
/** Loops one sweep collects before it chooses and executes; the next sweep finds the rest. */
const MAX_SWEEP_LOOPS = 5_000;

const idsOf = (loop: Loop) => loop.map((offer) => offer.id);

export function createLoops(ctx: CoreContext, deps: { movements: Movements; readers: Readers; outbox: Outbox }) {
  const { db, clock } = ctx;
  const executeLoop = createExecuteLoop(ctx, deps);
  const storedGraphAt = createStoredLoopGraph(ctx);
  const marketGraphAt = createMarketLoopGraph(ctx);
  const openToLoops = and(eq(markets.loops, true), sql`${markets.settlement} = 'instant'`);
  const marketOpenToLoops = db.orm.select({ id: markets.id }).from(markets).where(and(eq(markets.id, p('marketId')), openToLoops)).prepare();
  const marketsOpenToLoops = db.orm.select({ id: markets.id }).from(markets).where(openToLoops).orderBy(asc(markets.id)).prepare();
  const setLoopsOf = db.orm.update(markets).set({ loops: sql`${p('enabled')}` }).where(eq(markets.id, p('marketId'))).prepare();

  /** The best loop through `offerId` now, as offer ids in cycle order starting with it, if any. */
  function bestLoopThrough(offerId: number): { marketId: number; offerIds: number[] } | undefined {
    return readTransaction(db, () => {
      const row = deps.readers.offerRow(offerId);
      if (!row || !marketOpenToLoops.get({ marketId: row.marketId })) return undefined;
      const graph = storedGraphAt(clock());
      const anchor = graph.offer(offerId);
      const [best] = anchor ? chooseLoops(loopsThrough(graph, anchor)) : [];
      return best && { marketId: row.marketId, offerIds: idsOf(best) };
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
     * first, it searches once more. Returns the executed loop, if any. Costs the offers sharing
     * items with it and their neighbours, not the market.
     */
    matchLoopsThrough(offerId: number): (LoopOutcome & { executed: true }) | undefined {
      for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt += 1) {
        const best = bestLoopThrough(offerId);
        if (!best) return undefined;
        const outcome = executeLoop(best.marketId, best.offerIds);
        if (outcome.executed) return outcome;
      }
      return undefined;
    },

    /**
     * Looks for loops across one market's open offers and executes the chosen ones (most offers
     * completed, then shorter loops, then the oldest offers), each in its own transaction.
     * Returns every attempt: a loop another process broke in the meantime is reported unexecuted.
     */
    sweepMarketLoops(marketId: number): LoopOutcome[] {
      const chosen = readTransaction(db, () => {
        if (!marketOpenToLoops.get({ marketId })) return [];
        const graph = marketGraphAt(marketId, clock());
        const found: Loop[] = [];
        for (const offer of graph.offers) {
          found.push(...loopsThrough(graph, offer, { above: offer.id }));
          if (found.length >= MAX_SWEEP_LOOPS) break;
        }
        return chooseLoops(found).map(idsOf);
      });
      return chosen.map((offerIds) => executeLoop(marketId, offerIds));
    },

    /** Markets where loops may execute: switched on, and settling instantly. */
    marketsOpenToLoops: (): number[] => marketsOpenToLoops.all().map((row) => row.id),

    /** Whether loops execute by themselves in this market (the setting, whatever its settlement). */
    loopsEnabled: (marketId: number): boolean => db.orm.select({ loops: markets.loops }).from(markets).where(eq(markets.id, marketId)).get()?.loops ?? false,

    /**
     * Switches loops on or off for a market (`/admin config loops on|off`). Off stops new loops at
     * once, including ones already found and about to execute. False when there is no such market.
     */
    setLoops(marketId: number, enabled: boolean): boolean {
      return db.writeTransaction(() => setLoopsOf.run({ marketId, enabled: enabled ? 1 : 0 }).changes === 1);
    },
  };
}

export type LoopsApi = ReturnType<typeof createLoops>;
