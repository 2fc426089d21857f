/**
 * Chooses the best set of disjoint short loops with an integer program solved by HiGHS (the
 * `highs` package: the University of Edinburgh's MIP solver compiled to WebAssembly). One binary
 * per loop, at most one chosen loop per item or dummy; the objective is lexicographic through its
 * weights: real items traded first, then users trading (a binary per user, at most the number of
 * the user's chosen loops), then the receivers' ranks as a fraction below one. When HiGHS reports
 * the model solved to optimality the item count is proven the best possible under the cap.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import { rankOf } from './loops.js';
import type { ShortCycles } from './short-cycles.js';
import type { TradeGraph } from './trade-graph.js';

export interface Packing {
  /** Indices of the chosen loops. */
  chosen: number[];
  /** True when HiGHS proved the choice optimal. */
  optimal: boolean;
  status: string;
}

type HighsLoader = () => Promise<Highs>;
/**
 * The package's types describe one module for both `import` and `require`, so TypeScript sees the
 * CommonJS shape (the loader under `.default.default`) while Node's ESM import gives the loader
 * itself as the default export. Take whichever is the function.
 */
const defaultExport: unknown = highsModule.default;
const highsLoader = (typeof defaultExport === 'function' ? defaultExport : (defaultExport as { default: unknown }).default) as HighsLoader;

let highsInstance: Promise<Highs> | null = null;
/** Loading the WebAssembly module costs tens of milliseconds; one instance serves every solve. */
const loadHighs = () => (highsInstance ??= highsLoader());

export async function packCycles(graph: TradeGraph, cycles: ShortCycles, timeLimitSeconds: number): Promise<Packing> {
  const count = cycles.start.length - 1;
  if (count === 0) return { chosen: [], optimal: true, status: 'Optimal' };
  const highs = await loadHighs();
  const model = packingModel(graph, cycles);
  const solution = highs.solve(model, { output_flag: false, mip_rel_gap: 0, time_limit: timeLimitSeconds });
  const chosen: number[] = [];
  if (solution.Status !== 'Infeasible') {
    for (let c = 0; c < count; c++) if (((solution.Columns[`x${c}`] as { Primal?: number } | undefined)?.Primal ?? 0) > 0.5) chosen.push(c);
  }
  return { chosen, optimal: solution.Status === 'Optimal', status: solution.Status };
}

/** The model in CPLEX LP format, which is what the highs package reads. */
function packingModel(graph: TradeGraph, cycles: ShortCycles): string {
  const count = cycles.start.length - 1;
  const loopsOfNode = new Map<number, number[]>();
  const loopsOfOwner = new Map<string, Set<number>>();
  const realOf: number[] = [];
  const rankOfLoop: number[] = [];
  for (let c = 0; c < count; c++) {
    const nodes = cycles.nodes.slice(cycles.start[c], cycles.start[c + 1]);
    let real = 0;
    let rank = 0;
    nodes.forEach((node, at) => {
      loopsOfNode.set(node, [...(loopsOfNode.get(node) ?? []), c]);
      if (graph.isDummy[node]) return;
      real++;
      rank += rankOf(graph, node, nextReal(graph, nodes, at));
      const owner = graph.owners[node];
      if (owner != null) loopsOfOwner.set(owner, (loopsOfOwner.get(owner) ?? new Set()).add(c));
    });
    realOf.push(real);
    rankOfLoop.push(rank);
  }
  const users = [...loopsOfOwner.keys()];
  const itemWeight = users.length + 1;
  const rankScale = rankOfLoop.reduce((sum, rank) => sum + rank, 0) + 1;
  const objective = realOf.map((real, c) => `${itemWeight * real - (rankOfLoop[c] as number) / rankScale} x${c}`);
  users.forEach((_, u) => objective.push(`y${u}`));
  const rows: string[] = [];
  for (const [node, loops] of loopsOfNode) if (loops.length > 1) rows.push(` n${node}: ${loops.map((c) => `x${c}`).join(' + ')} <= 1`);
  users.forEach((owner, u) => rows.push(` u${u}: y${u} - ${[...(loopsOfOwner.get(owner) ?? [])].map((c) => `x${c}`).join(' - ')} <= 0`));
  const binaries = [...realOf.map((_, c) => `x${c}`), ...users.map((_, u) => `y${u}`)];
  return `Maximize\n obj: ${objective.join(' + ')}\nSubject To\n${rows.length > 0 ? rows.join('\n') : ' none: x0 <= 1'}\nBinary\n ${binaries.join(' ')}\nEnd\n`;
}

/** The real item node `nodes[at]` receives: the next node, or the one after a dummy. */
function nextReal(graph: TradeGraph, nodes: number[], at: number): number {
  for (let step = 1; step <= nodes.length; step++) {
    const node = nodes[(at + step) % nodes.length] as number;
    if (!graph.isDummy[node]) return node;
  }
  return nodes[at] as number;
}
