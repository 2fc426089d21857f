/**
 * Reputation (issue 13) on a market of 2,000 members and 100k completed, rated trades: what a
 * rating adds to its transaction (recomputing the rated member's stored row, typical and for a
 * member with 10k trades), reads (one member, a page of ten, an offer view, which carries its
 * owner's), and the filter a search uses, against computing the whole market on the fly.
 *
 * The trades are written straight into the file (a bench fixture, not a test): going through
 * post, accept and rate 100k times would only measure the build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { openDatabase } from '../../src/db/connection.js';
import { createReputation, reputationAtLeast, reputationSql } from '../../src/core/reputation.js';
import { offers } from '../../src/db/schema.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { latency, timeMs, type Latency } from '../stats.js';

export interface ReputationResult {
  members: number;
  trades: number;
  heavyTrades: number;
  buildS: number;
  /** Storing every member's reputation from scratch (what the migration's backfill does). */
  storeAllMs: number;
  /** What a rating, hiding or unhiding adds to its transaction: recomputing the rated member's row. */
  refreshTypical: Latency;
  refreshHeavy: Latency;
  typical: Latency;
  pageOfTen: Latency;
  offerView: Latency;
  /** A page of ten offers whose owner stands at 3.2 or more. */
  pageFilter: Latency;
  filterKept: number;
  /** Counting every offer whose owner stands at 3.2 or more. */
  wholeFilter: Latency;
  /** The computation over the whole market (no stored rows): what the table saves. */
  computeAll: Latency;
}

const MEMBERS = 2_000;
const TRADES = 100_000;
/** Trades of member 1 (the heavy trader) among the 100k. */
const HEAVY = 10_000;
const SAMPLES = 300;

export async function run(): Promise<ReputationResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reputation-'));
  const db = openDatabase(join(dir, 'trade.db'));
  try {
    const core = createTradeCore({ db });
    const market = core.ensureMarket({ platform: 'telegram', platformMarketId: '-1', title: 'bench' });
    const ids: number[] = [];
    const buildMs = timeMs(() => {
      db.writeTransaction(() => {
        for (let i = 0; i < MEMBERS; i++) ids.push(core.ensureMember({ marketId: market.id, platformUserId: String(i + 1), displayName: `m${i}`, username: null }).id);
      });
      const offer = db.sqlite.prepare(
        "INSERT INTO offers (market_id, owner_id, status, created_at, expires_at, closed_at, accepted_by_id) VALUES (?, ?, 'completed', 0, 1, 1, ?)",
      );
      const trade = db.sqlite.prepare(
        "INSERT INTO trades (market_id, offer_id, owner_id, taker_id, status, created_at, completed_at, rating_by_owner, rating_by_taker, rated_by_owner_at, rated_by_taker_at) VALUES (?, ?, ?, ?, 'completed', 1, 1, ?, ?, 1, 1)",
      );
      // A fixed pseudo-random sequence, so every run builds the same market.
      let seed = 13;
      const next = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        return seed % n;
      };
      db.writeTransaction(() => {
        for (let i = 0; i < TRADES; i++) {
          const owner = i < HEAVY ? ids[0]! : ids[next(MEMBERS)]!;
          let taker = ids[next(MEMBERS)]!;
          if (taker === owner) taker = ids[(ids.indexOf(owner) + 1) % MEMBERS]!;
          const offerId = Number(offer.run(market.id, owner, taker).lastInsertRowid);
          trade.run(market.id, offerId, owner, taker, 1 + next(5), next(4) === 0 ? null : 1 + next(5));
        }
      });
    });
    // The trades were written around the core: store every member's reputation as a rating would.
    const reputation = createReputation({ db, clock: Date.now });
    const storeAllMs = timeMs(() => db.writeTransaction(() => ids.forEach((id) => reputation.refreshReputation(id))));
    const sample = (work: (i: number) => void) => latency(Array.from({ length: SAMPLES }, (_, i) => timeMs(() => work(i))));
    const refreshTypical = sample((i) => db.writeTransaction(() => reputation.refreshReputation(ids[1 + (i % (MEMBERS - 1))]!)));
    const refreshHeavy = sample(() => db.writeTransaction(() => reputation.refreshReputation(ids[0]!)));
    const typical = sample((i) => core.getReputation(ids[1 + (i % (MEMBERS - 1))]!));
    const pageOfTen = sample((i) => core.getReputations(Array.from({ length: 10 }, (_, k) => ids[1 + ((i * 10 + k) % (MEMBERS - 1))]!)));
    const offerIds = db.sqlite.prepare<[number], { id: number }>('SELECT id FROM offers WHERE owner_id <> ? LIMIT 300').all(ids[0]!);
    const offerView = sample((i) => core.getOffer(market.id, offerIds[i % offerIds.length]!.id));
    // A search filter's shape: a page of offers whose owner stands at 3.2 or more, over all 100k.
    let filterKept = 0;
    const filter = db.orm.select({ id: offers.id }).from(offers).where(and(eq(offers.marketId, market.id), reputationAtLeast(offers.ownerId, market.id, 3.2))).limit(10);
    const pageFilter = sample(() => (filterKept = filter.all().length));
    const countAtLeast = db.orm.select({ n: count() }).from(offers).where(and(eq(offers.marketId, market.id), reputationAtLeast(offers.ownerId, market.id, 3.2)));
    const wholeFilter = latency(Array.from({ length: 10 }, () => timeMs(() => countAtLeast.all())));
    const computeAll = latency(Array.from({ length: 5 }, () => timeMs(() => db.orm.all(reputationSql({ marketId: market.id })))));
    return {
      members: MEMBERS,
      trades: TRADES,
      heavyTrades: HEAVY,
      buildS: buildMs / 1000,
      storeAllMs,
      refreshTypical,
      refreshHeavy,
      typical,
      pageOfTen,
      offerView,
      pageFilter,
      filterKept,
      wholeFilter,
      computeAll,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
