// /search in the core: full-text matching over items, note and owner, ranking, each filter, typo
// tolerance for item names, paging, and the index kept in step by the transactions that change
// offers, items and members.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageCursor } from '../../src/core/paging.js';
import type { OfferSearch } from '../../src/core/offer-search.js';
import type { MemberRef } from '../../src/core/types.js';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { OFFER_SEARCH_MIGRATION } from '../../src/db/offer-search.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef, carol: MemberRef;

type Pairs = ReadonlyArray<readonly [string, number]>;
const post = (owner: MemberRef, give: Pairs, want: Pairs, extra: { note?: string; hours?: number } = {}) =>
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(...give), want: items(...want), ...extra })).id;
const search = (query: OfferSearch, cursor?: PageCursor) => unwrap(t.core.searchOffers(t.market.id, { ...query, ...(cursor ? { cursor } : {}) }));
const found = (query: OfferSearch) => search(query).entries.map((offer) => offer.id);
const words = (text: string) => text.split(' ');

beforeEach(() => {
  t = createTestMarket({ items: ['Golden Apple', 'apple', 'orange', 'pear', 'Ticket'] });
  unwrap(t.core.editItem(t.market.id, null, 'ticket', { description: 'a train ticket to the coast' }));
  [admin, alice, bob, carol] = ['admin', 'alice', 'bob', 'carol'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef, MemberRef];
  for (const member of [alice, bob, carol]) {
    unwrap(t.core.grantItems(t.market.id, admin.id, member.id, items(['golden-apple', 100], ['apple', 100], ['orange', 100], ['pear', 100], ['ticket', 100])));
  }
});
afterEach(() => t.cleanup());

describe('matching words', () => {
  it('finds offers by item name, slug, description, note and owner, and only open ones of this market', () => {
    const apples = post(alice, [['apple', 1]], [['pear', 1]]);
    const golden = post(bob, [['golden-apple', 1]], [['orange', 1]]);
    const noted = post(carol, [['orange', 1]], [['pear', 1]], { note: 'fresh from the farm' });
    const ticket = post(carol, [['ticket', 1]], [['pear', 1]]);
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200', title: 'Other' });
    unwrap(t.core.addItem(other.id, null, { name: 'apple' }));

    expect(found({ words: ['apple'] }).sort()).toEqual([apples, golden].sort());
    expect(found({ words: words('golden apple') })).toEqual([golden]);
    expect(found({ words: ['farm'] })).toEqual([noted]);
    expect(found({ words: ['coast'] })).toEqual([ticket]);
    expect(found({ words: ['bob'] })).toEqual([golden]);
    // A word is a prefix: "tick" finds the ticket.
    expect(found({ words: ['tick'] })).toEqual([ticket]);
    expect(unwrap(t.core.searchOffers(other.id, { words: ['apple'] })).entries).toEqual([]);
  });

  it('ranks the best match first, then the offer ending soonest', () => {
    // The word in the item name weighs more than in the note.
    const inNote = post(alice, [['orange', 1]], [['pear', 1]], { note: 'golden hour sale', hours: 1 });
    const inItem = post(bob, [['golden-apple', 1]], [['pear', 1]], { hours: 48 });
    expect(found({ words: ['golden'] })).toEqual([inItem, inNote]);
    // Equal matches: the one ending first comes first, whatever the order of posting.
    const late = post(alice, [['pear', 1]], [['orange', 1]], { hours: 72 });
    const soon = post(bob, [['pear', 1]], [['orange', 1]], { hours: 2 });
    expect(found({ words: ['pear'] }).filter((id) => id === late || id === soon)).toEqual([soon, late]);
    // Without words, ending soonest first.
    expect(found({})).toEqual([inNote, soon, inItem, late]);
  });

  it('takes a word that matches no offer as a typo of an item name, and says so', () => {
    const golden = post(bob, [['golden-apple', 1]], [['orange', 1]]);
    const page = search({ words: ['goldn'] });
    expect(page.entries.map((offer) => offer.id)).toEqual([golden]);
    expect(page.corrections).toEqual([{ word: 'goldn', names: ['Golden Apple'] }]);
    expect(search({ words: ['xyzzyq'] }).entries).toEqual([]);
    // A word that matches something is taken as written.
    expect(search({ words: ['golden'] }).corrections).toEqual([]);
    // ...in this market: an offer elsewhere with the typo in its note does not count.
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-400', title: 'Other' });
    unwrap(t.core.addItem(other.id, null, { name: 'pear' }));
    unwrap(t.core.addItem(other.id, null, { name: 'plum' }));
    const stranger = t.core.ensureMember({ marketId: other.id, platformUserId: '99', displayName: 'stranger' });
    unwrap(t.core.grantItems(other.id, stranger.id, stranger.id, items(['pear', 1])));
    unwrap(t.core.postOffer({ marketId: other.id, ownerId: stranger.id, give: items(['pear', 1]), want: items(['plum', 1]), note: 'goldn' }));
    expect(search({ words: ['goldn'] }).entries.map((offer) => offer.id)).toEqual([golden]);
  });
});

