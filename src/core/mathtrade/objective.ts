/**
 * The lexicographic objective as assignment costs: each item is assigned the item it receives,
 * or itself when it does not trade.
 *
 * - An untraded real item costs `itemCost`, more than every other term of any solution together,
 *   so no saving elsewhere can ever pay for one item less (that is TradeMaximizer's objective).
 * - Then users trading: an untraded item of a user with n tradable items also costs
 *   `userUnit * ceil(60 / n)`: an item of a user with few items is worth more than one of a user
 *   with many. This is a proxy (the number of distinct users is not linear in the assignment);
 *   users-trading.ts then re-solves to bring in users it left out.
 * - Then ranks: a real item receiving its k-th choice costs k (after `;`, 9 more), below `userUnit`.
 * - Dummies cost nothing either way: they only pass items on, and never count.
 */
import type { AssignmentProblem } from './assignment.js';
import type { TradeGraph } from './trade-graph.js';

/** Largest total the costs may reach while every sum stays an exact integer. */
const EXACT_LIMIT = 2 ** 52;
const USER_SHARES = 60;

export interface CostModel {
  itemCost: number;
  /** Extra cost of leaving item i untraded on behalf of its owner. */
  userCost: Float64Array;
  /** The user cost of an item whose owner is favoured whatever their item count (see users-trading.ts). */
  favouredUserCost: number;
  /** 1, or 0 when the file is too large for ranks to stay exact below the user weights (then ranks are ignored). */
  rankWeight: number;
}

/**
 * Chooses the weights for the items in `active`. The item cost allows for every user being
 * favoured, so favouring some later only raises costs and a solve can resume from the last one.
 */
export function costModel(graph: TradeGraph, active: ArrayLike<number>): CostModel {
  const itemsOfOwner = new Map<string, number>();
  let rankBound = 1;
  let realCount = 0;
  for (let k = 0; k < active.length; k++) {
    const i = active[k] as number;
    if (graph.isDummy[i]) continue;
    realCount++;
    const owner = graph.owners[i];
    if (owner != null) itemsOfOwner.set(owner, (itemsOfOwner.get(owner) ?? 0) + 1);
    const last = (graph.wantStart[i + 1] as number) - 1;
    if (last >= (graph.wantStart[i] as number)) rankBound += graph.wantRank[last] as number;
  }
  const fits = (userUnit: number, ranks: number) => (realCount * USER_SHARES * userUnit + ranks + 1) * (active.length + 1) < EXACT_LIMIT;
  // Huge events lose the rank tie-break first, then the users one, never the item count.
  const [userUnit, rankWeight] = fits(rankBound, rankBound) ? [rankBound, 1] : fits(1, 0) ? [1, 0] : [0, 0];
  const userCost = new Float64Array(graph.size);
  for (let k = 0; k < active.length; k++) {
    const i = active[k] as number;
    const owner = graph.owners[i];
    if (graph.isDummy[i] || owner == null) continue;
    userCost[i] = userUnit * Math.ceil(USER_SHARES / (itemsOfOwner.get(owner) as number));
  }
  const favouredUserCost = userUnit * USER_SHARES;
  return { itemCost: realCount * favouredUserCost + rankWeight * rankBound + 1, userCost, favouredUserCost, rankWeight };
}

/**
 * The assignment problem over the items `active` (renumbered 0..n-1 in that order) keeping only
 * the wants `keepWant(k)` allows (an index into the graph's want arrays). Each row's first edge
 * is its own column: the item not trading.
 */
export function assignmentProblem(graph: TradeGraph, active: Int32Array, localIndex: Int32Array, keepWant: (k: number) => boolean, costs: CostModel): AssignmentProblem {
  const n = active.length;
  const rowStart = new Int32Array(n + 1);
  const column: number[] = [];
  const cost: number[] = [];
  for (let row = 0; row < n; row++) {
    const i = active[row] as number;
    rowStart[row] = column.length;
    const dummy = graph.isDummy[i] === 1;
    column.push(row);
    cost.push(dummy ? 0 : costs.itemCost + (costs.userCost[i] as number));
    for (let k = graph.wantStart[i] as number; k < (graph.wantStart[i + 1] as number); k++) {
      if (!keepWant(k)) continue;
      column.push(localIndex[graph.wantTarget[k] as number] as number);
      cost.push(dummy ? 0 : costs.rankWeight * (graph.wantRank[k] as number));
    }
  }
  rowStart[n] = column.length;
  return { size: n, rowStart, column: Int32Array.from(column), cost: Float64Array.from(cost) };
}
