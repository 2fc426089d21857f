/**
 * TradeMaximizer-style text for a solution: the warnings, the trade loops
 * (`(ALICE) 1 receives (CRAIG) 3`), the item summary, then the figures (`Num trades = N of M
 * items`, users trading, loop sizes) and, under a loop cap, whether the result is proven optimal.
 */
import type { MathTradeSolution } from './solve.js';
import type { TradeGraph } from './trade-graph.js';

/** `(USER) ITEM`, or the bare name for an item without a user. */
export function showItem(graph: TradeGraph, item: number): string {
  const owner = graph.owners[item];
  return owner == null ? (graph.names[item] as string) : `(${owner}) ${graph.names[item] as string}`;
}

export function formatSolution(solution: MathTradeSolution): string {
  const { graph, receives, loops, figures } = solution;
  let width = 1;
  for (let i = 0; i < graph.size; i++) if (!graph.isDummy[i]) width = Math.max(width, showItem(graph, i).length);
  const show = (item: number) => showItem(graph, item).padEnd(width);
  const out: string[] = [];
  if (solution.warnings.length > 0) out.push('WARNINGS:', ...solution.warnings.map((warning) => `**** ${warning}`), '');

  out.push(`TRADE LOOPS (${figures.itemsTraded} total trades):`, '');
  for (const loop of loops) {
    loop.forEach((item, at) => out.push(`${show(item)} receives ${showItem(graph, loop[(at + 1) % loop.length] as number)}`));
    out.push('');
  }

  out.push(`ITEM SUMMARY (${figures.itemsTraded} total trades):`, '', ...summaryLines(graph, receives, show), '');
  out.push(...figureLines(solution));
  return `${out.join('\n')}\n`;
}

function summaryLines(graph: TradeGraph, receives: Int32Array, show: (item: number) => string): string[] {
  const sendsTo = new Int32Array(graph.size).fill(-1);
  receives.forEach((got, item) => {
    if (got !== -1) sendsTo[got] = item;
  });
  const lines: string[] = [];
  for (let i = 0; i < graph.size; i++) {
    if (graph.isDummy[i]) continue;
    const got = receives[i] as number;
    lines.push(got === -1 ? `${show(i)}             does not trade` : `${show(i)} receives ${show(got)} and sends to ${showItem(graph, sendsTo[i] as number)}`);
  }
  return lines.sort();
}

function figureLines({ graph, figures, loops, cap }: MathTradeSolution): string[] {
  const percent = graph.realCount === 0 ? '' : ` (${((100 * figures.itemsTraded) / graph.realCount).toFixed(1)}%)`;
  const owners = new Set<string>();
  for (let i = 0; i < graph.size; i++) if (!graph.isDummy[i] && graph.owners[i] != null) owners.add(graph.owners[i] as string);
  const users = owners.size === 0 ? `${figures.usersTrading} (no usernames: each item counts as its own user)` : `${figures.usersTrading} of ${owners.size} users`;
  const lines = [
    `Num trades  = ${figures.itemsTraded} of ${graph.realCount} items${percent}`,
    `Users trading = ${users}`,
    `Rank sum    = ${figures.rankSum}${figures.itemsTraded === 0 ? '' : ` (avg ${(figures.rankSum / figures.itemsTraded).toFixed(2)})`}`,
    `Num groups  = ${loops.length}`,
    `Group sizes =${figures.loopSizes.map((size) => ` ${size}`).join('')}`,
    `Largest loop = ${figures.loopSizes[0] ?? 0}`,
  ];
  if (cap) {
    const verdict = cap.proven ? 'proven optimal' : `not proven optimal; at most ${cap.upperBound} items are possible`;
    lines.push(`Loop cap    = ${cap.maxLoop} items (dummies not counted): ${figures.itemsTraded} items, ${verdict} (${cap.how})`);
  }
  return lines;
}
