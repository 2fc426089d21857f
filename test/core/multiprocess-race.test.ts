/**
 * Exactly once, across OS processes: several bot processes share one SQLite file and all try to
 * accept the same offers at the same moment. Each offer must have exactly one winner; every
 * loser must be told the offer is no longer available; no item is created or lost.
 *
 * The test prepares the file (a market, N active offers from a few owners, takers granted enough
 * to accept every offer), spawns one `test/support/accept-worker.ts` process per taker, releases
 * them together through a file barrier, and checks the outcome in the database.
 */
import { spawn } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerSummary } from '../support/accept-worker.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('../support/accept-worker.ts', import.meta.url));
const CATALOG = ['apple', 'orange', 'pear', 'plum', 'fig'] as const;
type Name = (typeof CATALOG)[number];

const OFFERS = 60;
const OWNERS = 3;
const TAKERS = 5;
/** Per process: start-up, barrier and 60 accepts. Generous for a loaded two-core machine. */
const WORKER_TIMEOUT_MS = 25_000;
/**
 * The whole test: preparing the file, then the workers, each killed by {@link WORKER_TIMEOUT_MS}
 * after its spawn, so a stuck run fails with the workers' output instead of the runner's timeout.
 */
const TEST_TIMEOUT_MS = WORKER_TIMEOUT_MS + 35_000;

interface Spec {
  give: Array<[Name, number]>;
  want: Array<[Name, number]>;
}

/** Offer `i`: one or two given items, one or two wanted, never the same item on both sides. */
function offerSpec(i: number): Spec {
  const pick = (k: number) => CATALOG[k % CATALOG.length] as Name;
  const give: Array<[Name, number]> = [[pick(i), 1 + (i % 3)]];
  if (i % 4 === 0) give.push([pick(i + 1), 2]);
  const want: Array<[Name, number]> = [[pick(i + 2), 1 + (i % 2)]];
  if (i % 5 === 0) want.push([pick(i + 3), 3]);
  return { give, want };
}

const add = (into: Map<Name, number>, lines: Array<[Name, number]>, sign: 1 | -1) => {
  for (const [name, quantity] of lines) into.set(name, (into.get(name) ?? 0) + sign * quantity);
};

interface WorkerRun {
  takerId: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

interface Worker {
  done: Promise<WorkerRun>;
  /** The run, once the process has exited. */
  exited: WorkerRun | undefined;
  kill(): void;
}

function startWorker(args: string[], takerId: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const worker: Worker = {
    exited: undefined,
    kill: () => {
      if (worker.exited === undefined) child.kill('SIGKILL');
    },
    done: new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, WORKER_TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        worker.exited = { takerId, code, signal, timedOut, stdout, stderr };
        resolve(worker.exited);
      });
    }),
  };
  return worker;
}

