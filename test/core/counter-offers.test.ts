// Counter-offers (issue 10): countering public and directed offers, accepting and declining
// counters, threads, counters ending with their original, and every refusal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TradeErrorCode } from '../../src/core/errors.js';
import type { MemberRef } from '../../src/core/types.js';
import { checkInvariants } from '../support/invariants.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef, carol: MemberRef;

type Pairs = ReadonlyArray<readonly [string, number]>;
const holdings = (member: MemberRef) => Object.fromEntries(t.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
const messagesTo = (member: MemberRef) =>
  t.db.sqlite
    .prepare<[number], { eventKey: string; payload: string }>('SELECT event_key AS eventKey, payload FROM outbox WHERE recipient_id = ? ORDER BY id')
    .all(member.id)
    .map((row) => ({ key: row.eventKey, ...(JSON.parse(row.payload) as Record<string, unknown>) }));
const status = (offerId: number) => t.core.getOffer(t.market.id, offerId)?.status;
const post = (owner: MemberRef, give: Pairs, want: Pairs, extra: { hours?: number; targetId?: number } = {}) =>
  unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(...give), want: items(...want), ...extra }));
const counter = (offerId: number, member: MemberRef, give: Pairs, want: Pairs, note?: string) =>
  t.core.counterOffer({ marketId: t.market.id, offerId, memberId: member.id, give: items(...give), want: items(...want), note });
const accept = (offerId: number, taker: MemberRef) => t.core.acceptOffer({ marketId: t.market.id, offerId, takerId: taker.id });
/** The whole market as a member would notice it: holdings, offers and messages. */
const snapshot = () => ({
  holdings: [alice, bob, carol].map(holdings),
  offers: t.db.sqlite.prepare('SELECT id, status FROM offers ORDER BY id').all(),
  outbox: t.db.sqlite.prepare('SELECT count(*) AS n FROM outbox').get(),
});

beforeEach(() => {
  t = createTestMarket();
  [admin, alice, bob, carol] = ['admin', 'alice', 'bob', 'carol'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 10], ['pear', 2])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 10])));
  unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 5])));
});
afterEach(() => {
  checkInvariants(t);
  t.cleanup();
});

describe('countering a public offer', () => {
  it('posts a new offer made to the owner, linked to the original, its items escrowed; the original stays open', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]], 'best I can do'));

    expect(made.counter).toMatchObject({ status: 'active', owner: { id: bob.id }, target: { id: alice.id }, counterTo: original.id, thread: [original.id], note: 'best I can do' });
    expect(made.counter.id).toBeGreaterThan(original.id);
    expect(made.returned).toBeNull();
    expect(status(original.id)).toBe('active');
    expect(holdings(bob)).toEqual({ orange: 8 });
    expect(messagesTo(alice)).toEqual([
      expect.objectContaining({ key: `offer:${made.counter.id}:directed`, kind: 'counter_received', offerId: made.counter.id, originalId: original.id, returned: null }),
    ]);
    // Everyone else may still take the original.
    unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 1])));
    expect(accept(original.id, carol).ok).toBe(true);
  });

  it('lets several members counter the same offer, one open counter each', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    unwrap(counter(original.id, bob, [['orange', 1]], [['apple', 4]]));
    unwrap(counter(original.id, carol, [['orange', 2]], [['apple', 4]]));
    expect(t.core.listMarketOffers(t.market.id).ok).toBe(true);
    expect(status(original.id)).toBe('active');
  });
});

describe('countering a directed offer', () => {
  it('closes the original as countered, refunds its owner and tells them once, with the counter', () => {
    const original = post(alice, [['apple', 2]], [['orange', 1]], { targetId: bob.id });
    const made = unwrap(counter(original.id, bob, [['orange', 1]], [['apple', 3]]));

    expect(status(original.id)).toBe('countered');
    expect(made.original.status).toBe('countered');
    expect(made.returned).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 2 }]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
    expect(messagesTo(alice)).toEqual([
      expect.objectContaining({ key: `offer:${original.id}:countered`, kind: 'counter_received', offerId: made.counter.id, returned: [expect.objectContaining({ slug: 'apple', quantity: 2 })] }),
    ]);
  });
});

