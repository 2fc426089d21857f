/**
 * One competitor of the multi-process race test (`test/core/multiprocess-race.test.ts`), run as
 * its own OS process:
 *
 *   node --import tsx test/support/accept-worker.ts <db> <ready-file> <go-file> <market-id>
 *        <taker-id> <now-ms> <offer-ids,comma,separated> <shuffle-seed>
 *
 * It opens the shared database file the way every bot process does (`openDatabase` +
 * `createTradeCore`), writes `<ready-file>`, waits until `<go-file>` appears and the start time
 * written in it arrives (so every competitor starts at the same moment), then tries to accept
 * every offer, in its own shuffled order, as `<taker-id>`. The core's clock is pinned at
 * `<now-ms>` so the offers' expiry does not depend on the real date.
 *
 * Prints one JSON line on stdout: a {@link WorkerSummary}. Exits 0 when it got through every
 * offer (whatever it won or was refused), 2 on bad arguments or a barrier timeout.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createTradeCore } from '../../src/core/trade-core.js';
import { openDatabase } from '../../src/db/connection.js';

export interface WorkerSummary {
  pid: number;
  takerId: number;
  /** Offers this process accepted. */
  won: number[];
  /** Refusal code -> the offers refused with it. */
  refused: Record<string, number[]>;
  /** Exceptions (e.g. SQLITE_BUSY): never expected. */
  thrown: Array<{ offerId: number; message: string }>;
  /** The order in which offers were tried. */
  order: number[];
  /** Wall-clock ms when the first accept started and the last one returned. */
  startedAt: number;
  finishedAt: number;
}

const BARRIER_TIMEOUT_MS = 20_000;

function die(message: string): never {
  process.stderr.write(`accept-worker: ${message}\n`);
  process.exit(2);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, Math.max(0, ms));

/** A small seeded PRNG (mulberry32), so a failing order can be replayed from the seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffled<T>(values: readonly T[], seed: number): T[] {
  const next = random(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

function main() {
  const [dbPath, readyPath, goPath, marketArg, takerArg, nowArg, offersArg, seedArg] = process.argv.slice(2);
  if (!dbPath || !readyPath || !goPath || !marketArg || !takerArg || !nowArg || !offersArg || !seedArg) {
    die(`usage: accept-worker <db> <ready-file> <go-file> <market-id> <taker-id> <now-ms> <offer-ids> <seed>; got ${JSON.stringify(process.argv.slice(2))}`);
  }
  const marketId = Number(marketArg);
  const takerId = Number(takerArg);
  const now = Number(nowArg);
  const seed = Number(seedArg);
  const offerIds = offersArg.split(',').map(Number);
  if (![marketId, takerId, now, seed, ...offerIds].every(Number.isInteger)) die(`non-integer argument in ${JSON.stringify(process.argv.slice(2))}`);

  const db = openDatabase(dbPath);
  const core = createTradeCore({ db, clock: () => now });
  const order = shuffled(offerIds, seed);

  // Barrier: say we are ready, wait for the go file, then for the start time written in it.
  writeFileSync(readyPath, String(process.pid));
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while (!existsSync(goPath)) {
    if (Date.now() > deadline) die(`no go file ${goPath} after ${BARRIER_TIMEOUT_MS} ms`);
    sleep(1);
  }
  const startAt = Number(readFileSync(goPath, 'utf8'));
  // An empty file reads as 0: refuse it loudly rather than leave the barrier early.
  if (!Number.isFinite(startAt) || startAt <= 0) die(`go file ${goPath} does not hold a start time`);
  if (startAt - Date.now() > 3) sleep(startAt - Date.now() - 3);
  while (Date.now() < startAt) {
    // spin the last few milliseconds so every process leaves the barrier together
  }

  const summary: WorkerSummary = { pid: process.pid, takerId, won: [], refused: {}, thrown: [], order, startedAt: Date.now(), finishedAt: 0 };
  for (const offerId of order) {
    try {
      const result = core.acceptOffer({ marketId, offerId, takerId });
      if (result.ok) summary.won.push(offerId);
      else (summary.refused[result.error.code] ??= []).push(offerId);
    } catch (error) {
      summary.thrown.push({ offerId, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  summary.finishedAt = Date.now();
  db.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main();
