/**
 * Large markets: `size` active offers posted through the core, of which two sets of 1,000 are
 * due for expiry at two different times:
 *
 * - clustered: the first 1,000 offers posted, all with a one-hour lifetime (offers posted together
 *   expire together: the usual case with the default lifetime);
 * - scattered: every (size-1000)/1000-th of the rest, with a two-hour lifetime (the worst case for
 *   page locality: each due offer sits on its own pages).
 *
 * The rest live 24-720 hours. Measured:
 *
 * - expiry sweep: `core.expireDueOffers()` until `more` is false, timed on fresh copies of the
 *   built file (a sweep is destructive), median of {@link SWEEP_COPIES} per layout. For the
 *   scattered sweep the clustered offers are expired first, untimed, so 1,000 fewer are active;
 * - market listing (with `listing`): `core.listMarketOffers` page 1 / page 5, with and without an
 *   item filter, median and p99 over {@link LISTING_CALLS} calls each (page 5 is read from the
 *   cursor page 4 ended with, as the Next button does; the walk there is not timed); then again (`+closed`) on
 *   a copy to which `size` more offers were posted and cancelled through the core, newer than
 *   every active one: a listing must cost the same with a long closed history behind it;
 * - the conservation audit once over the whole file (with `audit`), last.
 *
 * Peak RSS is recorded after each phase, so the runner can tell which phase set it.
 */
