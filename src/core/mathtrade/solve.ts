/**
 * The math-trade solver's entry point: entries in (a parsed want list, or an event's entries and
 * ranked wishes), trade loops out.
 *
 * Objective, in order: the most real items traded (dummies never count; nobody receives their own
 * item), then more users trading, then better ranks for the receivers. With `maxLoop`, only loops
 * of at most that many real items are allowed, and the result says whether it is proven optimal.
 */
import { packCycles } from './cycle-packing.js';
import { elideDummies, extractLoops, figuresOf, type TradeFigures } from './loops.js';
import { enumerateShortCycles } from './short-cycles.js';
import { tradableCore, UncappedSolver } from './solve-uncapped.js';
import { buildTradeGraph, type TradeGraph } from './trade-graph.js';
import { improveUsersTrading } from './users-trading.js';
import type { MathTradeEntry } from './want-list.js';

export interface SolveOptions {
  /** Longest loop allowed, in real items; none by default. */
  maxLoop?: number;
  /** Limit for the capped search's integer program; past it the best found so far is returned, unproven. */
  timeLimitSeconds?: number;
  /** The file's official names, when it has them (see buildTradeGraph). */
  officialNames?: ReadonlySet<string> | null;
}

/** How the capped result stands against the best possible under the cap. */
export interface CapReport {
  maxLoop: number;
  /** True when no solution under the cap trades more items. */
  proven: boolean;
  /** No solution under the cap trades more than this many items. */
  upperBound: number;
  /** One sentence: how the result was found and why it is (or is not) proven. */
  how: string;
}

export interface MathTradeSolution {
  graph: TradeGraph;
  /** Wants and lists that were ignored, each with its reason. */
  warnings: string[];
  /** The real item each item receives, or -1 when it does not trade (always -1 for dummies). */
  receives: Int32Array;
  /** Each loop lists items in order: every item receives the next one, the last receives the first. */
  loops: number[][];
  figures: TradeFigures;
  cap: CapReport | null;
}

/** Most loops the capped search enumerates before giving up its proof. */
const SHORT_CYCLE_LIMIT = 200_000;
const DEFAULT_TIME_LIMIT_SECONDS = 30;

/** Solves a math trade over `entries`. See the module comment for the objective. */
export async function solveMathTrade(entries: readonly MathTradeEntry[], options: SolveOptions = {}): Promise<MathTradeSolution> {
  const { graph, warnings } = buildTradeGraph(entries, options.officialNames ?? null);
  return { ...(await solveTradeGraph(graph, options)), warnings };
}

/** {@link solveMathTrade} on a graph already built. */
export async function solveTradeGraph(graph: TradeGraph, options: SolveOptions = {}): Promise<Omit<MathTradeSolution, 'warnings'>> {
  const { maxLoop } = options;
  if (maxLoop !== undefined && (!Number.isInteger(maxLoop) || maxLoop < 2)) throw new RangeError(`maxLoop must be an integer of at least 2, got ${maxLoop}`);
  const core = tradableCore(graph);
  const solver = new UncappedSolver(graph, core);
  const firstSolve = solver.received();
  const uncapped = describe(graph, firstSolve);
  const uncappedItems = uncapped.figures.itemsTraded;
  if (maxLoop === undefined || (uncapped.figures.loopSizes[0] ?? 0) <= maxLoop) {
    // The users-trading pass may lengthen loops, so under a cap its result must be checked again.
    const improved = describe(graph, improveUsersTrading(graph, core, solver, firstSolve));
    if (maxLoop === undefined) return { ...improved, cap: null };
    const best = (improved.figures.loopSizes[0] ?? 0) <= maxLoop ? improved : uncapped;
    return { ...best, cap: { maxLoop, proven: true, upperBound: uncappedItems, how: 'the optimum without a cap already has no longer loop' } };
  }
  const cycles = enumerateShortCycles(graph, core, maxLoop, SHORT_CYCLE_LIMIT);
  const packing = await packCycles(graph, cycles, options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS);
  const received = Int32Array.from({ length: graph.size }, (_, i) => i);
  for (const c of packing.chosen) {
    const from = cycles.start[c] as number;
    const to = cycles.start[c + 1] as number;
    for (let at = from; at < to; at++) received[cycles.nodes[at] as number] = cycles.nodes[at + 1 < to ? at + 1 : from] as number;
  }
  const capped = describe(graph, received);
  const proven = cycles.complete && packing.optimal;
  const loopCount = cycles.start.length - 1;
  const how = !cycles.complete
    ? `stopped listing loops at ${loopCount}; best packing of those found, not proven (the uncapped optimum bounds it)`
    : packing.optimal
      ? `integer program over all ${loopCount} loops of at most ${maxLoop} items, solved to optimality by HiGHS`
      : `integer program over all ${loopCount} loops stopped (${packing.status}); best found, not proven (the uncapped optimum bounds it)`;
  return { ...capped, cap: { maxLoop, proven, upperBound: proven ? capped.figures.itemsTraded : uncappedItems, how } };
}

function describe(graph: TradeGraph, received: Int32Array) {
  const receives = elideDummies(graph, received);
  const loops = extractLoops(receives);
  return { graph, receives, loops, figures: figuresOf(graph, receives, loops) };
}
