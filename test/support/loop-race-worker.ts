/**
 * One process of the loop race test (`test/core/loop-race.test.ts`):
 *
 *   node --import tsx test/support/loop-race-worker.ts <db> <ready-file> <go-file> <market-id> <now-ms> <role> <member-id> <offers>
 *
 * `role` is `accept` (accept every offer in `offers`, `id,id,...`, as member-id), `cancel` (cancel
 * every offer of `offers` given as `id:owner,...`) or `match` (the loop sweep, then the step
 * through every offer, twice). It opens the shared file as a bot process does, writes the ready
 * file, waits for the go file, acts, and prints one JSON line: a {@link LoopRaceSummary}.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createTradeCore } from '../../src/core/trade-core.js';
import { openDatabase } from '../../src/db/connection.js';
import { sweepMarket } from './loop-sweep.js';

export interface LoopRaceSummary {
  role: string;
  /** Offers this process ended (accepted, cancelled), or the loops it executed (offer ids). */
  accepted: number[];
  cancelled: number[];
  loops: number[][];
  /** Exceptions (SQLITE_BUSY, a failed guard): never expected. */
  thrown: string[];
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const [dbPath, readyPath, goPath, marketArg, nowArg, role, memberArg, offersArg] = process.argv.slice(2) as string[];
const db = openDatabase(dbPath!);
const core = createTradeCore({ db, clock: () => Number(nowArg) });
const marketId = Number(marketArg);
const summary: LoopRaceSummary = { role: role!, accepted: [], cancelled: [], loops: [], thrown: [] };
const attempt = (work: () => void) => {
  try {
    work();
  } catch (error) {
    summary.thrown.push(error instanceof Error ? error.message : String(error));
  }
};

writeFileSync(readyPath!, 'ready');
const deadline = Date.now() + 20_000;
while (!existsSync(goPath!)) {
  if (Date.now() > deadline) throw new Error('no go file');
  Atomics.wait(sleeper, 0, 0, 5);
}

const entries = offersArg!.split(',').map((entry) => entry.split(':').map(Number) as [number, number?]);
// Members act a couple of milliseconds apart, not as fast as a loop can spin, so the matching
// process gets its share of the races.
const pause = () => Atomics.wait(sleeper, 0, 0, 5);
if (role === 'accept') {
  for (const [offerId] of entries) attempt(() => (pause(), core.acceptOffer({ marketId, offerId, takerId: Number(memberArg) }).ok && summary.accepted.push(offerId)));
} else if (role === 'cancel') {
  for (const [offerId, ownerId] of entries) attempt(() => (pause(), core.cancelOffer({ marketId, offerId, memberId: ownerId! }).ok && summary.cancelled.push(offerId)));
} else {
  const record = (outcome: ReturnType<typeof core.executeLoop> | undefined) => {
    if (outcome?.executed) summary.loops.push(outcome.legs.map((leg) => leg.offerId));
  };
  for (let round = 0; round < 2; round += 1) {
    attempt(() => sweepMarket(core, marketId).forEach(record));
    for (const [offerId] of entries) attempt(() => record(core.matchLoopsThrough(offerId)));
  }
}
db.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
