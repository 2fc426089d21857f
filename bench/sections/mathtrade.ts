/**
 * Math-trade solver speed and memory on the three public want lists (issue 12), uncapped and with
 * loops of at most 3 items, each case in its own process (bench/mathtrade-worker.ts) so its peak
 * RSS is its own; then xmas.txt solved as 1, 4 and 16 disjoint copies at once, to show that time
 * and memory grow with the file and no faster.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MathTradeCaseResult } from '../mathtrade-worker.js';

const execute = promisify(execFile);
const WORKER = fileURLToPath(new URL('../mathtrade-worker.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../test/fixtures/mathtrade/', import.meta.url));
export const REPEATS = 5;

export interface MathTradeCase extends MathTradeCaseResult {
  file: string;
  maxLoop: number | null;
  copies: number;
}

export interface MathTradeResult {
  cases: MathTradeCase[];
  growth: MathTradeCase[];
}

async function runCase(file: string, maxLoop: number | null, copies: number, repeats: number): Promise<MathTradeCase> {
  const args = ['--import', 'tsx', WORKER, FIXTURES + file, maxLoop === null ? 'none' : String(maxLoop), String(copies), String(repeats)];
  const { stdout } = await execute(process.execPath, args, { maxBuffer: 1 << 20 });
  return { file, maxLoop, copies, ...(JSON.parse(stdout) as MathTradeCaseResult) };
}

export async function run(): Promise<MathTradeResult> {
  const cases: MathTradeCase[] = [];
  for (const file of ['ask.txt', 'xmas.txt', 'onewant.txt']) {
    for (const maxLoop of [null, 3]) {
      process.stderr.write(`[bench] mathtrade ${file} ${maxLoop === null ? 'uncapped' : `max loop ${maxLoop}`}\n`);
      cases.push(await runCase(file, maxLoop, 1, REPEATS));
    }
  }
  const growth: MathTradeCase[] = [];
  for (const copies of [1, 4, 16]) {
    process.stderr.write(`[bench] mathtrade xmas.txt x${copies}\n`);
    growth.push(await runCase('xmas.txt', null, copies, copies === 16 ? 1 : 3));
  }
  return { cases, growth };
}