describe('refusing a counter, changing nothing', () => {
  const cases: Array<[string, () => number, () => MemberRef, TradeErrorCode]> = [
    ['to your own offer', () => post(alice, [['apple', 1]], [['orange', 1]]).id, () => alice, 'cannot_counter'],
    ['to an offer made to someone else', () => post(alice, [['apple', 1]], [['orange', 1]], { targetId: carol.id }).id, () => bob, 'cannot_counter'],
    ['to an offer that does not exist', () => 999, () => bob, 'offer_not_found'],
    [
      'to a closed offer',
      () => {
        const id = post(alice, [['apple', 1]], [['orange', 1]]).id;
        unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: id, memberId: alice.id }));
        return id;
      },
      () => bob,
      'offer_not_active',
    ],
    [
      'to an offer past its expiry',
      () => {
        const id = post(alice, [['apple', 1]], [['orange', 1]], { hours: 1 }).id;
        t.clock.advance(2 * HOUR);
        return id;
      },
      () => bob,
      'offer_expired',
    ],
    [
      'from a banned member',
      () => {
        unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id }));
        return post(alice, [['apple', 1]], [['orange', 1]]).id;
      },
      () => bob,
      'banned',
    ],
    [
      'a second open counter to the same offer',
      () => {
        const id = post(alice, [['apple', 1]], [['orange', 1]]).id;
        unwrap(counter(id, bob, [['orange', 1]], [['apple', 1]]));
        return id;
      },
      () => bob,
      'counter_exists',
    ],
  ];

  it.each(cases)('%s', (_label, setUp, who, code) => {
    const offerId = setUp();
    const before = snapshot();
    const result = counter(offerId, who(), [['orange', 1]], [['apple', 1]]);
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
    expect(snapshot()).toEqual(before);
  });

  it('when the counterer lacks what they give, saying how many they miss', () => {
    const original = post(alice, [['apple', 1]], [['orange', 1]]);
    const before = snapshot();
    const result = counter(original.id, carol, [['orange', 9]], [['apple', 1]]);
    expect(result).toEqual({ ok: false, error: { code: 'items_short', shortages: [{ item: expect.objectContaining({ slug: 'orange' }), missing: 4, have: 5 }] } });
    expect(snapshot()).toEqual(before);
  });

  it('says which counter is open, and allows another once it ended', () => {
    const original = post(alice, [['apple', 1]], [['orange', 1]]);
    const first = unwrap(counter(original.id, bob, [['orange', 1]], [['apple', 1]])).counter;
    expect(counter(original.id, bob, [['orange', 2]], [['apple', 1]])).toEqual({ ok: false, error: { code: 'counter_exists', offerId: original.id, counterId: first.id } });
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: first.id, memberId: bob.id }));
    expect(counter(original.id, bob, [['orange', 2]], [['apple', 1]]).ok).toBe(true);
  });
});

describe('accepting a counter', () => {
  it('closes the still-open original as countered; its escrow counts toward the counter and the rest goes back', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 3], ['pear', 1]])).counter;
    expect(holdings(alice)).toEqual({ apple: 6, pear: 2 });

    const accepted = unwrap(accept(made.id, alice));

    expect(status(original.id)).toBe('countered');
    expect(accepted.offer.status).toBe('completed');
    expect(accepted.original).toEqual({
      offerId: original.id,
      counted: [{ item: expect.objectContaining({ slug: 'apple' }), quantity: 3 }],
      returned: [{ item: expect.objectContaining({ slug: 'apple' }), quantity: 1 }],
    });
    expect(holdings(alice)).toEqual({ apple: 7, pear: 1, orange: 2 });
    expect(holdings(bob)).toEqual({ orange: 8, apple: 3, pear: 1 });
    // Alice closed her own offer by accepting: she is answered, not messaged about it.
    expect(messagesTo(alice).map((m) => m.key)).toEqual([`offer:${made.id}:directed`, `offer:${made.id}:taken`]);
    expect(messagesTo(bob).map((m) => m.key)).toEqual([`offer:${made.id}:accepted`]);
  });

  it('counts the original’s escrow when checking what the owner holds, and changes nothing when still short', () => {
    const original = post(alice, [['apple', 10]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 10], ['pear', 3]])).counter;
    const before = snapshot();
    expect(accept(made.id, alice)).toEqual({ ok: false, error: { code: 'items_short', shortages: [{ item: expect.objectContaining({ slug: 'pear' }), missing: 1, have: 2 }] } });
    expect(snapshot()).toEqual(before);
    expect(status(original.id)).toBe('active');
  });

  it('ends the other open counters of the original, refunding and telling their counterers', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const bobs = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    const carols = unwrap(counter(original.id, carol, [['orange', 1]], [['apple', 4]])).counter;
    unwrap(accept(bobs.id, alice));

    expect(status(carols.id)).toBe('declined');
    expect(holdings(carol)).toEqual({ orange: 5 });
    expect(messagesTo(carol)).toEqual([
      expect.objectContaining({ key: `offer:${carols.id}:declined`, kind: 'counter_ended', originalId: original.id, originalStatus: 'countered' }),
    ]);
  });

  it('is for the original’s owner alone', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    const before = snapshot();
    expect(accept(made.id, carol)).toEqual({ ok: false, error: { code: 'not_open_to_you', offerId: made.id } });
    expect(accept(made.id, bob)).toEqual({ ok: false, error: { code: 'own_offer', offerId: made.id } });
    expect(snapshot()).toEqual(before);
  });

  it('is refused once the original has run out its time, before the sweep reached it', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]], { hours: 1 });
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    t.clock.advance(2 * HOUR);
    const before = snapshot();
    expect(accept(made.id, alice)).toEqual({ ok: false, error: { code: 'counter_original_ended', offerId: made.id, originalId: original.id } });
    expect(snapshot()).toEqual(before);
  });

  it('of a directed original works like any directed offer: the original closed when it was countered', () => {
    const original = post(alice, [['apple', 2]], [['orange', 1]], { targetId: bob.id });
    const made = unwrap(counter(original.id, bob, [['orange', 1]], [['apple', 3]])).counter;
    const accepted = unwrap(accept(made.id, alice));
    expect(accepted.original).toBeUndefined();
    expect(holdings(alice)).toEqual({ apple: 7, pear: 2, orange: 1 });
    expect(holdings(bob)).toEqual({ orange: 9, apple: 3 });
  });
});

