/**
 * Every loop of at most `maxLoop` real items in the want graph, for the loop-length cap. Dummies
 * do not count towards the length (they are elided from the loops people see) but a loop holds a
 * dummy at most once, so loops that share one cannot both run. Each loop is found once, from its
 * lowest-numbered item, by a walk that only steps where it can still get back within the cap (a
 * backward search from the start first measures how far every item is from it). Public want lists have a few hundred such loops for a cap of 3; a cap of
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
  const back = new BackwardDistances(graph, core, maxLoop);
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
      if (realCount + back.realItemsToOrigin(next) > maxLoop || path.length >= maxNodes) continue;
      const nextReal = realCount + (graph.isDummy[next] ? 0 : 1);
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
    back.measureFrom(origin);
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

/**
 * For one origin at a time: the fewest real items (the item itself included, the origin not) on a
 * want path from each item back to the origin through higher-numbered items, up to the cap.
 * A breadth-first search over reversed wants in which dummies cost nothing (0-1 BFS).
 */
class BackwardDistances {
  private readonly predecessorStart: Int32Array;
  private readonly predecessor: Int32Array;
  private readonly distance: Int32Array;
  private readonly stamp: Int32Array;
  private readonly deque: Int32Array;
  private current = 0;

  constructor(
    private readonly graph: TradeGraph,
    core: TradableCore,
    private readonly maxLoop: number,
  ) {
    const { size, wantStart, wantTarget } = graph;
    this.predecessorStart = new Int32Array(size + 1);
    for (let k = 0; k < wantTarget.length; k++) if (core.usableWant[k]) (this.predecessorStart[(wantTarget[k] as number) + 1] as number)++;
    for (let v = 0; v < size; v++) this.predecessorStart[v + 1] = (this.predecessorStart[v + 1] as number) + (this.predecessorStart[v] as number);
    const fill = this.predecessorStart.slice(0, size);
    this.predecessor = new Int32Array(this.predecessorStart[size] as number);
    for (let from = 0; from < size; from++) {
      for (let k = wantStart[from] as number; k < (wantStart[from + 1] as number); k++) {
        if (!core.usableWant[k]) continue;
        const to = wantTarget[k] as number;
        this.predecessor[(fill[to] as number)++] = from;
      }
    }
    this.distance = new Int32Array(size);
    this.stamp = new Int32Array(size);
    // An item is queued again each time its distance improves: at most maxLoop + 1 times.
    this.deque = new Int32Array(2 * (maxLoop + 1) * size + 2);
  }

  measureFrom(origin: number): void {
    this.current++;
    // Real items a path back may hold: the cap, less the origin itself unless it is a dummy.
    const limit = this.maxLoop - (this.graph.isDummy[origin] ? 0 : 1);
    // Dummies (cost 0) go to the front, real items to the back: start in the middle.
    let head = (this.maxLoop + 1) * this.graph.size + 1;
    let tail = head;
    this.stamp[origin] = this.current;
    this.distance[origin] = 0;
    this.deque[tail++] = origin;
    while (head < tail) {
      const node = this.deque[head++] as number;
      const d = this.distance[node] as number;
      for (let k = this.predecessorStart[node] as number; k < (this.predecessorStart[node + 1] as number); k++) {
        const previous = this.predecessor[k] as number;
        if (previous <= origin) continue;
        const step = this.graph.isDummy[previous] ? 0 : 1;
        if (d + step > limit) continue;
        if (this.stamp[previous] === this.current && (this.distance[previous] as number) <= d + step) continue;
        this.stamp[previous] = this.current;
        this.distance[previous] = d + step;
        if (step === 0) this.deque[--head] = previous;
        else this.deque[tail++] = previous;
      }
    }
  }

  /** Real items from `node` back to the origin, or more than the cap when it cannot get back in time. */
  realItemsToOrigin(node: number): number {
    return this.stamp[node] === this.current ? (this.distance[node] as number) : this.maxLoop + 1;
  }
}
