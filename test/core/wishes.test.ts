// Wishlists and their alerts: who is told about which offer, once, and how often.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_WISHES, WISH_DIGEST_EVERY_MS, type WishRequest } from '../../src/core/wishes.js';
import type { MemberRef } from '../../src/core/types.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { openDatabase } from '../../src/db/connection.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef, carol: MemberRef;

type Pairs = ReadonlyArray<readonly [string, number]>;
const post = (owner: MemberRef, give: Pairs, want: Pairs, extra: { targetId?: number } = {}) =>
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(...give), want: items(...want), ...extra }));
const wish = (member: MemberRef, ...wishes: WishRequest[]) => t.core.addWishes({ marketId: t.market.id, memberId: member.id, wishes });
const any = (name: string): WishRequest => ({ name, quantity: null });
/** The digests each member was sent, as the offers they name. */
const digestsFor = (member: MemberRef) =>
  t.db.sqlite
    .prepare<[number], { payload: string }>("SELECT payload FROM outbox WHERE recipient_id = ? AND kind = 'wish_matches' ORDER BY id")
    .all(member.id)
    .map((row) => (JSON.parse(row.payload) as { offers: Array<{ offerId: number; holdsAll: boolean }> }).offers);
const offerIds = (member: MemberRef) => digestsFor(member).map((digest) => digest.map((offer) => offer.offerId));

beforeEach(() => {
  t = createTestMarket({ items: ['apple', 'orange', 'pear', 'plum'] });
  [admin, alice, bob, carol] = ['admin', 'alice', 'bob', 'carol'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 20], ['pear', 5])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 20])));
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  t.cleanup();
});

describe('the wishlist', () => {
  it('keeps items with an amount or any amount, changes an amount, and removes items', () => {
    expect(unwrap(wish(bob, any('apple'), { name: 'Pear', quantity: 3 })).map((w) => [w.item.slug, w.quantity])).toEqual([
      ['apple', null],
      ['pear', 3],
    ]);
    unwrap(wish(bob, { name: 'apple', quantity: 2 }));
    expect(t.core.listWishes(bob.id).map((w) => [w.item.slug, w.quantity])).toEqual([
      ['apple', 2],
      ['pear', 3],
    ]);
    expect(unwrap(t.core.removeWishes({ marketId: t.market.id, memberId: bob.id, names: ['pear'] })).map((w) => w.item.slug)).toEqual(['pear']);
    expect(t.core.listWishes(bob.id).map((w) => w.item.slug)).toEqual(['apple']);
  });

  it('refuses unknown and archived items, a name not on the list, a banned member and too many wishes, changing nothing', () => {
    expect(wish(bob, any('aple'))).toMatchObject({ ok: false, error: { code: 'unknown_item', suggestions: expect.arrayContaining(['apple']) } });
    unwrap(t.core.archiveItem(t.market.id, null, 'plum'));
    expect(wish(bob, any('orange'), any('plum'))).toMatchObject({ ok: false, error: { code: 'item_archived' } });
    expect(t.core.listWishes(bob.id)).toEqual([]);
    expect(t.core.removeWishes({ marketId: t.market.id, memberId: bob.id, names: ['apple'] })).toMatchObject({ ok: false, error: { code: 'not_wished', wished: [] } });
    for (let i = 0; i <= MAX_WISHES; i += 1) unwrap(t.core.addItem(t.market.id, null, { name: `card ${i}` }));
    const many = Array.from({ length: MAX_WISHES + 1 }, (_, i) => any(`card ${i}`));
    expect(wish(bob, ...many)).toEqual({ ok: false, error: { code: 'too_many_wishes', max: MAX_WISHES } });
    expect(t.core.listWishes(bob.id)).toEqual([]);
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: carol.id, reason: 'spam' }));
    expect(wish(carol, any('apple'))).toMatchObject({ ok: false, error: { code: 'banned' } });
  });
});