describe('declining a counter', () => {
  it('refunds the counterer and tells them; the public original stays open', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    unwrap(t.core.declineOffer({ marketId: t.market.id, offerId: made.id, memberId: alice.id }));
    expect(status(made.id)).toBe('declined');
    expect(status(original.id)).toBe('active');
    expect(holdings(bob)).toEqual({ orange: 10 });
    expect(messagesTo(bob)).toEqual([expect.objectContaining({ key: `offer:${made.id}:declined`, kind: 'offer_declined' })]);
  });
});

describe('countering a counter', () => {
  it('makes a thread: the counter closes as countered and the new one is made to the counterer', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const first = unwrap(counter(original.id, bob, [['orange', 1]], [['apple', 4]])).counter;
    expect(counter(first.id, carol, [['orange', 1]], [['apple', 1]])).toMatchObject({ ok: false, error: { code: 'cannot_counter', offer: 'directed_elsewhere' } });
    expect(counter(first.id, bob, [['orange', 1]], [['apple', 1]])).toMatchObject({ ok: false, error: { code: 'cannot_counter', offer: 'own' } });

    const second = unwrap(counter(first.id, alice, [['apple', 3]], [['orange', 2]]));
    expect(second.counter).toMatchObject({ target: { id: bob.id }, counterTo: first.id, thread: [original.id, first.id] });
    expect(status(first.id)).toBe('countered');
    expect(status(original.id)).toBe('active');
    expect(holdings(bob)).toEqual({ orange: 10 });
    expect(messagesTo(bob)).toEqual([expect.objectContaining({ key: `offer:${first.id}:countered`, kind: 'counter_received', offerId: second.counter.id })]);

    // Bob takes Alice's last word: the public original is not part of it and stays open.
    unwrap(accept(second.counter.id, bob));
    expect(holdings(bob)).toEqual({ orange: 8, apple: 3 });
    expect(status(original.id)).toBe('active');
  });
});

describe('a counter ends when its original ends any other way', () => {
  const endings: Array<[string, string, (originalId: number) => void]> = [
    ['taken by someone else', 'completed', (id) => unwrap(accept(id, carol))],
    ['cancelled by its owner', 'cancelled', (id) => unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: id, memberId: alice.id }))],
    ['removed by an admin', 'removed', (id) => unwrap(t.core.removeOffer({ marketId: t.market.id, offerId: id, adminId: admin.id, reason: 'spam' }))],
    ['removed with its banned owner', 'removed', () => unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id }))],
    [
      'expired by the sweep',
      'expired',
      () => {
        t.clock.advance(25 * HOUR);
        t.core.expireDueOffers();
      },
    ],
  ];

  it.each(endings)('%s: the counterer is refunded and told', (_label, originalStatus, end) => {
    const original = post(alice, [['apple', 4]], [['orange', 3]]);
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    end(original.id);
    expect(status(original.id)).toBe(originalStatus);
    expect(status(made.id)).toBe('declined');
    expect(t.core.getOffer(t.market.id, made.id)?.closeReason).toBe('original_ended');
    expect(holdings(bob)).toEqual({ orange: 10 });
    expect(messagesTo(bob)).toEqual([
      expect.objectContaining({ key: `offer:${made.id}:declined`, kind: 'counter_ended', originalId: original.id, originalStatus, returned: [expect.objectContaining({ slug: 'orange', quantity: 2 })] }),
    ]);
  });

  it('a sweep that finds both due expires the original and ends the counter once', () => {
    const original = post(alice, [['apple', 4]], [['orange', 3]], { hours: 2 });
    const made = unwrap(counter(original.id, bob, [['orange', 2]], [['apple', 4]])).counter;
    t.clock.advance(30 * HOUR);
    const swept = t.core.expireDueOffers(10);
    expect(swept.expired.map((closed) => closed.offer.id)).toEqual([original.id]);
    expect(status(made.id)).toBe('declined');
    expect(holdings(bob)).toEqual({ orange: 10 });
  });
});
