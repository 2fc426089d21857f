// Keyset paging of every list: the market, a member's offers, their trades and the catalog. A page
// starts right after (or before) the last (or first) entry another page showed, never at an offset,
// so entries posted or added between two page reads neither repeat nor push others out of sight.
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGE_SIZE, type KeysetPage, type PageCursor } from '../../src/core/paging.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import * as schema from '../../src/db/schema.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef;

type Pairs = ReadonlyArray<readonly [string, number]>;
const post = (owner: MemberRef, give: Pairs, want: Pairs) =>
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(...give), want: items(...want) })).id;

/** Follows `next` from the first page to the last; `between` runs before each page after the first. */
function walkForward<T extends { id: number }>(read: (cursor?: PageCursor) => KeysetPage<T>, between: (page: number) => void = () => {}) {
  const pages: KeysetPage<T>[] = [read()];
  for (let next = pages[0]!.next; next; next = pages.at(-1)!.next) {
    between(pages.length);
    pages.push(read(next));
    if (pages.length > 100) throw new Error('paging never ends');
  }
  return pages;
}
const ids = <T extends { id: number }>(pages: ReadonlyArray<KeysetPage<T>>) => pages.flatMap((page) => page.entries.map((entry) => entry.id));

beforeEach(() => {
  t = createTestMarket({ items: ['apple', 'orange', 'pear'] });
  [admin, alice, bob] = ['admin', 'alice', 'bob'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 1000])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 1000], ['pear', 1000])));
});
afterEach(() => t.cleanup());