describe('alerts', () => {
  it('tells a wisher once about an offer that gives enough of a wished item, with whether they hold what it wants', () => {
    unwrap(wish(bob, any('apple')));
    unwrap(wish(carol, { name: 'pear', quantity: 3 }));
    const apples = post(alice, [['apple', 2]], [['orange', 1]]);
    post(alice, [['pear', 2]], [['orange', 1]]); // carol wants 3 pears: 2 is not enough
    expect(t.core.sendWishDigests()).toBe(1);
    expect(t.core.sendWishDigests()).toBe(0);
    t.clock.advance(WISH_DIGEST_EVERY_MS);
    expect(t.core.sendWishDigests()).toBe(0);
    expect(digestsFor(bob)).toEqual([[expect.objectContaining({ offerId: apples.id, ownerName: 'alice', holdsAll: true })]]);
    expect(digestsFor(carol)).toEqual([]);
  });

  it('never tells the owner, a banned member, a member with alerts off, or anyone of a directed offer', () => {
    for (const member of [alice, bob, carol]) unwrap(wish(member, any('apple')));
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: carol.id, reason: 'spam' }));
    t.core.setWishAlerts(bob.id, false);
    post(alice, [['apple', 1]], [['orange', 1]]);
    t.core.setWishAlerts(bob.id, true);
    post(alice, [['apple', 1]], [['orange', 1]], { targetId: bob.id });
    expect(t.core.sendWishDigests()).toBe(0);
    expect([digestsFor(alice), digestsFor(bob), digestsFor(carol)]).toEqual([[], [], []]);
  });

  it('gathers what matched since the last digest into one message, at most one per member every few minutes', () => {
    unwrap(wish(bob, any('apple'), any('pear')));
    const first = post(alice, [['apple', 1]], [['orange', 1]]);
    const second = post(alice, [['pear', 1]], [['orange', 1]]);
    expect(t.core.sendWishDigests()).toBe(1);
    t.clock.advance(60_000);
    const third = post(alice, [['apple', 1]], [['orange', 2]]);
    expect(t.core.sendWishDigests()).toBe(0); // too soon after the last one
    t.clock.advance(WISH_DIGEST_EVERY_MS - 60_000);
    expect(t.core.sendWishDigests()).toBe(1);
    expect(offerIds(bob)).toEqual([[first.id, second.id], [third.id]]);
  });

  it('leaves out offers that closed before the digest, and drops what waited when alerts go off', () => {
    unwrap(wish(bob, any('apple')));
    const cancelled = post(alice, [['apple', 1]], [['orange', 1]]);
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: cancelled.id, memberId: alice.id }));
    expect(t.core.sendWishDigests()).toBe(0);
    post(alice, [['apple', 1]], [['orange', 1]]);
    t.core.setWishAlerts(bob.id, false);
    t.core.setWishAlerts(bob.id, true);
    expect(t.core.sendWishDigests()).toBe(0);
    expect(digestsFor(bob)).toEqual([]);
  });

  it('writes a digest once when two processes send digests on one database', () => {
    unwrap(wish(bob, any('apple')));
    post(alice, [['apple', 1]], [['orange', 1]]);
    const otherDb = openDatabase(t.path);
    const other = createTradeCore({ db: otherDb, clock: t.clock });
    expect([other.sendWishDigests(), t.core.sendWishDigests()]).toEqual([1, 0]);
    otherDb.close();
    expect(digestsFor(bob)).toHaveLength(1);
  });

  it('lists the open offers that already match, for /want add to answer with', () => {
    const apples = post(alice, [['apple', 5]], [['orange', 30]]);
    post(alice, [['apple', 1]], [['orange', 1]], { targetId: carol.id });
    unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['apple', 1])));
    post(carol, [['apple', 1]], [['orange', 1]]);
    t.clock.advance(25 * HOUR); // every offer expired...
    const fresh = post(alice, [['apple', 2]], [['orange', 1]]);
    unwrap(wish(bob, { name: 'apple', quantity: 2 }));
    const matching = t.core.wishedOffers(t.market.id, bob.id);
    expect(matching.map(({ offer, holdsAll }) => [offer.id, holdsAll])).toEqual([[fresh.id, true]]);
    expect(matching.map(({ offer }) => offer.id)).not.toContain(apples.id);
  });
});
