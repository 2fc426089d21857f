/**
 * `npm run mathtrade -- FILE [--max-loop K]`: solves a math trade from a TradeMaximizer want-list
 * file and prints TradeMaximizer-style results.
 *
 * Exit codes: 0 solved; 1 the file cannot be read or has a malformed line (its number and what was
 * expected are printed); 2 wrong arguments.
 */
import { readFileSync } from 'node:fs';
import { formatSolution } from '../core/mathtrade/format.js';
import { parseWantList } from '../core/mathtrade/parse.js';
import { solveMathTrade } from '../core/mathtrade/solve.js';

const USAGE = 'usage: npm run mathtrade -- FILE [--max-loop K]   (K: the longest loop allowed, in items, at least 2)';

function fail(code: number, sentence: string): never {
  console.error(sentence);
  process.exit(code);
}

function readArguments(args: readonly string[]): { file: string; maxLoop?: number } {
  let file: string | undefined;
  let maxLoop: number | undefined;
  for (let at = 0; at < args.length; at++) {
    const arg = args[at] as string;
    if (arg === '--max-loop' || arg.startsWith('--max-loop=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++at];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 2) fail(2, `--max-loop needs a whole number of at least 2, got ${value ?? 'nothing'}\n${USAGE}`);
      maxLoop = Number(value);
    } else if (arg.startsWith('-')) {
      fail(2, `unknown option ${arg}\n${USAGE}`);
    } else if (file === undefined) {
      file = arg;
    } else {
      fail(2, `one want-list file at a time; got ${file} and ${arg}\n${USAGE}`);
    }
  }
  if (file === undefined) fail(2, USAGE);
  return maxLoop === undefined ? { file } : { file, maxLoop };
}

async function main(): Promise<void> {
  // Piped into `head`, the reader may close early: that is not a failure worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  const { file, maxLoop } = readArguments(process.argv.slice(2));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(1, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = parseWantList(text);
  if (!parsed.ok) fail(1, `${file}, line ${parsed.error.line}: ${parsed.error.message}`);
  const { wantList } = parsed;
  const solution = await solveMathTrade(wantList.entries, { officialNames: wantList.officialNames, ...(maxLoop === undefined ? {} : { maxLoop }) });
  if (wantList.options.length > 0) process.stdout.write(`Options: ${wantList.options.join(' ')}\n\n`);
  process.stdout.write(formatSolution({ ...solution, warnings: [...wantList.warnings, ...solution.warnings] }));
}

main().catch((error: unknown) => fail(1, `math trade failed: ${error instanceof Error ? error.message : String(error)}`));