describe('the market', () => {
  const market = (options: { item?: string | number } = {}) => (cursor?: PageCursor) =>
    unwrap(t.core.listMarketOffers(t.market.id, { ...options, ...(cursor ? { cursor } : {}) }));

  it('shows every open offer exactly once, newest first, a page at a time', () => {
    const posted = Array.from({ length: 2 * PAGE_SIZE + 3 }, (_, i) => post(i % 2 ? alice : bob, i % 2 ? [['apple', 1]] : [['orange', 1]], [['pear', 1]]));
    const pages = walkForward(market());
    expect(pages.map((page) => page.entries.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 3]);
    expect(ids(pages)).toEqual([...posted].reverse());
    expect(pages[0]!.previous).toBeNull();
    expect(pages.at(-1)!.next).toBeNull();
  });

  it('stays put when offers are posted, and closed, between page reads', () => {
    const posted = Array.from({ length: 3 * PAGE_SIZE }, () => post(alice, [['apple', 1]], [['orange', 1]]));
    const later: number[] = [];
    const pages = walkForward(market(), () => {
      later.push(post(bob, [['orange', 1]], [['apple', 1]]), post(bob, [['orange', 1]], [['apple', 1]]));
    });
    // Newer offers belong before the first page: none shows up twice or pushes an older one out.
    expect(ids(pages)).toEqual([...posted].reverse());
    expect(new Set(ids(pages)).size).toBe(ids(pages).length);
    // The first page, read again, has them.
    expect(ids([market()()]).slice(0, later.length)).toEqual([...later].reverse());

    // An offer that closed after it was shown is still a place to continue from.
    const first = market()();
    const last = first.entries.at(-1)!.id;
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: last, memberId: first.entries.at(-1)!.owner.id }));
    expect(market()(first.next!).entries[0]!.id).toBeLessThan(last);
  });

  it('pages an item filter the same way, and by the item number a button carries', () => {
    const posted = Array.from({ length: 2 * (PAGE_SIZE + 2) }, (_, i) => post(alice, [['apple', 1]], [[i % 2 ? 'pear' : 'orange', 1]]));
    const orange = t.core.findItem(t.market.id, 'orange')!;
    const byName = walkForward(market({ item: 'Orange' }));
    const byNumber = walkForward(market({ item: orange.id }));
    const expected = posted.filter((_, i) => i % 2 === 0).reverse();
    expect(byName).toHaveLength(2);
    expect(ids(byName)).toEqual(expected);
    expect(ids(byNumber)).toEqual(expected);
    expect(unwrap(t.core.listMarketOffers(t.market.id, { item: orange.id })).item).toMatchObject({ id: orange.id, slug: 'orange' });
  });

  it('knows item numbers only of its own market', () => {
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200', title: 'Elsewhere' });
    const foreign = unwrap(t.core.addItem(other.id, null, { name: 'quince' }));
    expect(t.core.listMarketOffers(t.market.id, { item: foreign.id })).toMatchObject({ ok: false, error: { code: 'unknown_item' } });
  });

  it('goes back a page with previous, and back to the first page near the start', () => {
    const posted = Array.from({ length: 3 * PAGE_SIZE + 2 }, () => post(alice, [['apple', 1]], [['orange', 1]])).reverse();
    const pages = walkForward(market());
    const third = pages[2]!;
    const second = market()(third.previous!);
    expect(second.entries.map((o) => o.id)).toEqual(posted.slice(PAGE_SIZE, 2 * PAGE_SIZE));
    expect(second.next).toEqual({ after: posted[2 * PAGE_SIZE - 1] });
    const first = market()(second.previous!);
    expect(first.entries.map((o) => o.id)).toEqual(posted.slice(0, PAGE_SIZE));
    expect(first.previous).toBeNull();
    // Previous from a page that starts a few entries in shows the first page, whole.
    expect(market()({ before: posted[3]! }).entries.map((o) => o.id)).toEqual(posted.slice(0, PAGE_SIZE));
  });

  it('shows the first page when everything after a cursor is gone', () => {
    const [newest, oldest] = [post(alice, [['apple', 1]], [['orange', 1]]), post(alice, [['apple', 1]], [['orange', 1]])].reverse();
    expect(market()({ after: oldest! }).entries.map((o) => o.id)).toEqual([newest, oldest]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('throws on cursor %s: a caller’s bug, never a member’s', (id) => {
    expect(() => t.core.listMarketOffers(t.market.id, { cursor: { after: id } })).toThrow(RangeError);
    expect(() => t.core.listMarketOffers(t.market.id, { cursor: { before: id } })).toThrow(RangeError);
  });

  it('reads a larger page on request, up to a limit', () => {
    const posted = Array.from({ length: 30 }, () => post(alice, [['apple', 1]], [['orange', 1]])).reverse();
    expect(unwrap(t.core.listMarketOffers(t.market.id, { size: 25 })).entries.map((o) => o.id)).toEqual(posted.slice(0, 25));
    expect(() => t.core.listMarketOffers(t.market.id, { size: 26 })).toThrow(RangeError);
  });
});

describe('a member’s own offers', () => {
  it('pages them newest first, optionally in one status, each exactly once', () => {
    const posted = Array.from({ length: 2 * PAGE_SIZE + 5 }, () => post(alice, [['apple', 1]], [['orange', 1]]));
    const cancelled = posted.filter((_, i) => i % 3 === 0);
    for (const id of cancelled) unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: id, memberId: alice.id }));
    post(bob, [['orange', 1]], [['apple', 1]]); // someone else's

    expect(ids(walkForward((cursor) => t.core.listMyOffers(alice.id, { cursor })))).toEqual([...posted].reverse());
    expect(ids(walkForward((cursor) => t.core.listMyOffers(alice.id, { status: 'cancelled', cursor })))).toEqual([...cancelled].reverse());
  });

  it('stays put when the member posts between page reads', () => {
    const posted = Array.from({ length: 2 * PAGE_SIZE + 1 }, () => post(alice, [['apple', 1]], [['orange', 1]]));
    const pages = walkForward((cursor) => t.core.listMyOffers(alice.id, { cursor }), () => void post(alice, [['apple', 1]], [['orange', 1]]));
    expect(ids(pages)).toEqual([...posted].reverse());
  });
});

