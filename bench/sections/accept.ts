/**
 * Accept throughput: `core.acceptOffer` on one database file against the hand-written baseline
 * (`bench/raw-accept.ts`) on a byte-identical copy, same offers, same takers, same order, the two
 * alternating in short blocks inside every round so they share the machine's noise. Afterwards both files must hold
 * the same rows, which proves the baseline did the same work.
 */
import { performance } from 'node:perf_hooks';
import {
  CONTENT_TABLES,
  MINUTE,
  checkpointAndClose,
  copyDatabase,
  openCore,
  postOffers,
  seedMarket,
  shuffled,
  tableDigest,
  tempDir,
  benchClock,
  type SeededMarket,
} from '../fixtures.js';
import { createRawAccept } from '../raw-accept.js';
import { median } from '../stats.js';
import { auditLedger } from '../../src/core/audit.js';
import { openDatabase } from '../../src/db/connection.js';
import type { MemberRef } from '../../src/core/types.js';

export const WARMUP_ACCEPTS = 1_000;
export const ROUNDS = 5;
export const PER_ROUND = 2_000;
/** Accepts per alternating block inside a round. */
export const BLOCK = 250;

export interface AcceptResult {
  warmup: number;
  rounds: number;
  perRound: number;
  block: number;
  shape: string;
  /** accepts/s of each timed round, in round order. */
  coreRounds: number[];
  rawRounds: number[];
  coreMedian: number;
  rawMedian: number;
  ratio: number;
  /** Median over rounds of core rate / raw rate within the same round (paired, same offers). */
  pairedRatio: number;
  /** Median process CPU time (user + system) per accept, microseconds. */
  coreCpuUs: number;
  rawCpuUs: number;
  sameRows: boolean;
  differingTables: string[];
  coreAuditOk: boolean;
  rawAuditOk: boolean;
  setupMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function run(): Promise<AcceptResult> {
  const setupStart = performance.now();
  const tmp = tempDir('accept');
  try {
    const total = WARMUP_ACCEPTS + ROUNDS * PER_ROUND;
    // One file built through the core, then copied: the raw baseline gets its own fresh file with
    // exactly the same data.
    const seedPath = tmp.file('core.db');
    const seeded = openCore(seedPath);
    const market: SeededMarket = seedMarket(seeded.core, { owners: 200, takers: 50 });
    const offerIds = postOffers(seeded, market, { count: total, seed: 42, hours: () => 24, stepMs: 10, perTransaction: 500 });
    const acceptAt = seeded.clock() + MINUTE;
    checkpointAndClose(seeded.db);
    const rawPath = tmp.file('raw.db');
    copyDatabase(seedPath, rawPath);

    const coreClock = benchClock(acceptAt);
    const core = openCore(seedPath, coreClock);
    const rawDb = openDatabase(rawPath);
    const rawClock = benchClock(acceptAt);
    const rawAccept = createRawAccept(rawDb.sqlite, rawClock);

    const order = shuffled(offerIds, 7);
    const takerOf = (i: number) => (market.takers[i % market.takers.length] as MemberRef).id;
    const marketId = market.marketId;
    const runCore = (from: number, to: number) => {
      for (let i = from; i < to; i += 1) {
        const result = core.core.acceptOffer({ marketId, offerId: order[i] as number, takerId: takerOf(i) });
        if (!result.ok) throw new Error(`core accept refused: ${JSON.stringify(result.error)}`);
      }
    };
    const runRaw = (from: number, to: number) => {
      for (let i = from; i < to; i += 1) rawAccept({ marketId, offerId: order[i] as number, takerId: takerOf(i) });
    };
    const setupMs = performance.now() - setupStart;

    // Warm-up: JIT, statement caches, SQLite page cache.
    runCore(0, WARMUP_ACCEPTS / 2);
    runRaw(0, WARMUP_ACCEPTS / 2);
    runCore(WARMUP_ACCEPTS / 2, WARMUP_ACCEPTS);
    runRaw(WARMUP_ACCEPTS / 2, WARMUP_ACCEPTS);

    // Each round gives both sides the same PER_ROUND offers. Within a round the two alternate in
    // blocks of BLOCK accepts (who starts alternates per round), so a burst of machine noise
    // lands on both sides instead of on one whole round.
    const coreRounds: number[] = [];
    const rawRounds: number[] = [];
    const coreCpu: number[] = [];
    const rawCpu: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const spent = { core: { ms: 0, cpuUs: 0 }, raw: { ms: 0, cpuUs: 0 } };
      const block = (side: 'core' | 'raw', from: number, to: number) => {
        const cpuStart = process.cpuUsage();
        const start = performance.now();
        (side === 'core' ? runCore : runRaw)(from, to);
        spent[side].ms += performance.now() - start;
        const used = process.cpuUsage(cpuStart);
        spent[side].cpuUs += used.user + used.system;
      };
      gc?.();
      const sides = round % 2 === 0 ? (['core', 'raw'] as const) : (['raw', 'core'] as const);
      for (let from = WARMUP_ACCEPTS + round * PER_ROUND; from < WARMUP_ACCEPTS + (round + 1) * PER_ROUND; from += BLOCK) {
        for (const side of sides) block(side, from, from + BLOCK);
      }
      coreRounds.push((PER_ROUND / spent.core.ms) * 1000);
      rawRounds.push((PER_ROUND / spent.raw.ms) * 1000);
      coreCpu.push(spent.core.cpuUs / PER_ROUND);
      rawCpu.push(spent.raw.cpuUs / PER_ROUND);
      process.stderr.write(`  accept round ${round + 1}: core ${Math.round(coreRounds[round] as number)}/s raw ${Math.round(rawRounds[round] as number)}/s\n`);
    }

    const differingTables = CONTENT_TABLES.filter((table) => tableDigest(core.db, table) !== tableDigest(rawDb, table));
    const coreAuditOk = core.core.audit().ok;
    const rawAuditOk = auditLedger(rawDb).ok;
    core.db.close();
    rawDb.close();

    const coreMedian = median(coreRounds);
    const rawMedian = median(rawRounds);
    return {
      warmup: WARMUP_ACCEPTS,
      rounds: ROUNDS,
      perRound: PER_ROUND,
      block: BLOCK,
      shape: '2 given + 2 wanted items per offer, 200 owners, 50 takers, 24 items',
      coreRounds,
      rawRounds,
      coreMedian,
      rawMedian,
      ratio: coreMedian / rawMedian,
      pairedRatio: median(coreRounds.map((c, i) => c / (rawRounds[i] as number))),
      coreCpuUs: median(coreCpu),
      rawCpuUs: median(rawCpu),
      sameRows: differingTables.length === 0,
      differingTables,
      coreAuditOk,
      rawAuditOk,
      setupMs,
    };
  } finally {
    tmp.cleanup();
  }
}
