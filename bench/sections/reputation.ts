/**
 * Reputation reads (issue 13) on a market of 2,000 members and 100k completed, rated trades: one
 * member (typical, and one with 10k trades), a page of ten owners batched, an offer view (which
 * carries its owner's reputation), and the whole market as the SQL subquery a search filter joins.
 *
 * The trades are written straight into the file (a bench fixture, not a test): going through
 * post, accept and rate 100k times would only measure the build.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/db/connection.js';
import { PRIOR_MEAN, reputationSql } from '../../src/core/reputation.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { latency, timeMs, type Latency } from '../stats.js';

export interface ReputationResult {
  members: number;
  trades: number;
  heavyTrades: number;
  buildS: number;
  typical: Latency;
  heavy: Latency;
  pageOfTen: Latency;
  offerView: Latency;
  marketWide: Latency;
  /** How many members the market-wide filter (score >= 4) kept: a check that it computed something. */
  marketWideKept: number;
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
    const sample = (work: (i: number) => void) => latency(Array.from({ length: SAMPLES }, (_, i) => timeMs(() => work(i))));
    const typical = sample((i) => core.getReputation(ids[1 + (i % (MEMBERS - 1))]!));
    const heavy = sample(() => core.getReputation(ids[0]!));
    const pageOfTen = sample((i) => core.getReputations(Array.from({ length: 10 }, (_, k) => ids[1 + ((i * 10 + k) % (MEMBERS - 1))]!)));
    const offerIds = db.sqlite.prepare<[], { id: number }>('SELECT id FROM offers WHERE owner_id <> ? LIMIT 300').all();
    const offerView = sample((i) => core.getOffer(market.id, offerIds[i % offerIds.length]!.id));
    let marketWideKept = 0;
    const filter = sql`SELECT count(*) AS n FROM (${reputationSql({ marketId: market.id })}) rep WHERE coalesce(rep.score, ${PRIOR_MEAN}) >= 4`;
    const marketWide = latency(Array.from({ length: 10 }, () => timeMs(() => (marketWideKept = db.orm.get<{ n: number }>(filter)?.n ?? 0))));
    return { members: MEMBERS, trades: TRADES, heavyTrades: HEAVY, buildS: buildMs / 1000, typical, heavy, pageOfTen, offerView, marketWide, marketWideKept };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