describe('a member’s trades', () => {
  /** A trade with `member` on the side `as`, against bob. */
  const trade = (as: 'owner' | 'taker') => {
    const offer = as === 'owner' ? post(alice, [['apple', 1]], [['orange', 1]]) : post(bob, [['orange', 1]], [['apple', 1]]);
    return unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer, takerId: as === 'owner' ? bob.id : alice.id })).trade.id;
  };

  it('pages the trades on either side newest first, each exactly once, and filters', () => {
    const made = Array.from({ length: 2 * PAGE_SIZE + 3 }, (_, i) => trade(i % 3 ? 'owner' : 'taker'));
    const pages = walkForward((cursor) => t.core.listTrades(alice.id, { cursor }));
    expect(ids(pages)).toEqual([...made].reverse());
    expect(ids(walkForward((cursor) => t.core.listTrades(alice.id, { filter: 'completed', cursor })))).toEqual([...made].reverse());
    expect(ids(walkForward((cursor) => t.core.listTrades(alice.id, { filter: 'active', cursor })))).toEqual([]);
  });

  it('stays put when trades happen between page reads, and pages back', () => {
    const made = Array.from({ length: 2 * PAGE_SIZE + 2 }, (_, i) => trade(i % 2 ? 'owner' : 'taker')).reverse();
    const pages = walkForward((cursor) => t.core.listTrades(alice.id, { cursor }), () => void trade('taker'));
    expect(ids(pages)).toEqual(made);
    const back = t.core.listTrades(alice.id, { cursor: pages[2]!.previous! });
    expect(back.entries.map((entry) => entry.id)).toEqual(made.slice(PAGE_SIZE, 2 * PAGE_SIZE));
  });
});

describe('the catalog', () => {
  const names = (page: KeysetPage<{ id: number; name: string }>) => page.entries.map((item) => item.name);
  const catalog = (words: readonly string[] = []) => (cursor?: PageCursor) => t.core.listCatalog(t.market.id, { words, cursor });

  it('pages the items by name, archived ones left out, each exactly once', () => {
    const added = Array.from({ length: 2 * PAGE_SIZE + 4 }, (_, i) => unwrap(t.core.addItem(t.market.id, null, { name: `Card ${String(i).padStart(2, '0')}` })).name);
    unwrap(t.core.archiveItem(t.market.id, null, 'card-05'));
    const pages = walkForward(catalog());
    const expected = [...added.filter((name) => name !== 'Card 05'), 'apple', 'orange', 'pear'].sort((a, b) => a.localeCompare(b));
    expect(pages.flatMap(names)).toEqual(expected);
    expect(pages[0]!.entries).toHaveLength(PAGE_SIZE);
  });

  it('stays put when items are added between page reads: later names show, none twice', () => {
    for (let i = 0; i < 2 * PAGE_SIZE; i += 1) unwrap(t.core.addItem(t.market.id, null, { name: `Bead ${String(i).padStart(2, '0')}` }));
    const before = walkForward(catalog()).flatMap(names);
    let n = 0;
    const pages = walkForward(catalog(), () => {
      // One name sorts before every page read so far, one after.
      unwrap(t.core.addItem(t.market.id, null, { name: `Aardvark ${n}` }));
      unwrap(t.core.addItem(t.market.id, null, { name: `Zebra ${n++}` }));
    });
    const seen = pages.flatMap(names);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((name) => !/^(Aardvark|Zebra)/.test(name))).toEqual(before);
    expect(seen.filter((name) => name.startsWith('Zebra'))).toEqual(Array.from({ length: n }, (_, i) => `Zebra ${i}`));
    expect(seen.filter((name) => name.startsWith('Aardvark'))).toEqual([]);
  });

  it('filters by words, every word in the name, slug or description, in any case', () => {
    unwrap(t.core.addItem(t.market.id, null, { name: 'Golden Apple', description: 'Sweet and Crunchy' }));
    unwrap(t.core.addItem(t.market.id, null, { name: 'Crab apple', description: 'sour' }));
    unwrap(t.core.addItem(t.market.id, null, { name: 'Яблоко', description: 'Сладкое' }));
    for (let i = 0; i < 2 * PAGE_SIZE; i += 1) unwrap(t.core.addItem(t.market.id, null, { name: `Apple tart ${i}` }));
    expect(walkForward(catalog(['crunchy'])).flatMap(names)).toEqual(['Golden Apple']);
    expect(walkForward(catalog(['apple', 'sour'])).flatMap(names)).toEqual(['Crab apple']);
    expect(walkForward(catalog(['сладкое'])).flatMap(names)).toEqual(['Яблоко']);
    const apples = walkForward(catalog(['apple']));
    expect(apples.map((page) => page.entries.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 3]);
    expect(apples.flatMap(names)).toHaveLength(2 * PAGE_SIZE + 3);
    expect(catalog(['durian'])().entries).toEqual([]);
  });

  it('starts from the first page for an item of another market', () => {
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200', title: 'Elsewhere' });
    const foreign = unwrap(t.core.addItem(other.id, null, { name: 'zucchini' }));
    expect(names(catalog()({ after: foreign.id }))).toEqual(['apple', 'orange', 'pear']);
  });
});

