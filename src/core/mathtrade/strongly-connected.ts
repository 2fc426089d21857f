/**
 * Strongly connected components of the want graph (iterative Tarjan: want chains can be thousands
 * long, deeper than a recursive walk should go). Every trade loop lies inside one component, so a
 * want between two components can never be used and the solvers drop it first.
 */
import type { TradeGraph } from './trade-graph.js';

/** Component number of each item; items in one component share a number. */
export function stronglyConnectedComponents(graph: TradeGraph): Int32Array {
  const { size, wantStart, wantTarget } = graph;
  const order = new Int32Array(size).fill(-1); // discovery order, -1 = not yet seen
  const low = new Int32Array(size);
  const component = new Int32Array(size).fill(-1);
  const stack = new Int32Array(size);
  const callStack = new Int32Array(size);
  const nextWant = new Int32Array(size);
  let stackTop = 0;
  let counter = 0;
  let components = 0;

  for (let root = 0; root < size; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    callStack[depth++] = root;
    order[root] = low[root] = counter++;
    nextWant[root] = wantStart[root] as number;
    stack[stackTop++] = root;
    while (depth > 0) {
      const node = callStack[depth - 1] as number;
      const k = nextWant[node] as number;
      if (k < (wantStart[node + 1] as number)) {
        nextWant[node] = k + 1;
        const next = wantTarget[k] as number;
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          nextWant[next] = wantStart[next] as number;
          stack[stackTop++] = next;
          callStack[depth++] = next;
        } else if (component[next] === -1) {
          low[node] = Math.min(low[node] as number, order[next] as number);
        }
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = callStack[depth - 1] as number;
        low[parent] = Math.min(low[parent] as number, low[node] as number);
      }
      if (low[node] === order[node]) {
        let member: number;
        do {
          member = stack[--stackTop] as number;
          component[member] = components;
        } while (member !== node);
        components++;
      }
    }
  }
  return component;
}
