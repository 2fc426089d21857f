/**
 * The most items traded with no limit on loop length, as TradeMaximizer computes it: a minimum-cost
 * assignment in which each item receives an item it wants or itself (see objective.ts for the
 * costs). Wants between different strongly connected components are dropped first, and items
 * left with none cannot trade, which shrinks the problem to the items that might.
 */
import { AssignmentSolver, type AssignmentProblem } from './assignment.js';
import { assignmentProblem, costModel, type CostModel } from './objective.js';
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
 * The assignment over the tradable core, kept so that favouring users (users-trading.ts) resumes
 * from the last solution: who receives what (`received()[i]`, itself when i does not trade),
 * dummies not yet elided.
 */
export class UncappedSolver {
  private readonly costs: CostModel;
  private readonly problem: AssignmentProblem;
  private readonly assignment: AssignmentSolver;

  constructor(
    private readonly graph: TradeGraph,
    private readonly core: TradableCore = tradableCore(graph),
  ) {
    this.costs = costModel(graph, core.active);
    this.problem = assignmentProblem(graph, core.active, core.localIndex, (k) => core.usableWant[k] === 1, this.costs);
    this.assignment = new AssignmentSolver(this.problem);
  }

  received(): Int32Array {
    const received = Int32Array.from({ length: this.graph.size }, (_, i) => i);
    this.assignment.columnOfRow.forEach((column, row) => {
      received[this.core.active[row] as number] = this.core.active[column] as number;
    });
    return received;
  }

  /** Gives every item of `owners` the full first-item weight, re-solves and returns the new {@link received}. */
  favourOwners(owners: ReadonlySet<string>): Int32Array {
    const raises: { row: number; edge: number; cost: number }[] = [];
    const favoured = this.costs.itemCost + this.costs.favouredUserCost;
    this.core.active.forEach((item, row) => {
      const owner = this.graph.owners[item];
      if (this.graph.isDummy[item] || owner == null || !owners.has(owner)) return;
      const selfEdge = this.problem.rowStart[row] as number;
      if ((this.problem.cost[selfEdge] as number) < favoured) raises.push({ row, edge: selfEdge, cost: favoured });
    });
    this.assignment.raiseCosts(raises);
    return this.received();
  }
}

/** Who receives what, solved once (see {@link UncappedSolver}). */
export function solveUncapped(graph: TradeGraph, core: TradableCore = tradableCore(graph)): Int32Array {
  return new UncappedSolver(graph, core).received();
}
