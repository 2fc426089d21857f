/**
 * Issue 13, search: `core.searchOffers` over 100k open offers and a catalog of 2,000 items, the
 * first page as /search reads it, p50 and p99 for a two-word query and for each filter alone
 * (gives, wants, by, rating), then all together and the second page of the two words.
 *
 * The market is built through the core (so the full-text index is written by its triggers, as in
 * production), a thousand posts per transaction. Items are named `<adjective> <noun>` (40 x 50);
 * each owner holds 40 of them to give and may want any; a third of the offers have a note. 300
 * owners of 1,000 are rated once by one taker (1 to 5 stars): with the reputation's prior a 5-star
 * rating from one partner scores 3.33 (README, Reputation), so `rating 3.3` keeps 60 of them.
 * Each timed case cycles through different queries, so no one answer is cached for it.
 */
import { performance } from 'node:perf_hooks';
import type { OfferSearch } from '../../src/core/offer-search.js';
import type { PageRequest } from '../../src/core/paging.js';
import type { CatalogItem, MemberRef } from '../../src/core/types.js';
import { type BenchCore, benchMarket, HOUR, MINUTE, openCore, rng, tempDir, unwrap } from '../fixtures.js';
import { latency, type Latency } from '../stats.js';

const OFFERS = 100_000;
const OWNERS = 1_000;
const RATED = 300;
const CALLS = 300;
const WARMUP = 30;
const ADJECTIVES = 'red blue green golden silver iron wooden ancient shiny broken rusty royal tiny giant heavy light dark bright frozen burning sacred cursed noble humble swift silent lucky secret hidden wild sweet bitter crimson amber ivory jade onyx velvet copper marble'.split(' ');
const NOUNS = 'sword shield apple pear lamp ring crown boot cloak dagger bow arrow potion scroll map key gem coin horn drum flute harp book quill candle rope lantern compass helm gauntlet belt amulet charm idol mask orb staff wand hammer axe spear banner chalice goblet kettle anvil saddle tent blanket basket'.split(' ');
const NOTE_WORDS = 'fresh rare mint boxed signed used fast quick fair swap today bundle gift vintage collector'.split(' ');

export interface SearchCase {
  label: string;
  /** Matches on the first page (at most 10), from the last call: a case that finds nothing measures little. */
  shown: number;
  latency: Latency;
}

export interface SearchResult {
  offers: number;
  items: number;
  buildS: number;
  cases: SearchCase[];
}

function buildMarket(bench: BenchCore) {
  const { core } = bench;
  const market = benchMarket(core, { platform: 'discord', platformMarketId: 'bench-search', title: 'Search bench' });
  const items: CatalogItem[] = [];
  bench.db.writeTransaction(() => {
    for (const adjective of ADJECTIVES) {
      for (const noun of NOUNS) items.push(unwrap(core.addItem(market.id, null, { name: `${adjective} ${noun}`, description: `a ${noun} of ${adjective} make` })));
    }
  });
  const member = (kind: string, i: number) => core.ensureMember({ marketId: market.id, platformUserId: `${kind}-${i}`, displayName: `${kind} ${i}`, username: `${kind}${i}` });
  const admin = member('admin', 0);
  const taker = member('taker', 0);
  const owners = Array.from({ length: OWNERS }, (_, i) => member('owner', i));
  // Owner i gives from its own 40 items; the taker holds everything a rated trade needs.
  const stock = (i: number) => Array.from({ length: 40 }, (_, k) => items[(i * 40 + k) % items.length] as CatalogItem);
  bench.db.writeTransaction(() => {
    owners.forEach((owner, i) => {
      const held = stock(i).map((item) => ({ name: item.slug, quantity: 1_000_000 }));
      unwrap(core.grantItems(market.id, admin.id, owner.id, held.slice(0, 20)));
      unwrap(core.grantItems(market.id, admin.id, owner.id, held.slice(20)));
    });
    unwrap(core.grantItems(market.id, admin.id, taker.id, [{ name: (items[0] as CatalogItem).slug, quantity: 1_000_000 }]));
  });
  return { marketId: market.id, items, owners, taker, stock };
}