describe('what SQLite does for a page', () => {
  it('walks an index in list order for every list, in both directions, and never sorts', () => {
    const queries: Array<{ sql: string; params: unknown[] }> = [];
    const orm = drizzle({ client: t.db.sqlite, schema, logger: { logQuery: (sql, params) => void queries.push({ sql, params }) } });
    const core = createTradeCore({ db: { ...t.db, orm }, clock: t.clock });
    const offers = Array.from({ length: 3 * PAGE_SIZE }, () => post(alice, [['apple', 1]], [['orange', 1]]));
    for (const offer of offers.slice(0, 2 * PAGE_SIZE)) unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer, takerId: bob.id }));
    const middle = { after: offers[PAGE_SIZE + 5]! };
    const back = { before: offers[5]! };
    const reads = [
      () => core.listMarketOffers(t.market.id),
      () => core.listMarketOffers(t.market.id, { cursor: { after: offers.at(-5)! } }),
      () => core.listMarketOffers(t.market.id, { cursor: { before: offers.at(-15)! } }),
      () => core.listMarketOffers(t.market.id, { item: 'apple', cursor: { after: offers.at(-5)! } }),
      () => core.listMarketOffers(t.market.id, { item: 'apple', cursor: { before: offers.at(-15)! } }),
      () => core.listMyOffers(alice.id, { cursor: middle }),
      () => core.listMyOffers(alice.id, { status: 'completed', cursor: back }),
      () => core.listTrades(alice.id, { cursor: middle }),
      () => core.listTrades(bob.id, { filter: 'inactive', cursor: back }),
      () => core.listCatalog(t.market.id, { cursor: { after: t.core.findItem(t.market.id, 'apple')!.id } }),
      () => core.listCatalog(t.market.id, { words: ['ange'], cursor: { before: t.core.findItem(t.market.id, 'pear')!.id } }),
    ];
    for (const read of reads) read();
    // The listings and their probes: everything with ORDER BY ... LIMIT (an offer's lines are read unlimited).
    const listings = queries.filter((q) => /order by .* limit/i.test(q.sql));
    expect(listings.length).toBeGreaterThanOrEqual(reads.length);
    for (const { sql, params } of listings) {
      const plan = t.db.sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...(params as unknown[]))
        .map((row) => (row as { detail: string }).detail)
        .join('; ');
      expect(plan, sql).toMatch(/USING (COVERING )?INDEX (offers_active_market_idx|offer_lines_open_item_idx|offers_owner_idx|trades_owner_idx|trades_taker_idx|items_market_slug_unique)/);
      expect(plan, sql).not.toMatch(/TEMP B-TREE|SCAN offers\b|SCAN trades\b|SCAN items\b/);
    }
  });
});
