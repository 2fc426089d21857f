/**
 * Loop matching (issue 11): the step after a post and the loop sweep, on markets of 10k and 100k
 * open offers spread over a 500-item catalog (each offer gives two items and wants two others,
 * 1-3 of each, items drawn uniformly).
 *
 * - step: `core.matchLoopsThrough` for {@link STEP_SAMPLES} freshly posted offers of the same
 *   spread, each posted untimed right before its step (a loop it finds executes, inside the time);
 * - sweep: the job `sweepLoops` (batches, pauses and all) after {@link DOWNTIME_POSTS} offers were
 *   posted through the core alone, as while the bot was down: the only offers awaiting a check;
 *   then again after ten times as many. The market built before is marked checked in one UPDATE,
 *   as if the step had run after each post (running it 100k times would only lengthen the build);
 * - idle sweep: the sweep again, with nothing left to check.
 *
 * The sweep should cost what the step would for each unchecked offer (10x the unchecked offers,
 * 10x the time), and nothing more for a larger market than the step itself costs more there: a
 * search through one offer follows the offers sharing its items, which are denser in a larger
 * market of the same catalog. An idle sweep reads an empty index.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { sweepLoops } from '../../src/jobs/loop-sweep.js';
import type { CatalogItem, ItemRequest, MemberRef } from '../../src/core/types.js';
import { type BenchCore, benchMarket, openCore, rng, tempDir, unwrap } from '../fixtures.js';
import { latency, type Latency } from '../stats.js';

export const CATALOG_SIZE = 500;
const OWNERS = 200;
const STEP_SAMPLES = 300;
const STEP_WARMUP = 30;
const BUILD_BATCH = 1000;
/** Offers posted without the step before the sweep, as during a restart's downtime. */
export const DOWNTIME_POSTS = 100;

export interface LoopSizeResult {
  offers: number;
  buildS: number;
  step: Latency;
  /** Loops the timed steps executed. */
  stepLoops: number;
  /** The step's mean, to compare the sweep's cost per unchecked offer with. */
  stepMeanMs: number;
  sweeps: SweepResult[];
  idleSweepMs: number;
}

export interface SweepResult {
  /** Offers awaiting a check when the sweep started. */
  due: number;
  ms: number;
  loops: number;
}

export interface LoopsResult {
  catalog: number;
  sizes: LoopSizeResult[];
}

function seed(bench: BenchCore) {
  const { core } = bench;
  const market = benchMarket(core, { platform: 'discord', platformMarketId: 'bench-loops', title: 'Loops bench' });
  const items: CatalogItem[] = [];
  const owners: MemberRef[] = [];
  bench.db.writeTransaction(() => {
    for (let i = 0; i < CATALOG_SIZE; i += 1) items.push(unwrap(core.addItem(market.id, null, { name: `good${i}` })));
    const admin = core.ensureMember({ marketId: market.id, platformUserId: 'admin', displayName: 'admin' });
    for (let o = 0; o < OWNERS; o += 1) {
      const owner = core.ensureMember({ marketId: market.id, platformUserId: `owner-${o}`, displayName: `owner ${o}` });
      owners.push(owner);
      for (let start = 0; start < items.length; start += 20) {
        const lines = items.slice(start, start + 20).map((item) => ({ name: item.slug, quantity: 100_000 }));
        unwrap(core.grantItems(market.id, admin.id, owner.id, lines));
      }
    }
  });
  return { marketId: market.id, items, owners };
}

function terms(random: () => number, items: readonly CatalogItem[]): { give: ItemRequest[]; want: ItemRequest[] } {
  const picked = new Set<CatalogItem>();
  while (picked.size < 4) picked.add(items[Math.floor(random() * items.length)] as CatalogItem);
  const [a, b, c, d] = [...picked].map((item) => ({ name: item.slug, quantity: 1 + Math.floor(random() * 3) }));
  return { give: [a!, b!], want: [c!, d!] };
}

async function runSize(offers: number): Promise<LoopSizeResult> {
  const tmp = tempDir(`loops-${offers}`);
  try {
    const bench = openCore(tmp.file('loops.db'));
    const { core } = bench;
    const market = seed(bench);
    const random = rng(4242);
    const post = (i: number) => {
      const owner = market.owners[i % market.owners.length] as MemberRef;
      bench.clock.advance(10);
      return unwrap(core.postOffer({ marketId: market.marketId, ownerId: owner.id, ...terms(random, market.items), hours: 720 })).id;
    };
    const buildStart = performance.now();
    for (let start = 0; start < offers; start += BUILD_BATCH) {
      bench.db.writeTransaction(() => {
        for (let i = start; i < Math.min(offers, start + BUILD_BATCH); i += 1) post(i);
      });
    }
    const buildS = (performance.now() - buildStart) / 1000;
    process.stderr.write(`  built ${offers} offers in ${buildS.toFixed(1)} s\n`);

    const samples: number[] = [];
    let stepLoops = 0;
    for (let i = 0; i < STEP_WARMUP + STEP_SAMPLES; i += 1) {
      const offerId = post(offers + i);
      const start = performance.now();
      const done = core.matchLoopsThrough(offerId);
      const took = performance.now() - start;
      if (i >= STEP_WARMUP) {
        samples.push(took);
        if (done) stepLoops += 1;
      }
    }
    bench.db.sqlite.prepare('UPDATE offers SET loop_check = -loop_check WHERE loop_check > 0').run();
    const dueCount = () => (bench.db.sqlite.prepare(`SELECT count(*) AS n FROM offers WHERE status = 'active' AND loop_check > 0`).get() as { n: number }).n;
    const log = pino({ level: 'silent' });
    let posted = offers + STEP_WARMUP + STEP_SAMPLES;
    const sweeps: SweepResult[] = [];
    for (const downtime of [DOWNTIME_POSTS, DOWNTIME_POSTS * 10]) {
      for (let i = 0; i < downtime; i += 1) post(posted++);
      const due = dueCount();
      const sweepStart = performance.now();
      const loops = await sweepLoops(core, log);
      sweeps.push({ due, ms: performance.now() - sweepStart, loops });
      if (dueCount() !== 0) throw new Error('the sweep left offers unchecked with nobody else acting');
    }
    const idleStart = performance.now();
    await sweepLoops(core, log);
    const idleSweepMs = performance.now() - idleStart;
    if (!core.audit().ok) throw new Error('the audit failed after the loops bench');
    bench.db.close();
    return { offers, buildS, step: latency(samples), stepLoops, stepMeanMs: samples.reduce((sum, x) => sum + x, 0) / samples.length, sweeps, idleSweepMs };
  } finally {
    tmp.cleanup();
  }
}

export async function run(): Promise<LoopsResult> {
  const sizes: LoopSizeResult[] = [];
  for (const offers of [10_000, 100_000]) sizes.push(await runSize(offers));
  return { catalog: CATALOG_SIZE, sizes };
}
