/**
 * From "who receives what" to what people see: dummies elided (an item received through a user's
 * dummy is received straight from its sender), the loops, and the figures the objective ranks by.
 */
import type { TradeGraph } from './trade-graph.js';

/** What a solution trades, in the order the objective cares about, plus the shape of its loops. */
export interface TradeFigures {
  /** Real items that change hands. */
  itemsTraded: number;
  /** Distinct owners among them (an item without an owner counts as its own owner). */
  usersTrading: number;
  /** Sum over traded items of the rank (1 = first choice) of what they receive. */
  rankSum: number;
  /** Loop sizes in real items, largest first. */
  loopSizes: number[];
}

/**
 * `received[i]` is the item i receives (itself when it does not trade), dummies included. Returns
 * the same with dummies elided: a real item receives the real item its dummy chain ends at, and
 * every dummy is marked untraded (-1), as is every real item that does not trade.
 */
export function elideDummies(graph: TradeGraph, received: Int32Array): Int32Array {
  const receives = new Int32Array(graph.size).fill(-1);
  for (let i = 0; i < graph.size; i++) {
    if (graph.isDummy[i] || received[i] === i) continue;
    let next = received[i] as number;
    // A dummy chain is finite: every dummy on it receives once, so it reaches a real item.
    while (graph.isDummy[next]) next = received[next] as number;
    receives[i] = next;
  }
  return receives;
}

/** The loops: each a list of items in which every item receives the next, the last the first. */
export function extractLoops(receives: Int32Array): number[][] {
  const seen = new Uint8Array(receives.length);
  const loops: number[][] = [];
  for (let start = 0; start < receives.length; start++) {
    if (seen[start] || receives[start] === -1) continue;
    const loop: number[] = [];
    for (let i = start; !seen[i]; i = receives[i] as number) {
      seen[i] = 1;
      loop.push(i);
    }
    loops.push(loop);
  }
  return loops;
}

/** Rank of `wanted` in item i's list (through a dummy it listed, when it came that way), or 0. */
export function rankOf(graph: TradeGraph, i: number, wanted: number): number {
  let viaDummy = 0;
  for (let k = graph.wantStart[i] as number; k < (graph.wantStart[i + 1] as number); k++) {
    const target = graph.wantTarget[k] as number;
    if (target === wanted) return graph.wantRank[k] as number;
    if (viaDummy === 0 && graph.isDummy[target] && dummyOffers(graph, target, wanted)) viaDummy = graph.wantRank[k] as number;
  }
  return viaDummy;
}

function dummyOffers(graph: TradeGraph, dummy: number, wanted: number): boolean {
  for (let k = graph.wantStart[dummy] as number; k < (graph.wantStart[dummy + 1] as number); k++) if (graph.wantTarget[k] === wanted) return true;
  return false;
}

export function figuresOf(graph: TradeGraph, receives: Int32Array, loops: readonly number[][]): TradeFigures {
  const owners = new Set<string>();
  let itemsTraded = 0;
  let rankSum = 0;
  for (let i = 0; i < graph.size; i++) {
    const got = receives[i] as number;
    if (got === -1) continue;
    itemsTraded++;
    owners.add(graph.owners[i] ?? `\u0000item ${i}`);
    rankSum += rankOf(graph, i, got);
  }
  const loopSizes = loops.map((loop) => loop.length).sort((a, b) => b - a);
  return { itemsTraded, usersTrading: owners.size, rankSum, loopSizes };
}