const describeRun = (run: WorkerRun) =>
  `worker for taker ${run.takerId}: exit ${run.code}${run.signal ? ` signal ${run.signal}` : ''}${run.timedOut ? ' (timed out)' : ''}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

/** Waits until every worker is ready; fails at once, with its output, when one exits first. */
async function waitUntilReady(workers: Worker[], isReady: (index: number) => boolean) {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  for (;;) {
    const early = workers.flatMap((worker, index) => (worker.exited && !isReady(index) ? [worker.exited] : []));
    if (early.length > 0) throw new Error(`a worker exited before the start barrier\n${early.map(describeRun).join('\n')}`);
    if (workers.every((_, index) => isReady(index))) return;
    if (Date.now() > deadline) throw new Error(`workers not ready after ${WORKER_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('accepting the same offers from several OS processes at once', () => {
  let t: TestMarket | undefined;
  afterEach(() => {
    t?.cleanup();
    t = undefined;
  });

  it(`gives each of ${OFFERS} offers exactly one winner among ${TAKERS} processes`, async () => {
    const tm = (t = createTestMarket({ items: [...CATALOG] }));
    const { core, market } = tm;
    const admin = tm.member('admin');
    const owners = Array.from({ length: OWNERS }, (_, i) => tm.member(`owner${i}`));
    const takers = Array.from({ length: TAKERS }, (_, i) => tm.member(`taker${i}`));

    // Owners get exactly what their offers give; takers get enough to accept every offer.
    const specs = Array.from({ length: OFFERS }, (_, i) => offerSpec(i));
    const ownerGrants = owners.map(() => new Map<Name, number>());
    const allWanted = new Map<Name, number>();
    specs.forEach((spec, i) => {
      add(ownerGrants[i % OWNERS]!, spec.give, +1);
      add(allWanted, spec.want, +1);
    });
    owners.forEach((owner, k) => unwrap(core.grantItems(market.id, admin.id, owner.id, items(...ownerGrants[k]!))));
    for (const taker of takers) unwrap(core.grantItems(market.id, admin.id, taker.id, items(...allWanted)));

    const offers = specs.map((spec, i) => {
      const owner = owners[i % OWNERS]!;
      const offer = unwrap(core.postOffer({ marketId: market.id, ownerId: owner.id, give: items(...spec.give), want: items(...spec.want), hours: 24 }));
      return { id: offer.id, ownerId: owner.id, ...spec };
    });
    checkInvariants(tm);
    const takerInventoryBefore = new Map(takers.map((taker) => [taker.id, core.getInventory(taker.id).holdings]));
    expect(core.getInventory(owners[0]!.id).holdings, 'owners put everything they had in escrow').toEqual([]);

    // Spawn the competitors; release them together once every one has opened the database.
    const barrier = join(tm.dir, 'barrier');
    const goFile = `${barrier}.go`;
    const offerIds = offers.map((offer) => offer.id).join(',');
    const seed = Math.floor(Math.random() * 2 ** 31);
    const workers = takers.map((taker, k) =>
      startWorker([tm.path, `${barrier}.ready.${k}`, goFile, String(market.id), String(taker.id), String(tm.clock()), offerIds, String(seed + k)], taker.id),
    );
    let finished: WorkerRun[];
    try {
      await waitUntilReady(workers, (k) => existsSync(`${barrier}.ready.${k}`));
      // Written aside and renamed into place: a worker polling for the go file must never see it
      // empty (it would read start time 0 and leave the barrier early).
      writeFileSync(`${goFile}.tmp`, String(Date.now() + 50));
      renameSync(`${goFile}.tmp`, goFile);
      finished = await Promise.all(workers.map((worker) => worker.done));
    } finally {
      for (const worker of workers) worker.kill();
    }

    const context = `(shuffle seeds ${seed}..${seed + TAKERS - 1})\n${finished.map(describeRun).join('\n')}`;
    for (const run of finished) {
      if (run.code !== 0 || run.timedOut) throw new Error(`a worker failed ${context}`);
    }
    const summaries = finished.map((run) => {
      const line = run.stdout.trim().split('\n').at(-1) ?? '';
      try {
        return JSON.parse(line) as WorkerSummary;
      } catch {
        throw new Error(`worker for taker ${run.takerId} printed no summary ${context}`);
      }
    });

    // No process hit an exception (SQLITE_BUSY, a failed guard...).
    expect(summaries.flatMap((s) => s.thrown), `exceptions in workers ${context}`).toEqual([]);

    // Every offer has exactly one winner across all processes.
    const winners = new Map<number, number[]>();
    for (const s of summaries) for (const offerId of s.won) winners.set(offerId, [...(winners.get(offerId) ?? []), s.takerId]);
    const wonTwice = [...winners].filter(([, takerIds]) => takerIds.length > 1);
    expect(wonTwice, `offers won by more than one process ${context}`).toEqual([]);
    expect([...winners.keys()].sort((a, b) => a - b), `offers nobody won ${context}`).toEqual(offers.map((offer) => offer.id));

    // Each process tried every offer once; everything it did not win was refused as no longer available.
    for (const s of summaries) {
      expect([...s.order].sort((a, b) => a - b)).toEqual(offers.map((offer) => offer.id));
      expect(Object.keys(s.refused), `refusal codes of taker ${s.takerId} ${context}`).toEqual(s.won.length === OFFERS ? [] : ['offer_not_active']);
      expect(s.won.length + (s.refused.offer_not_active?.length ?? 0)).toBe(OFFERS);
    }

    // The database agrees: each offer completed, accepted by the winner, with one trade naming the winner.
    const rows = tm.db.sqlite
      .prepare<[], { id: number; status: string; acceptedById: number | null; takerId: number | null; trades: number }>(
        `SELECT o.id, o.status, o.accepted_by_id AS acceptedById,
           (SELECT taker_id FROM trades WHERE offer_id = o.id) AS takerId,
           (SELECT count(*) FROM trades WHERE offer_id = o.id) AS trades
         FROM offers o ORDER BY o.id`,
      )
      .all();
    expect(rows).toEqual(
      offers.map((offer) => {
        const winner = winners.get(offer.id)?.[0] ?? null;
        return { id: offer.id, status: 'completed', acceptedById: winner, takerId: winner, trades: 1 };
      }),
    );
    checkInvariants(tm);

    // Each taker: what they were granted, minus what they paid, plus what they received.
    for (const taker of takers) {
      const expected = new Map<Name, number>(allWanted);
      for (const offer of offers) {
        if (winners.get(offer.id)?.[0] !== taker.id) continue;
        add(expected, offer.want, -1);
        add(expected, offer.give, +1);
      }
      const actual = new Map(core.getInventory(taker.id).holdings.map(({ item, quantity }) => [item.slug as Name, quantity]));
      const nonZero = (m: Map<Name, number>) => new Map([...m].filter(([, q]) => q !== 0).sort(([a], [b]) => a.localeCompare(b)));
      expect(nonZero(actual), `inventory of taker ${taker.id} (before: ${JSON.stringify(takerInventoryBefore.get(taker.id))})`).toEqual(nonZero(expected));
      expect(core.getInventory(taker.id).escrow).toEqual([]);
    }
    // Each owner: everything they offered went out, everything their offers wanted came in.
    owners.forEach((owner, k) => {
      const expected = new Map<Name, number>();
      offers.filter((offer) => offer.ownerId === owner.id).forEach((offer) => add(expected, offer.want, +1));
      const actual = new Map(core.getInventory(owner.id).holdings.map(({ item, quantity }) => [item.slug as Name, quantity]));
      expect(actual, `inventory of owner ${k}`).toEqual(new Map([...expected].sort(([a], [b]) => a.localeCompare(b))));
    });

    // For the record: how the wins were spread and whether the processes really overlapped.
    const overlap = Math.min(...summaries.map((s) => s.finishedAt)) - Math.max(...summaries.map((s) => s.startedAt));
    console.info(
      `race: wins per taker ${summaries.map((s) => `${s.takerId}:${s.won.length}`).join(' ')}; ` +
        `all ${TAKERS} processes were accepting together for ${overlap} ms`,
    );
  }, TEST_TIMEOUT_MS);
});
