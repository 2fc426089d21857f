/**
 * The bench runner: `npm run bench [-- <section|group> ...]`.
 *
 * Each section runs in its own child process (`node --import tsx bench/child.ts <name>`), so
 * timings are not disturbed by earlier sections and each peak RSS is that section's alone. The
 * child prints one JSON line; the runner collects them and prints the summary table.
 *
 * Missed targets are reported (FAIL in the table) but do not fail the run; an exception in a
 * section, a child that dies or times out, does: the runner exits 1 after printing what it has.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { renderReport, type Collected } from './report.js';
import { GROUPS, isSectionName, RESULT_MARKER, SECTION_NAMES, SECTIONS, type ChildReport, type SectionName } from './sections.js';

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));

function selectSections(args: readonly string[]): SectionName[] {
  if (args.length === 0) return SECTION_NAMES;
  const chosen = new Set<SectionName>();
  for (const arg of args) {
    if (isSectionName(arg)) chosen.add(arg);
    else if (GROUPS[arg]) for (const name of GROUPS[arg]) chosen.add(name);
    else throw new Error(`unknown section "${arg}"; sections: ${SECTION_NAMES.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  }
  return SECTION_NAMES.filter((name) => chosen.has(name)); // always in the registry's order
}

/** Runs one section in a child process; resolves with its report, rejects on any failure. */
function runChild(name: SectionName): Promise<ChildReport> {
  const { timeoutMs } = SECTIONS[name];
  return new Promise((resolve, reject) => {
    // --expose-gc lets sections collect garbage between timed rounds.
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`section ${name} timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`section ${name} exited with ${signal ?? `code ${code}`}`));
      const resultLine = stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
      if (!resultLine) return reject(new Error(`section ${name} printed no result`));
      resolve(JSON.parse(resultLine.slice(RESULT_MARKER.length)) as ChildReport);
    });
  });
}

async function main(): Promise<number> {
  const names = selectSections(process.argv.slice(2));
  const started = performance.now();
  const collected: Record<string, ChildReport> = {};
  const failures: string[] = [];
  for (const name of names) {
    process.stderr.write(`[bench] ${name}: ${SECTIONS[name].describe}\n`);
    try {
      const report = await runChild(name);
      collected[name] = report;
      process.stderr.write(`[bench] ${name} done in ${(report.elapsedMs / 1000).toFixed(1)} s\n`);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      process.stderr.write(`[bench] ${name} FAILED: ${failures.at(-1)}\n`);
    }
  }
  const totalS = (performance.now() - started) / 1000;

  const lines = renderReport(collected as Collected);
  const width = Math.max(60, ...lines.map((text) => text.length));
  console.log(`\n${'='.repeat(width)}`);
  console.log(`Trading post bench  (node ${process.version}, ${new Date().toISOString()})`);
  console.log('='.repeat(width));
  for (const text of lines) console.log(text);
  console.log('-'.repeat(width));
  console.log(`sections: ${names.join(', ')}   total run time ${totalS.toFixed(1)} s`);
  for (const failure of failures) console.log(`ERROR: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
