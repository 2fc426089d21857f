/**
 * Runs one bench section in this process and prints its result as one JSON line on stdout,
 * after {@link RESULT_MARKER}. Started by `bench/run.ts` as `node --import tsx bench/child.ts <name>`;
 * progress goes to stderr. Any exception exits non-zero.
 */
import { performance } from 'node:perf_hooks';
import { isSectionName, RESULT_MARKER, SECTIONS, type ChildReport } from './sections.js';

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isSectionName(name)) throw new Error(`unknown section "${name}"`);
  const startRssKB = process.resourceUsage().maxRSS;
  const started = performance.now();
  const data = await SECTIONS[name].run();
  const report: ChildReport = {
    name,
    elapsedMs: performance.now() - started,
    startRssKB,
    maxRssKB: process.resourceUsage().maxRSS,
    data,
  };
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
