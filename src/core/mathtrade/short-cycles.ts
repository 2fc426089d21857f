/**
 * Every loop of at most `maxLoop` real items in the want graph, for the loop-length cap. Dummies
 * do not count towards the length (they are elided from the loops people see) but a loop holds a
 * dummy at most once, so loops that share one cannot both run. Each loop is found once, from its
 * lowest-numbered item. Public want lists have a few hundred such loops for a cap of 3; a cap of
 * 10 on a large file could have millions, so enumeration stops at `limit` and says so.
 */
import type { TradeGraph } from './trade-graph.js';
import type { TradableCore } from './solve-uncapped.js';

export interface ShortCycles {
  /** Loop c is `nodes[start[c] .. start[c+1])`; each node receives the next, the last the first. */
  start: number[];
  nodes: number[];
  /** False when the enumeration stopped at its limit: then some loops are missing. */
  complete: boolean;
}

export function enumerateShortCycles(graph: TradeGraph, core: TradableCore, maxLoop: number, limit: number): ShortCycles {
  const found: ShortCycles = { start: [0], nodes: [], complete: true };
  const onPath = new Uint8Array(graph.size);
  const path: number[] = [];
  // Real items plus, between them, at most one dummy each: longer dummy chains are not followed.
  const maxNodes = 2 * maxLoop;
  const visit = (origin: number, node: number, realCount: number): boolean => {
    for (let k = graph.wantStart[node] as number; k < (graph.wantStart[node + 1] as number); k++) {
      if (!core.usableWant[k]) continue;
      const next = graph.wantTarget[k] as number;
      if (next === origin) {
        if (realCount > 0) {
          found.nodes.push(...path);
          found.start.push(found.nodes.length);
          if (found.start.length > limit) return false;
        }
        continue;
      }
      if (next < origin || onPath[next]) continue;
      const nextReal = realCount + (graph.isDummy[next] ? 0 : 1);
      if (nextReal > maxLoop || path.length >= maxNodes) continue;
      onPath[next] = 1;
      path.push(next);
      const more = visit(origin, next, nextReal);
      path.pop();
      onPath[next] = 0;
      if (!more) return false;
    }
    return true;
  };
  for (const origin of core.active) {
    onPath[origin] = 1;
    path.push(origin);
    const more = visit(origin, origin, graph.isDummy[origin] ? 0 : 1);
    path.pop();
    onPath[origin] = 0;
    if (!more) {
      found.complete = false;
      break;
    }
  }
  return found;
}
