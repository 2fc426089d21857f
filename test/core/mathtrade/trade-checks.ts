// What every math-trade solution must satisfy, checked from the outside.
import { expect } from 'vitest';
import { parseWantList } from '../../../src/core/mathtrade/parse.js';
import { solveMathTrade, type MathTradeSolution, type SolveOptions } from '../../../src/core/mathtrade/solve.js';

export async function solveText(text: string, options: SolveOptions = {}): Promise<MathTradeSolution> {
  const result = parseWantList(text);
  if (!result.ok) throw new Error(`line ${result.error.line}: ${result.error.message}`);
  return solveMathTrade(result.wantList.entries, { ...options, officialNames: result.wantList.officialNames });
}

/** `{ A: 'B' }`: each traded item's name and the name of the item it receives. */
export function receivedByName(solution: MathTradeSolution): Record<string, string> {
  const out: Record<string, string> = {};
  solution.receives.forEach((got, item) => {
    if (got !== -1) out[solution.graph.names[item] as string] = solution.graph.names[got] as string;
  });
  return out;
}

/**
 * Every receiver gets an item it listed (or one its own dummy listed), from another user, each
 * item goes to one receiver, no dummy appears, and the figures and loops agree with `receives`.
 */
export function expectSoundTrades(solution: MathTradeSolution): void {
  const { graph, receives } = solution;
  const wants = (item: number) => graph.wantTarget.slice(graph.wantStart[item], graph.wantStart[item + 1]);
  const given = new Set<number>();
  let traded = 0;
  receives.forEach((got, item) => {
    if (got === -1) return;
    traded++;
    expect(graph.isDummy[item]).toBe(0);
    expect(graph.isDummy[got]).toBe(0);
    const direct = wants(item).includes(got);
    const viaDummy = [...wants(item)].some((d) => graph.isDummy[d] === 1 && wants(d).includes(got));
    expect(direct || viaDummy, `${graph.names[item]} receives ${graph.names[got]}, which it did not list`).toBe(true);
    expect(got).not.toBe(item);
    if (graph.owners[item] != null) expect(graph.owners[got]).not.toBe(graph.owners[item]);
    expect(given.has(got)).toBe(false);
    given.add(got);
  });
  expect(given.size).toBe(traded);
  expect(solution.figures.itemsTraded).toBe(traded);
  expect(solution.loops.reduce((sum, loop) => sum + loop.length, 0)).toBe(traded);
  for (const loop of solution.loops) loop.forEach((item, at) => expect(receives[item]).toBe(loop[(at + 1) % loop.length]));
}