import { performance } from 'node:perf_hooks';
import {
  HOUR,
  MINUTE,
  benchClock,
  checkpointAndClose,
  copyDatabase,
  openCore,
  postOffers,
  rssKB,
  seedMarket,
  tempDir,
  unwrap,
} from '../fixtures.js';
import { and, asc, eq, lte } from 'drizzle-orm';
import { DEFAULT_EXPIRY_BATCH } from '../../src/core/close-offer.js';
import type { PageCursor } from '../../src/core/paging.js';
import type { TradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import { offers } from '../../src/db/schema.js';
import { latency, median, type Latency } from '../stats.js';

const gc = (globalThis as { gc?: () => void }).gc;

export const DUE = 1_000;
export const SWEEP_COPIES = 5;
export const LISTING_CALLS = 500;
export const LISTING_WARMUP = 50;

export interface ListingCase {
  label: string;
  options: { page: number; item?: string };
}

export const LISTING_CASES: ListingCase[] = [
  { label: 'page 1', options: { page: 1 } },
  { label: 'page 5', options: { page: 5 } },
  { label: 'item page 1', options: { item: 'Apple', page: 1 } },
  { label: 'item page 5', options: { item: 'Apple', page: 5 } },
];
/** The same cases over a market with a closed history; labels short enough for the report's column. */
const CLOSED_HISTORY_LABELS = ['page 1 +closed', 'page 5 +closed', 'item p1 +closed', 'item p5 +closed'];

export interface MarketResult {
  size: number;
  due: number;
  build: { ms: number; via: string; perTransaction: number; fileMB: number };
  sweeps: SweepResult[];
  /** SQLite's plan for the sweep's due-offers query, as drizzle prepares it. */
  duePlan: string;
  listing: Array<{ label: string } & Latency> | null;
  audit: { ok: boolean; ms: number; ledgerRows: number; differences: number } | null;
  rss: { startKB: number; phases: Array<{ phase: string; maxRssKB: number }> };
}

export type SweepLayout = 'clustered' | 'scattered';

export interface SweepResult {
  layout: SweepLayout;
  /** Active offers when the timed sweep starts. */
  active: number;
  /** Wall time of each sweep (all batches until `more` is false), one per fresh copy. */
  ms: number[];
  medianMs: number;
  batches: number;
  expired: number;
  /**
   * Pages the sweep wrote to the WAL, counted on one more (untimed) copy with automatic
   * checkpoints off: what a sweep costs in I/O.
   */
  pagesWritten: number;
}

export interface MarketOptions {
  size: number;
  listing: boolean;
  audit: boolean;
  /** postOffer calls per outer transaction while building (see PostPlan.perTransaction). */
  perTransaction: number;
}

export async function runMarket(options: MarketOptions): Promise<MarketResult> {
  const startKB = rssKB();
  const phases: MarketResult['rss']['phases'] = [];
  const mark = (phase: string) => phases.push({ phase, maxRssKB: rssKB() });
  const tmp = tempDir(`market-${options.size}`);
  try {
    const path = tmp.file('market.db');
    const bench = openCore(path);
    const buildStart = performance.now();
    const market = seedMarket(bench.core, { owners: 500, takers: 1 });
    const postedFrom = bench.clock();
    const step = Math.floor((options.size - DUE) / DUE);
    postOffers(bench, market, {
      count: options.size,
      seed: 1234,
      hours: (i) => (i < DUE ? 1 : (i - DUE) % step === step - 1 ? 2 : 24 + ((i * 7919) % 697)),
      stepMs: 10,
      perTransaction: options.perTransaction,
    });
    const buildMs = performance.now() - buildStart;
    const postedUntil = bench.clock();
    const pageCount = bench.db.sqlite.pragma('page_count', { simple: true }) as number;
    const pageSize = bench.db.sqlite.pragma('page_size', { simple: true }) as number;
    process.stderr.write(`  built ${options.size} offers in ${(buildMs / 1000).toFixed(1)} s\n`);
    mark('build');

    const measureListing = (core: TradeCore, labels: readonly string[]) =>
      LISTING_CASES.map(({ options: listOptions }, index) => {
        const label = labels[index] ?? `case ${index}`;
        let cursor: PageCursor | undefined;
        for (let page = 1; page < listOptions.page; page += 1) {
          cursor = unwrap(core.listMarketOffers(market.marketId, { item: listOptions.item, cursor })).next ?? undefined;
          if (!cursor) throw new Error(`listing ${label} has no page ${page + 1}`);
        }
        gc?.();
        const call = () => {
          const result = core.listMarketOffers(market.marketId, { item: listOptions.item, cursor });
          if (!result.ok || result.value.entries.length !== 10) throw new Error(`listing ${label} returned ${JSON.stringify(result).slice(0, 200)}`);
        };
        for (let i = 0; i < LISTING_WARMUP; i += 1) call();
        const samples: number[] = [];
        for (let i = 0; i < LISTING_CALLS; i += 1) {
          const start = performance.now();
          call();
          samples.push(performance.now() - start);
        }
        return { label, ...latency(samples) };
      });

    let listing: MarketResult['listing'] = null;
    if (options.listing) {
      // Nothing is due yet: every posted offer is listed.
      bench.clock.set(postedUntil + MINUTE);
      listing = measureListing(bench.core, LISTING_CASES.map((c) => c.label));
      mark('listing');
    }

    const dueQuery = bench.db.orm
      .select()
      .from(offers)
      .where(and(eq(offers.status, 'active'), lte(offers.expiresAt, postedUntil)))
      .orderBy(asc(offers.expiresAt))
      .limit(DEFAULT_EXPIRY_BATCH)
      .toSQL();
    const duePlan = bench.db.sqlite
      .prepare(`EXPLAIN QUERY PLAN ${dueQuery.sql}`)
      .all(...dueQuery.params)
      .map((row) => (row as { detail: string }).detail)
      .join('; ');
    checkpointAndClose(bench.db);

    const sweepAt: Record<SweepLayout, number> = { clustered: postedFrom + 1.5 * HOUR, scattered: postedFrom + 3 * HOUR };
    if (postedUntil >= sweepAt.clustered - HOUR) throw new Error('posting took so long that offers expired during it');
    const sweep = (core: TradeCore) => {
      let expired = 0;
      let batches = 0;
      for (;;) {
        const result = core.expireDueOffers();
        expired += result.expired.length;
        batches += 1;
        if (!result.more) return { expired, batches };
      }
    };
    /** A fresh copy of the built file with the clock at the layout's sweep time and the other set gone. */
    const prepareCopy = (layout: SweepLayout, copy: string) => {
      const copyPath = tmp.file(`sweep-${layout}-${copy}.db`);
      copyDatabase(path, copyPath);
      const clock = benchClock(sweepAt.clustered);
      const swept = openCore(copyPath, clock);
      if (layout === 'scattered') {
        // The clustered set goes first, untimed; the WAL is folded back so both start clean.
        if (sweep(swept.core).expired !== DUE) throw new Error('clustered pre-sweep expired the wrong number of offers');
        swept.db.checkpoint('TRUNCATE');
        clock.set(sweepAt.scattered);
      }
      const done = () => {
        swept.db.close();
        tmp.remove(copyPath);
      };
      return { swept, done };
    };
    const sweeps: SweepResult[] = [];
    for (const layout of ['clustered', 'scattered'] as const) {
      const times: number[] = [];
      let last = { expired: 0, batches: 0 };
      let active = 0;
      for (let copy = 0; copy < SWEEP_COPIES; copy += 1) {
        const { swept, done } = prepareCopy(layout, String(copy));
        const start = performance.now();
        last = sweep(swept.core);
        times.push(performance.now() - start);
        if (last.expired !== DUE) throw new Error(`${layout} sweep expired ${last.expired} offers, expected ${DUE}`);
        // Counted afterwards, so the count does not warm the cache for the timed sweep.
        active = last.expired + (swept.db.sqlite.prepare(`SELECT count(*) FROM offers WHERE status = 'active'`).pluck().get() as number);
        done();
      }
      const { swept, done } = prepareCopy(layout, 'pages');
      swept.db.sqlite.pragma('wal_autocheckpoint = 0');
      sweep(swept.core);
      const checkpoint = swept.db.checkpoint('PASSIVE');
      done();
      sweeps.push({ layout, active, ms: times, medianMs: median(times), batches: last.batches, expired: last.expired, pagesWritten: checkpoint.log });
    }
    mark('sweep');

    if (listing) {
      // The same market with a closed history as large as its live offers, on a copy of the
      // built file. The closed offers are the newest, so a listing that walked closed rows would
      // meet all of them before the first live one. They are cancelled (the cheapest ending, to
      // keep the section within its time limit): for the listing every ending is alike.
      const historyPath = tmp.file('history.db');
      copyDatabase(path, historyPath);
      const history = openCore(historyPath, benchClock(postedUntil));
      const historyStart = performance.now();
      const closedIds = postOffers(history, market, { count: options.size, seed: 5678, hours: () => 24, stepMs: 10, perTransaction: options.perTransaction });
      for (let start = 0; start < closedIds.length; start += options.perTransaction) {
        history.db.writeTransaction(() => {
          for (let i = start; i < Math.min(closedIds.length, start + options.perTransaction); i += 1) {
            const owner = market.owners[i % market.owners.length] as MemberRef; // postOffers' round-robin
            unwrap(history.core.cancelOffer({ marketId: market.marketId, offerId: closedIds[i] as number, memberId: owner.id }));
          }
        });
      }
      history.clock.advance(MINUTE);
      if (history.clock() >= postedFrom + HOUR) throw new Error('building the closed history took so long that offers expired during it');
      process.stderr.write(`  posted and closed ${closedIds.length} more offers in ${((performance.now() - historyStart) / 1000).toFixed(1)} s\n`);
      listing.push(...measureListing(history.core, CLOSED_HISTORY_LABELS));
      history.db.close();
      tmp.remove(historyPath);
      mark('closed-history listing');
    }

    let audit: MarketResult['audit'] = null;
    if (options.audit) {
      // Last, on the built file (the sweeps ran on copies), so the RSS it adds is its own.
      const audited = openCore(path);
      const start = performance.now();
      const report = audited.core.audit();
      audit = { ok: report.ok, ms: performance.now() - start, ledgerRows: report.ledgerRows, differences: report.differences.length };
      mark('audit');
      audited.db.close();
    }

    return {
      size: options.size,
      due: DUE,
      build: {
        ms: buildMs,
        via: 'core.postOffer',
        perTransaction: options.perTransaction,
        fileMB: (pageCount * pageSize) / 1024 / 1024,
      },
      sweeps,
      duePlan,
      listing,
      audit,
      rss: { startKB, phases },
    };
  } finally {
    tmp.cleanup();
  }
}
