// `npm run mathtrade` as an organiser runs it: a child process over a want-list file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const mathtrade = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/mathtrade.ts', ...args], { cwd: process.cwd() }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

const dir = mkdtempSync(join(tmpdir(), 'mathtrade-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('npm run mathtrade', () => {
  it('prints the loops, the item summary and the figures of a public file', async () => {
    const result = await mathtrade('test/fixtures/mathtrade/onewant.txt');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Options: ALLOW-DUMMIES REQUIRE-COLONS REQUIRE-USERNAMES');
    expect(result.stdout).toContain('TRADE LOOPS (336 total trades):');
    expect(result.stdout).toMatch(/^\(7INCHSPLIT\) 1108-STAND +receives \(\S+\) \S+$/m);
    expect(result.stdout).toContain('Num trades  = 336 of 1146 items (29.3%)');
    expect(result.stdout).toMatch(/^Users trading = \d+ of 189 users$/m);
    expect(result.stdout).not.toMatch(/%[A-Z]/); // dummies are elided from loops and summary
  });

  it('prints a small trade the way TradeMaximizer does', async () => {
    const path = file('small.txt', '(alice) 1 : 2 3\n(bob) 2 : 3\n(craig) 3 : 1\n(dora) 4 : 1\n');
    const result = await mathtrade(path);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(ALICE) 1 receives (BOB) 2\n(BOB) 2   receives (CRAIG) 3\n(CRAIG) 3 receives (ALICE) 1\n');
    expect(result.stdout).toContain('(ALICE) 1 receives (BOB) 2   and sends to (CRAIG) 3');
    expect(result.stdout).toMatch(/^\(DORA\) 4 +does not trade$/m);
    expect(result.stdout).toContain('Num trades  = 3 of 4 items (75.0%)');
    expect(result.stdout).toContain('Group sizes = 3');
  });

  it('caps loops with --max-loop and says the result is proven optimal', async () => {
    const result = await mathtrade('test/fixtures/mathtrade/ask.txt', '--max-loop', '3');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Num trades  = 76 of 597 items');
    expect(result.stdout).toMatch(/^Loop cap {4}= 3 items \(dummies not counted\): 76 items, proven optimal/m);
  });

  it('names a malformed line and what was expected, without a stack trace, and exits 1', async () => {
    const path = file('broken.txt', '#! REQUIRE-COLONS\n(alice) 1 : 2\n(bob) 2 1\n');
    const result = await mathtrade(path);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`${path}, line 3: expected a colon after the item's name (REQUIRE-COLONS)`);
    expect(result.stdout).toBe('');
  });

  it('warns about options it does not implement', async () => {
    const result = await mathtrade(file('options.txt', '#! ITERATIONS=10\nA B\nB A\n'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('**** option ITERATIONS=10 (line 1) is not implemented and was ignored');
  });

  it('answers wrong arguments with the usage and exit code 2', async () => {
    const result = await mathtrade('--max-loop', '1', 'x.txt');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-loop needs a whole number of at least 2');
    expect(result.stderr).toContain('usage: npm run mathtrade -- FILE [--max-loop K]');
  });
});
