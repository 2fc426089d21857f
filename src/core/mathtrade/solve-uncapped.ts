/**
 * The most items traded with no limit on loop length, as TradeMaximizer computes it: a minimum-cost
 * assignment in which each item receives an item it wants or itself (see objective.ts for the
 * costs). Wants between different strongly connected components are dropped first, and items
 * left with none cannot trade, which shrinks the problem to the items that might.
 */
import { solveAssignment } from './assignment.js';
import { assignmentProblem, costModel } from './objective.js';
import { stronglyConnectedComponents } from './strongly-connected.js';
import type { TradeGraph } from './trade-graph.js';

/** The items that may trade and the wants that may be used (`usableWant[k]`). */
export interface TradableCore {
  active: Int32Array;
  /** Position of item i in `active`, or -1. */
  localIndex: Int32Array;
  usableWant: Uint8Array;
}

export function tradableCore(graph: TradeGraph): TradableCore {
  const component = stronglyConnectedComponents(graph);
  const usableWant = new Uint8Array(graph.wantTarget.length);
  const hasWant = new Uint8Array(graph.size);
  for (let i = 0; i < graph.size; i++) {
    for (let k = graph.wantStart[i] as number; k < (graph.wantStart[i + 1] as number); k++) {
      if (component[graph.wantTarget[k] as number] !== component[i]) continue;
      usableWant[k] = 1;
      hasWant[i] = 1;
    }
  }
  const activeList: number[] = [];
  const localIndex = new Int32Array(graph.size).fill(-1);
  for (let i = 0; i < graph.size; i++) {
    if (!hasWant[i]) continue;
    localIndex[i] = activeList.length;
    activeList.push(i);
  }
  return { active: Int32Array.from(activeList), localIndex, usableWant };
}

/**
 * Who receives what (`received[i]`, itself when i does not trade), dummies not yet elided.
 * `bonusOwners` are given a first-item weight whatever their number of items.
 */
export function solveUncapped(graph: TradeGraph, core: TradableCore = tradableCore(graph), bonusOwners?: ReadonlySet<string>): Int32Array {
  const costs = costModel(graph, core.active, bonusOwners);
  const problem = assignmentProblem(graph, core.active, core.localIndex, (k) => core.usableWant[k] === 1, costs);
  const columnOfRow = solveAssignment(problem);
  const received = Int32Array.from({ length: graph.size }, (_, i) => i);
  columnOfRow.forEach((column, row) => {
    received[core.active[row] as number] = core.active[column] as number;
  });
  return received;
}
