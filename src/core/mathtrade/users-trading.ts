/**
 * More users trading at the same item count. The number of distinct users trading is not a sum
 * over items, so the assignment can only weigh it by proxy (see objective.ts); this pass then
 * re-solves (from the last assignment) with the full first-item weight for every user the solutions so far left out, keeping
 * a result only if it brings in more users (the item count cannot drop: items always weigh more).
 * It stops when no new user is left out, or after a few rounds, each one assignment solve.
 */
import { elideDummies, extractLoops, figuresOf, type TradeFigures } from './loops.js';
import type { TradableCore, UncappedSolver } from './solve-uncapped.js';
import type { TradeGraph } from './trade-graph.js';

const MAX_ROUNDS = 3;

export function improveUsersTrading(graph: TradeGraph, core: TradableCore, solver: UncappedSolver, received: Int32Array): Int32Array {
  if (!graph.owners.some((owner) => owner !== null)) return received; // no users to bring in
  let best = { received, figures: figuresFor(graph, received) };
  const leftOut = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = leftOut.size;
    for (const owner of idleOwners(graph, core, best.received)) leftOut.add(owner);
    if (leftOut.size === before) break;
    const candidate = solver.favourOwners(leftOut);
    const figures = figuresFor(graph, candidate);
    if (isBetter(figures, best.figures)) best = { received: candidate, figures };
  }
  return best.received;
}

function figuresFor(graph: TradeGraph, received: Int32Array): TradeFigures {
  const receives = elideDummies(graph, received);
  return figuresOf(graph, receives, extractLoops(receives));
}

function isBetter(a: TradeFigures, b: TradeFigures): boolean {
  if (a.itemsTraded !== b.itemsTraded) return a.itemsTraded > b.itemsTraded;
  if (a.usersTrading !== b.usersTrading) return a.usersTrading > b.usersTrading;
  return a.rankSum < b.rankSum;
}

/** Owners of tradable real items none of whose items trade in `received`. */
function idleOwners(graph: TradeGraph, core: TradableCore, received: Int32Array): Set<string> {
  const trading = new Set<string>();
  for (let i = 0; i < graph.size; i++) if (!graph.isDummy[i] && received[i] !== i && graph.owners[i] != null) trading.add(graph.owners[i] as string);
  const idle = new Set<string>();
  for (const i of core.active) {
    const owner = graph.owners[i];
    if (!graph.isDummy[i] && owner != null && !trading.has(owner)) idle.add(owner);
  }
  return idle;
}
