// The solver's objective on small hand-made trades: most items, then users trading, then ranks.
import { describe, expect, it } from 'vitest';
import { expectSoundTrades, receivedByName, solveText } from './trade-checks.js';

describe('solveMathTrade', () => {
  it('trades a 2-loop', async () => {
    const solution = await solveText('(alice) A : B\n(bob) B : A\n');
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ A: 'B', B: 'A' });
    expect(solution.figures).toMatchObject({ itemsTraded: 2, usersTrading: 2, loopSizes: [2] });
  });

  it('trades a 3-loop, each receiving what it asked for', async () => {
    const solution = await solveText('(alice) A : B\n(bob) B : C\n(carol) C : A\n');
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ A: 'B', B: 'C', C: 'A' });
    expect(solution.loops).toHaveLength(1);
  });

  it('leaves out an item nobody wants, and an item wanting only its own user’s items', async () => {
    const solution = await solveText('(alice) A : B\n(bob) B : A\n(carol) C : A B\n(dave) D1 : D2\n(dave) D2 : D1\n');
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ A: 'B', B: 'A' });
    expect(solution.warnings).toContain('want list of D1 names D2 from the same user (DAVE): ignored');
  });

  it('passes items through a dummy without counting it', async () => {
    const text = '#! ALLOW-DUMMIES\n(alice) A : %ANY\n(alice) %ANY : B C\n(bob) B : A\n(carol) C : B\n';
    const solution = await solveText(text);
    expectSoundTrades(solution);
    // A receives C through its dummy; the loop A, C, B counts three items, not four.
    expect(receivedByName(solution)).toEqual({ A: 'C', C: 'B', B: 'A' });
    expect(solution.figures).toMatchObject({ itemsTraded: 3, loopSizes: [3] });
    expect(solution.graph.realCount).toBe(3);
  });

  it('never counts a loop of dummies alone', async () => {
    const solution = await solveText('#! ALLOW-DUMMIES\n(alice) %X : %Y\n(alice) %Y : %X\n(alice) A : B\n(bob) B : C\n(carol) C : B\n');
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ B: 'C', C: 'B' });
  });

  it('prefers the most items over better ranks: a 3-loop of second choices beats a 2-loop of first ones', async () => {
    const solution = await solveText('(alice) A : B C\n(bob) B : A\n(carol) C : D\n(dave) D : A\n');
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ A: 'C', C: 'D', D: 'A' });
  });

  it.each([
    ['B C', 'B'],
    ['C B', 'C'],
  ])('lets ranks decide between two equal solutions: A listing %s receives %s', async (wants, expected) => {
    const solution = await solveText(`(alice) A : ${wants}\n(bob) B : A\n(carol) C : A\n`);
    expectSoundTrades(solution);
    expect(receivedByName(solution).A).toBe(expected);
    expect(solution.figures.rankSum).toBe(2);
  });

  it('prefers more users trading over better ranks when the items are equal', async () => {
    // B2 ranks A2 first, but trading with C1 instead brings Carol in at the same item count.
    const text = '(alice) A1 : B1\n(alice) A2 : B2\n(bob) B1 : A1\n(bob) B2 : A2 C1\n(carol) C1 : B2\n';
    const solution = await solveText(text);
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toEqual({ A1: 'B1', B1: 'A1', B2: 'C1', C1: 'B2' });
    expect(solution.figures.usersTrading).toBe(3);
  });

  it('brings in a user with many items whom the first solve left out', async () => {
    // X trades with Bob's B2 or Dave's D1. Dave has four items that could trade (D2-D4 could swap
    // with Z1, but only by breaking the Z triangle), so each weighs less than Bob's second item;
    // yet Bob trades anyway (B1), and only D1 brings Dave in.
    const text = [
      '(alice) A1 : B1',
      '(bob) B1 : A1',
      '(xena) X : B2 D1',
      '(bob) B2 : X',
      '(dave) D1 : X',
      '(dave) D2 : Z1',
      '(dave) D3 : Z1',
      '(dave) D4 : Z1',
      '(zoe) Z1 : Z2 D2 D3 D4',
      '(zack) Z2 : Z3',
      '(zed) Z3 : Z1',
    ].join('\n');
    const solution = await solveText(text);
    expectSoundTrades(solution);
    expect(receivedByName(solution)).toMatchObject({ X: 'D1', D1: 'X', A1: 'B1', Z1: 'Z2' });
    expect(solution.figures).toMatchObject({ itemsTraded: 7, usersTrading: 7 });
  });

  it('keeps loops within --max-loop and proves the capped optimum', async () => {
    // Uncapped, the 4-loop trades 4 items; with loops of at most 2, only one pair can trade.
    const text = '(alice) A : B\n(bob) B : C A\n(carol) C : D\n(dave) D : A\n';
    const uncapped = await solveText(text);
    expect(uncapped.figures.loopSizes).toEqual([4]);
    const capped = await solveText(text, { maxLoop: 2 });
    expectSoundTrades(capped);
    expect(receivedByName(capped)).toEqual({ A: 'B', B: 'A' });
    expect(capped.cap).toMatchObject({ maxLoop: 2, proven: true, upperBound: 2 });
  });

  it('finds a capped loop whose first-listed member is a dummy, and does not count the dummy in its length', async () => {
    // A -> %D -> B -> C -> A holds three real items; a 4-loop E, F, G, H competes for nothing.
    const text = '#! ALLOW-DUMMIES\n(alice) %D : B\n(alice) A : %D\n(bob) B : C\n(carol) C : A\n(erin) E : F\n(fred) F : G\n(gina) G : H\n(hank) H : E\n';
    const capped = await solveText(text, { maxLoop: 3 });
    expectSoundTrades(capped);
    expect(receivedByName(capped)).toEqual({ A: 'B', B: 'C', C: 'A' });
    expect(capped.cap).toMatchObject({ proven: true });
  });
});