/** Builds the bench's market on `bench`: catalog, owners, rated trades, then the open offers. */
export function buildSearchMarket(bench: BenchCore) {
  const { core, clock } = bench;
  const market = buildMarket(bench);
  const random = rng(1313);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const wanted = market.items[0] as CatalogItem;
  // The rated trades first: owner i's offer wanting item 0, taken and rated.
  bench.db.writeTransaction(() => {
    for (let i = 0; i < RATED; i += 1) {
      const owner = market.owners[i] as MemberRef;
      const give = market.stock(i)[1] as CatalogItem;
      const offer = unwrap(core.postOffer({ marketId: market.marketId, ownerId: owner.id, give: [{ name: give.slug, quantity: 1 }], want: [{ name: wanted.slug, quantity: 1 }] }));
      const { trade } = unwrap(core.acceptOffer({ marketId: market.marketId, offerId: offer.id, takerId: market.taker.id }));
      unwrap(core.rateTrade({ marketId: market.marketId, tradeId: trade.id, memberId: market.taker.id, stars: 1 + (i % 5) }));
    }
  });
  for (let start = 0; start < OFFERS; start += 1000) {
    bench.db.writeTransaction(() => {
      for (let i = start; i < start + 1000; i += 1) {
        const ownerIndex = i % OWNERS;
        const stock = market.stock(ownerIndex);
        const a = stock[Math.floor(random() * 20)] as CatalogItem;
        const b = stock[20 + Math.floor(random() * 20)] as CatalogItem;
        let w1 = pick(market.items);
        while (w1 === a || w1 === b) w1 = pick(market.items);
        const note = random() < 1 / 3 ? `${pick(NOTE_WORDS)} ${pick(NOTE_WORDS)} ${pick(NOTE_WORDS)}` : null;
        const owner = market.owners[ownerIndex] as MemberRef;
        unwrap(core.postOffer({ marketId: market.marketId, ownerId: owner.id, give: [{ name: a.slug, quantity: 1 }, { name: b.slug, quantity: 1 }], want: [{ name: w1.slug, quantity: 1 }], hours: 24 + (i % 697), note }));
        clock.advance(MINUTE / 60);
      }
    });
  }
  clock.advance(HOUR);
  return market;
}

export async function run(): Promise<SearchResult> {
  const tmp = tempDir('search');
  try {
    const bench = openCore(tmp.file('search.db'));
    const { core } = bench;
    const buildStart = performance.now();
    const market = buildSearchMarket(bench);
    const buildS = (performance.now() - buildStart) / 1000;
    const random = rng(4242);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;

    const twoWords = () => ({ words: [pick(ADJECTIVES), pick(NOUNS)] });
    const cases: Array<{ label: string; query: () => OfferSearch & PageRequest }> = [
      { label: 'two words', query: twoWords },
      { label: 'gives ITEM', query: () => ({ gives: pick(market.items).id }) },
      { label: 'wants ITEM', query: () => ({ wants: pick(market.items).id }) },
      { label: 'by MEMBER', query: () => ({ by: pick(market.owners).id }) },
      { label: 'rating 3.3', query: () => ({ rating: 3.3 }) },
      {
        label: 'words+all filters',
        // A rated owner, an item they give and its two words: a search that finds something.
        query: () => {
          const i = Math.floor(random() * RATED);
          const item = pick(market.stock(i));
          return { words: item.slug.split('-'), gives: item.id, by: (market.owners[i] as MemberRef).id, rating: 1 };
        },
      },
      {
        label: 'two words, page 2',
        query: () => {
          // A query with a second page, as its Next button asks for it (the first page is not timed).
          for (;;) {
            const query = twoWords();
            const first = unwrap(core.searchOffers(market.marketId, query));
            if (first.next) return { ...query, cursor: first.next };
          }
        },
      },
    ];
    const results: SearchCase[] = [];
    for (const { label, query } of cases) {
      const samples: number[] = [];
      let shown = 0;
      for (let i = 0; i < WARMUP + CALLS; i += 1) {
        const asked = query();
        const start = performance.now();
        const page = unwrap(core.searchOffers(market.marketId, asked));
        const took = performance.now() - start;
        shown = page.entries.length;
        if (i >= WARMUP) samples.push(took);
      }
      results.push({ label, shown, latency: latency(samples) });
    }
    bench.db.close();
    return { offers: OFFERS, items: market.items.length, buildS, cases: results };
  } finally {
    tmp.cleanup();
  }
}
