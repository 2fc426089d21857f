// The three public want lists: TradeMaximizer's item counts exactly, and the loop-length cap.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectSoundTrades, solveText } from './trade-checks.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/mathtrade/${name}`, import.meta.url), 'utf8');

describe.each([
  // provenCapped: the optimum this solver proves. On onewant.txt it is above the 158 of the shared
  // README because dummies do not count towards a loop's length here.
  { file: 'ask.txt', items: 597, traded: 197, bestCapped: 76, provenCapped: 76 },
  { file: 'xmas.txt', items: 1044, traded: 356, bestCapped: 120, provenCapped: 120 },
  { file: 'onewant.txt', items: 1146, traded: 336, bestCapped: 158, provenCapped: 164 },
])('$file', ({ file, items, traded, bestCapped, provenCapped }) => {
  it(`trades ${traded} of ${items} items, as TradeMaximizer does`, async () => {
    const solution = await solveText(fixture(file));
    expectSoundTrades(solution);
    expect(solution.graph.realCount).toBe(items);
    expect(solution.figures.itemsTraded).toBe(traded);
  });

  if (file === 'onewant.txt') {
    it('brings in users the first solve left out: 150 of 189 trade (147 without the second pass)', async () => {
      const solution = await solveText(fixture(file));
      expect(solution.figures.usersTrading).toBeGreaterThanOrEqual(150);
    });
  }

  it(`with loops of at most 3 items reaches 95% of ${bestCapped} and proves its result`, async () => {
    const solution = await solveText(fixture(file), { maxLoop: 3 });
    expectSoundTrades(solution);
    expect(solution.figures.loopSizes[0]).toBeLessThanOrEqual(3);
    expect(solution.figures.itemsTraded).toBeGreaterThanOrEqual(Math.ceil(0.95 * bestCapped));
    expect(solution.figures.itemsTraded).toBe(provenCapped);
    expect(solution.cap).toMatchObject({ maxLoop: 3, proven: true, upperBound: solution.figures.itemsTraded });
  });
});