describe('filters', () => {
  it('narrows by what the offer gives, what it wants, and its owner', () => {
    const a = post(alice, [['apple', 1]], [['pear', 1]]);
    const b = post(bob, [['pear', 1]], [['apple', 1]]);
    const c = post(bob, [['apple', 2]], [['orange', 1]]);
    expect(found({ gives: 'apple' }).sort()).toEqual([a, c].sort());
    expect(found({ wants: 'Apple' })).toEqual([b]);
    expect(found({ by: bob.id }).sort()).toEqual([b, c].sort());
    expect(found({ gives: 'apple', by: bob.id })).toEqual([c]);
    expect(found({ words: ['orange'], gives: 'apple' })).toEqual([c]);
  });

  it('keeps only owners whose reputation reaches the minimum', () => {
    const fromAlice = post(alice, [['apple', 1]], [['pear', 1]]);
    const fromBob = post(bob, [['apple', 1]], [['pear', 1]]);
    // Carol takes one of Alice's and one of Bob's offers and rates them 5 and 1 stars. (Chosen so
    // the plain mean and a reputation with a neutral prior of 3 agree: Alice above 3, Bob below.)
    const rate = (owner: MemberRef, stars: number) => {
      const offer = post(owner, [['orange', 1]], [['ticket', 1]]);
      const { trade } = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer, takerId: carol.id }));
      unwrap(t.core.rateTrade({ marketId: t.market.id, tradeId: trade.id, memberId: carol.id, stars }));
    };
    rate(alice, 5);
    rate(bob, 1);
    expect(found({ gives: 'apple', rating: 3 })).toEqual([fromAlice]);
    expect(found({ gives: 'apple', rating: 1 }).sort()).toEqual([fromAlice, fromBob].sort());
  });

  it('refuses an item the market does not have, with the closest names', () => {
    expect(t.core.searchOffers(t.market.id, { gives: 'aple' })).toEqual({ ok: false, error: { code: 'unknown_item', name: 'aple', suggestions: ['apple', 'Golden Apple'] } });
  });
});

describe('paging', () => {
  it('shows every match once, best first, forward and back', () => {
    const posted = Array.from({ length: 23 }, (_, i) => post(i % 2 ? alice : bob, [['apple', 1]], [['pear', 1]], { hours: 1 + i }));
    const pages = [search({ words: ['apple'] })];
    while (pages.at(-1)!.next) pages.push(search({ words: ['apple'] }, pages.at(-1)!.next!));
    expect(pages.map((page) => page.entries.length)).toEqual([10, 10, 3]);
    expect(pages.flatMap((page) => page.entries.map((offer) => offer.id))).toEqual(posted);
    const back = search({ words: ['apple'] }, pages[2]!.previous!);
    expect(back.entries.map((offer) => offer.id)).toEqual(posted.slice(10, 20));
    // Without words the same: ending soonest first.
    const plain = search({ by: alice.id }, { after: posted[9]! });
    expect(plain.entries.map((offer) => offer.id)).toEqual(posted.filter((_, i) => i % 2 && i > 9));
  });
});

