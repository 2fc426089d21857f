/**
 * Builds benchmark markets on real database files: a temp folder, the production connection
 * (`openDatabase`: WAL, same pragmas, migrations), a clock the bench moves, and offers posted
 * through the real core so every row (escrow, ledger) is what production would have written.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database, type DatabaseWithDriver } from '../src/db/connection.js';
import { createTradeCore, type TradeCore } from '../src/core/trade-core.js';
import type { Result } from '../src/core/errors.js';
import type { CatalogItem, ItemRequest, MemberRef } from '../src/core/types.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Where every bench clock starts: a fixed instant, so runs are reproducible. */
export const EPOCH = Date.UTC(2026, 0, 5, 12, 0, 0);

export interface BenchClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function benchClock(start = EPOCH): BenchClock {
  let current = start;
  const clock = (() => current) as BenchClock;
  clock.set = (ms) => {
    current = ms;
  };
  clock.advance = (ms) => {
    current += ms;
  };
  return clock;
}

export interface TempDir {
  dir: string;
  file(name: string): string;
  /** Deletes one database file with its -wal and -shm companions. */
  remove(path: string): void;
  cleanup(): void;
}

export function tempDir(label: string): TempDir {
  const dir = mkdtempSync(join(tmpdir(), `trading-post-bench-${label}-`));
  return {
    dir,
    file: (name) => join(dir, name),
    remove: (path) => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface BenchCore {
  path: string;
  db: DatabaseWithDriver;
  core: TradeCore;
  clock: BenchClock;
}

/** Opens (or creates) a database file exactly as the bot does and builds the core over it. */
export function openCore(path: string, clock = benchClock()): BenchCore {
  const db = openDatabase(path);
  return { path, db, core: createTradeCore({ db, clock }), clock };
}

/** Folds the WAL into the main file and closes, so the file can be copied as a whole. */
export function checkpointAndClose(db: Database): void {
  db.checkpoint('TRUNCATE');
  db.close();
}

/** Copies a closed, checkpointed database file (see {@link checkpointAndClose}). */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
}

/**
 * A market for a bench: the shipped limits exist to refuse what a bench does on purpose (members
 * sending hundreds of commands a minute, owners with thousands of open offers), so bench markets
 * allow the most the settings take. The limits are still checked on every command: their cost is
 * in every figure (and measured alone by the `limits` section).
 */
export function benchMarket(core: TradeCore, input: Parameters<TradeCore['ensureMarket']>[0]): ReturnType<TradeCore['ensureMarket']> {
  const market = core.ensureMarket(input);
  unwrap(core.setMarketSetting({ marketId: market.id, adminId: null, name: 'rate-commands', value: '10000' }));
  unwrap(core.setMarketSetting({ marketId: market.id, adminId: null, name: 'max-open-offers', value: '100000' }));
  return market;
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`core refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** mulberry32: a small deterministic generator, so both sides of a comparison see the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ITEM_NAMES = [
  'Apple', 'Pear', 'Plum', 'Iron', 'Copper', 'Silver', 'Gold', 'Wood', 'Stone', 'Wool', 'Silk', 'Salt',
  'Wheat', 'Barley', 'Hops', 'Honey', 'Wax', 'Clay', 'Glass', 'Rope', 'Leather', 'Fish', 'Bread', 'Cheese',
];

export interface SeededMarket {
  marketId: number;
  items: CatalogItem[];
  owners: MemberRef[];
  takers: MemberRef[];
}

/**
 * One market with the catalog above, `owners` members who post offers and `takers` who accept
 * them; everyone is granted plenty of every item (recorded in the ledger as grants).
 */
export function seedMarket(core: TradeCore, counts: { owners: number; takers: number }): SeededMarket {
  const market = benchMarket(core, { platform: 'discord', platformMarketId: 'bench-guild', title: 'Bench market' });
  const items = ITEM_NAMES.map((name) => unwrap(core.addItem(market.id, null, { name, emoji: null, description: null })));
  const member = (kind: string, i: number) =>
    core.ensureMember({ marketId: market.id, platformUserId: `${kind}-${i}`, displayName: `${kind} ${i}`, username: `${kind}${i}` });
  const owners = Array.from({ length: counts.owners }, (_, i) => member('owner', i));
  const takers = Array.from({ length: counts.takers }, (_, i) => member('taker', i));
  const admin = member('admin', 0);
  const everything = items.map((item) => ({ name: item.slug, quantity: 1_000_000 }));
  const half = Math.ceil(everything.length / 2); // a grant takes at most 20 lines
  for (const who of [...owners, ...takers]) {
    unwrap(core.grantItems(market.id, admin.id, who.id, everything.slice(0, half)));
    unwrap(core.grantItems(market.id, admin.id, who.id, everything.slice(half)));
  }
  return { marketId: market.id, items, owners, takers };
}

/** A typical barter offer: two items given, two wanted, 1-3 of each, all four distinct. */
export function offerTerms(random: () => number, items: readonly CatalogItem[]): { give: ItemRequest[]; want: ItemRequest[] } {
  const picked: CatalogItem[] = [];
  while (picked.length < 4) {
    const item = items[Math.floor(random() * items.length)] as CatalogItem;
    if (!picked.includes(item)) picked.push(item);
  }
  const line = (item: CatalogItem) => ({ name: item.name, quantity: 1 + Math.floor(random() * 3) });
  return { give: picked.slice(0, 2).map(line), want: picked.slice(2).map(line) };
}

export interface PostPlan {
  count: number;
  seed: number;
  /** Lifetime of the i-th offer in hours. */
  hours(i: number): number;
  /** Clock step between two posts, so offers get distinct times. */
  stepMs: number;
  /**
   * How many `core.postOffer` calls share one outer write transaction (they become savepoints).
   * 1 = each post commits on its own, as in production.
   */
  perTransaction: number;
}

/** Posts `plan.count` offers through `core.postOffer`, owners round-robin. Returns the offer ids. */
export function postOffers(bench: BenchCore, market: SeededMarket, plan: PostPlan): number[] {
  const random = rng(plan.seed);
  const ids: number[] = [];
  const postOne = (i: number) => {
    const owner = market.owners[i % market.owners.length] as MemberRef;
    const terms = offerTerms(random, market.items);
    const offer = unwrap(bench.core.postOffer({ marketId: market.marketId, ownerId: owner.id, ...terms, hours: plan.hours(i) }));
    ids.push(offer.id);
    bench.clock.advance(plan.stepMs);
  };
  for (let start = 0; start < plan.count; start += plan.perTransaction) {
    const end = Math.min(plan.count, start + plan.perTransaction);
    if (plan.perTransaction === 1) postOne(start);
    else
      bench.db.writeTransaction(() => {
        for (let i = start; i < end; i += 1) postOne(i);
      });
  }
  return ids;
}

/** A deterministic shuffle (Fisher-Yates). */
export function shuffled<T>(values: readonly T[], seed: number): T[] {
  const random = rng(seed);
  const out = [...values];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const CONTENT_TABLES = ['offers', 'offer_lines', 'inventories', 'ledger', 'trades', 'outbox'] as const;

/** A hash of every row of `table` in primary-key order: equal hashes mean equal contents. */
export function tableDigest(db: DatabaseWithDriver, table: string): string {
  const hash = createHash('sha256');
  const order = table === 'inventories' ? 'member_id, item_id' : table === 'offer_lines' ? 'offer_id, side, item_id' : 'id';
  for (const row of db.sqlite.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().iterate()) hash.update(JSON.stringify(row));
  return hash.digest('hex');
}

export function rssKB(): number {
  return process.resourceUsage().maxRSS;
}
