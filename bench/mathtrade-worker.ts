/**
 * One math-trade bench case in its own process, so its peak RSS is its own:
 * `node --import tsx bench/mathtrade-worker.ts FILE MAX_LOOP|none COPIES REPEATS`.
 *
 * Times the whole pipeline a `npm run mathtrade` runs (parse, build, solve; printing aside) once
 * cold and then REPEATS times, and prints one JSON line. COPIES > 1 solves that many disjoint
 * copies of the file at once (names suffixed per copy), to show how time and memory grow.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseWantList } from '../src/core/mathtrade/parse.js';
import { solveMathTrade, type MathTradeSolution } from '../src/core/mathtrade/solve.js';
import type { MathTradeEntry } from '../src/core/mathtrade/want-list.js';
import { median } from './stats.js';

export interface MathTradeCaseResult {
  coldMs: number;
  medianMs: number;
  runsMs: number[];
  /** CPU time (user + system) of the same runs: on a shared machine, less disturbed than wall time. */
  medianCpuMs: number;
  realItems: number;
  itemsTraded: number;
  usersTrading: number;
  largestLoop: number;
  proven: boolean | null;
  startRssKB: number;
  maxRssKB: number;
}

function copies(entries: readonly MathTradeEntry[], count: number): MathTradeEntry[] {
  if (count === 1) return [...entries];
  const out: MathTradeEntry[] = [];
  for (let copy = 0; copy < count; copy++) {
    const suffix = `-C${copy}`;
    for (const entry of entries) {
      out.push({ ...entry, name: entry.name + suffix, owner: entry.owner === null ? null : entry.owner + suffix, wants: entry.wants.map((group) => group.map((want) => want + suffix)) });
    }
  }
  return out;
}

async function solveOnce(text: string, maxLoop: number | undefined, copyCount: number): Promise<MathTradeSolution> {
  const parsed = parseWantList(text);
  if (!parsed.ok) throw new Error(`line ${parsed.error.line}: ${parsed.error.message}`);
  const entries = copies(parsed.wantList.entries, copyCount);
  return solveMathTrade(entries, { officialNames: parsed.wantList.officialNames, ...(maxLoop === undefined ? {} : { maxLoop }) });
}

async function main(): Promise<void> {
  const [file = '', loopArg = 'none', copiesArg = '1', repeatsArg = '5'] = process.argv.slice(2);
  const maxLoop = loopArg === 'none' ? undefined : Number(loopArg);
  const startRssKB = process.resourceUsage().maxRSS;
  const text = readFileSync(file, 'utf8');
  let started = performance.now();
  let solution = await solveOnce(text, maxLoop, Number(copiesArg));
  const coldMs = performance.now() - started;
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let run = 0; run < Number(repeatsArg); run++) {
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    solution = await solveOnce(text, maxLoop, Number(copiesArg));
    runsMs.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const result: MathTradeCaseResult = {
    coldMs,
    medianMs: median(runsMs),
    runsMs,
    medianCpuMs: median(cpuMs),
    realItems: solution.graph.realCount,
    itemsTraded: solution.figures.itemsTraded,
    usersTrading: solution.figures.usersTrading,
    largestLoop: solution.figures.loopSizes[0] ?? 0,
    proven: solution.cap ? solution.cap.proven : null,
    startRssKB,
    maxRssKB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