describe('the index stays in step', () => {
  it('with posting, cancelling, accepting, expiring, renaming an item and an owner', () => {
    const cancelled = post(alice, [['pear', 1]], [['orange', 1]]);
    const accepted = post(alice, [['pear', 1]], [['orange', 1]]);
    const expiring = post(alice, [['pear', 1]], [['orange', 1]], { hours: 1 });
    const staying = post(bob, [['pear', 1]], [['orange', 1]], { hours: 48 });
    expect(found({ words: ['pear'] }).sort()).toEqual([cancelled, accepted, expiring, staying].sort());

    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: cancelled, memberId: alice.id }));
    unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: accepted, takerId: carol.id }));
    t.clock.advance(2 * HOUR);
    t.core.expireDueOffers();
    expect(found({ words: ['pear'] })).toEqual([staying]);
    // The rows left the index itself, not only the results (the scope filters closed offers too).
    expect(t.db.sqlite.prepare(`SELECT rowid FROM offer_search WHERE offer_search MATCH 'pear'`).all()).toEqual([{ rowid: staying }]);

    unwrap(t.core.editItem(t.market.id, null, 'pear', { name: 'Conference Pear' }));
    expect(found({ words: ['conference'] })).toEqual([staying]);
    expect(found({ words: ['pear'] })).toEqual([staying]);
    unwrap(t.core.editItem(t.market.id, null, 'conference-pear', { name: 'Quince' }));
    expect(t.db.sqlite.prepare(`SELECT rowid FROM offer_search WHERE offer_search MATCH 'conference'`).all()).toEqual([]);
    expect(found({ words: ['quince'] })).toEqual([staying]);

    t.core.ensureMember({ marketId: t.market.id, platformUserId: bob.platformUserId, displayName: 'Roberta', username: 'bob' });
    expect(found({ words: ['roberta'] })).toEqual([staying]);
  });

  it('is checked by the invariants every property test step runs, which notice a row missing or stale', () => {
    const offer = post(alice, [['pear', 1]], [['orange', 1]]);
    checkInvariants(t);
    t.db.sqlite.prepare('DELETE FROM offer_search WHERE rowid = ?').run(offer);
    expect(() => checkInvariants(t)).toThrow(/search index.*missing/);
    t.db.sqlite.prepare(`INSERT INTO offer_search(rowid, items, note, owner) VALUES (?, 'quince', '', 'alice')`).run(offer);
    expect(() => checkInvariants(t)).toThrow(/not found by the name/);
  });

  it('is built by the migration from the SQL in src/db/offer-search.ts', () => {
    const migration = readFileSync(join(MIGRATIONS_FOLDER, '0018_search.sql'), 'utf8');
    const statements = migration.split('--> statement-breakpoint').map((statement) => statement.trim().replace(/;$/, ''));
    expect(statements.slice(-OFFER_SEARCH_MIGRATION.length)).toEqual(OFFER_SEARCH_MIGRATION);
  });
});

describe('saved filters (what page buttons carry when a filter does not fit)', () => {
  it('reads back only in its market and command, and is forgotten after its time', () => {
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-300', title: 'Other' });
    const id = t.core.saveFilter(t.market.id, 'search', { words: ['apple'] });
    expect(t.core.savedFilter(t.market.id, 'search', id)).toEqual({ words: ['apple'] });
    expect(t.core.savedFilter(other.id, 'search', id)).toBeUndefined();
    expect(t.core.savedFilter(t.market.id, 'market', id)).toBeUndefined();
    t.clock.advance(2 * HOUR);
    const newer = t.core.saveFilter(t.market.id, 'search', { words: ['pear'] });
    expect(t.core.pruneSavedFilters(HOUR)).toBe(1);
    expect(t.core.savedFilter(t.market.id, 'search', id)).toBeUndefined();
    expect(t.core.savedFilter(t.market.id, 'search', newer)).toEqual({ words: ['pear'] });
  });
});
