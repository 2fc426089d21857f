// Posting, accepting, cancelling, declining, removing and expiring offers, with every refusal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';
import type { MemberRef } from '../../src/core/types.js';
import type { Notification } from '../../src/core/outbox.js';
import { notificationText } from '../../src/jobs/delivery.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef, carol: MemberRef;

const holdings = (member: MemberRef) => Object.fromEntries(t.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));
const outboxFor = (member: MemberRef) =>
  t.db.sqlite
    .prepare<[number], { kind: string; payload: string }>('SELECT kind, payload FROM outbox WHERE recipient_id = ? ORDER BY id')
    .all(member.id)
    .map((row) => JSON.parse(row.payload) as Record<string, unknown>);
type Pairs = ReadonlyArray<readonly [string, number]>;
const post = (owner: MemberRef, give: Pairs, want: Pairs, extra: { hours?: number; targetId?: number; note?: string } = {}) =>
  t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(...give), want: items(...want), ...extra });
const accept = (offerId: number, taker: MemberRef) => t.core.acceptOffer({ marketId: t.market.id, offerId, takerId: taker.id });

beforeEach(() => {
  t = createTestMarket();
  [admin, alice, bob, carol] = ['admin', 'alice', 'bob', 'carol'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 10], ['pear', 2])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 10])));
  unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 1])));
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  t.cleanup();
});

describe('posting', () => {
  it('moves the given items into escrow and shows the offer on the market', () => {
    const offer = unwrap(post(alice, [['apple', 4], ['pear', 1]], [['orange', 3]], { note: 'fresh today' }));

    expect(offer).toMatchObject({ status: 'active', note: 'fresh today', owner: { id: alice.id }, target: null });
    expect(offer.expiresAt - offer.createdAt).toBe(24 * HOUR);
    expect(holdings(alice)).toEqual({ apple: 6, pear: 1 });
    expect(t.core.getInventory(alice.id).escrow).toEqual([
      { offerId: offer.id, items: [expect.objectContaining({ quantity: 4 }), expect.objectContaining({ quantity: 1 })] },
    ]);
    const page = unwrap(t.core.listMarketOffers(t.market.id));
    expect(page.entries.map((o) => o.id)).toEqual([offer.id]);
  });

  it('reports every shortage at once and changes nothing', () => {
    const result = post(alice, [['apple', 13], ['pear', 5]], [['orange', 1]]);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'items_short',
        shortages: [
          { item: expect.objectContaining({ slug: 'apple' }), missing: 3, have: 10 },
          { item: expect.objectContaining({ slug: 'pear' }), missing: 3, have: 2 },
        ],
      },
    });
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
    expect(t.core.listMyOffers(alice.id).entries).toEqual([]);
  });

  it('merges the same item named twice, in any case', () => {
    const offer = unwrap(post(alice, [['apple', 2], ['APPLE', 3]], [['Orange', 1]]));
    expect(offer.give).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 5 }]);
  });

  it.each([
    ['an empty give list', [], [['orange', 1]], { code: 'no_items', side: 'give' }],
    ['an empty want list', [['apple', 1]], [], { code: 'no_items', side: 'want' }],
    ['a zero quantity', [['apple', 0]], [['orange', 1]], { code: 'invalid_quantity', name: 'apple', quantity: 0 }],
    ['a fractional quantity', [['apple', 1.5]], [['orange', 1]], { code: 'invalid_quantity', name: 'apple', quantity: 1.5 }],
    ['an oversized quantity', [['apple', 1], ['apple', 1_000_000]], [['orange', 1]], { code: 'invalid_quantity', name: 'apple', quantity: 1_000_001 }],
    ['an unknown item', [['appel', 1]], [['orange', 1]], { code: 'unknown_item', name: 'appel', suggestions: ['apple'] }],
    ['the same item on both sides', [['apple', 1]], [['apple', 2]], { code: 'item_on_both_sides', item: expect.objectContaining({ slug: 'apple' }) }],
  ] as const)('refuses %s', (_label, give, want, error) => {
    expect(post(alice, give, want)).toEqual({ ok: false, error });
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
  });

  it('refuses hours outside 1-720 and a note over 200 characters', () => {
    expect(post(alice, [['apple', 1]], [['orange', 1]], { hours: 0 })).toMatchObject({ error: { code: 'invalid_hours', min: 1, max: 720 } });
    expect(post(alice, [['apple', 1]], [['orange', 1]], { hours: 721 })).toMatchObject({ error: { code: 'invalid_hours' } });
    expect(post(alice, [['apple', 1]], [['orange', 1]], { note: 'x'.repeat(201) })).toMatchObject({ error: { code: 'text_too_long', field: 'note', max: 200 } });
    expect(unwrap(post(alice, [['apple', 1]], [['orange', 1]], { hours: 720 })).expiresAt).toBe(t.clock() + 720 * HOUR);
  });

  it('refuses a banned owner, and an offer directed at oneself or at a banned member', () => {
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: carol.id, reason: 'spam' }));
    expect(post(alice, [['apple', 1]], [['orange', 1]], { targetId: alice.id })).toEqual({ ok: false, error: { code: 'target_is_self' } });
    expect(post(alice, [['apple', 1]], [['orange', 1]], { targetId: carol.id })).toEqual({ ok: false, error: { code: 'member_banned', memberName: 'carol' } });
    expect(post(carol, [['orange', 1]], [['apple', 1]])).toEqual({ ok: false, error: { code: 'banned', reason: 'spam' } });
  });

  it('tells the target of a directed offer', () => {
    const offer = unwrap(post(alice, [['apple', 1]], [['orange', 1]], { targetId: bob.id }));
    expect(outboxFor(bob)).toEqual([expect.objectContaining({ kind: 'offer_directed', offerId: offer.id, ownerName: 'alice' })]);
  });
});

describe('accepting', () => {
  it('swaps both sides atomically, records the trade and notifies both parties', () => {
    const offer = unwrap(post(alice, [['apple', 5]], [['orange', 3]]));
    const { offer: closed, trade } = unwrap(accept(offer.id, bob));

    expect(closed).toMatchObject({ status: 'completed', acceptedBy: { id: bob.id } });
    expect(trade).toMatchObject({ owner: { id: alice.id }, taker: { id: bob.id }, status: 'completed' });
    expect(holdings(alice)).toEqual({ apple: 5, pear: 2, orange: 3 });
    expect(holdings(bob)).toEqual({ orange: 7, apple: 5 });
    expect(t.core.getInventory(alice.id).escrow).toEqual([]);
    expect(outboxFor(alice)).toEqual([
      expect.objectContaining({ kind: 'offer_accepted', offerId: offer.id, tradeId: trade.id, takerName: 'bob', received: [expect.objectContaining({ slug: 'orange', quantity: 3 })] }),
    ]);
    expect(outboxFor(bob)).toEqual([
      expect.objectContaining({ kind: 'trade_completed', tradeId: trade.id, received: [expect.objectContaining({ slug: 'apple', quantity: 5 })] }),
    ]);
    expect(unwrap(t.core.listMarketOffers(t.market.id)).entries).toEqual([]);
  });

  it('refuses a taker who lacks a wanted item, saying how many more', () => {
    const offer = unwrap(post(alice, [['apple', 5]], [['orange', 3]]));
    expect(accept(offer.id, carol)).toEqual({
      ok: false,
      error: { code: 'items_short', shortages: [{ item: expect.objectContaining({ slug: 'orange' }), missing: 2, have: 1 }] },
    });
    expect(holdings(carol)).toEqual({ orange: 1 });
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
  });

  it('refuses a missing offer, an offer of another market, and an offer no longer active', () => {
    expect(accept(999, bob)).toEqual({ ok: false, error: { code: 'offer_not_found', offerId: 999 } });
    const other = t.core.ensureMarket({ platform: 'discord', platformMarketId: 'g1' });
    const offer = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    const stranger = t.core.ensureMember({ marketId: other.id, platformUserId: 'x', displayName: 'x' });
    expect(t.core.acceptOffer({ marketId: other.id, offerId: offer.id, takerId: stranger.id })).toEqual({ ok: false, error: { code: 'offer_not_found', offerId: offer.id } });
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    expect(accept(offer.id, bob)).toEqual({ ok: false, error: { code: 'offer_not_active', offerId: offer.id, status: 'cancelled' } });
  });

  it('refuses an expired offer even before the sweep ran, and hides it from the market', () => {
    const offer = unwrap(post(alice, [['apple', 1]], [['orange', 1]], { hours: 1 }));
    t.clock.advance(HOUR);
    expect(accept(offer.id, bob)).toEqual({ ok: false, error: { code: 'offer_expired', offerId: offer.id } });
    expect(unwrap(t.core.listMarketOffers(t.market.id)).entries).toEqual([]);
  });

  it('refuses the owner, a member the offer is not directed at, and a banned member', () => {
    const open = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    const directed = unwrap(post(alice, [['apple', 1]], [['orange', 1]], { targetId: carol.id }));
    expect(accept(open.id, alice)).toEqual({ ok: false, error: { code: 'own_offer', offerId: open.id } });
    expect(accept(directed.id, bob)).toEqual({ ok: false, error: { code: 'not_open_to_you', offerId: directed.id } });
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: null }));
    expect(accept(open.id, bob)).toEqual({ ok: false, error: { code: 'banned', reason: null } });
    expect(unwrap(accept(directed.id, carol)).trade.taker.id).toBe(carol.id);
  });
});

describe('closing without a swap', () => {
  it('ban: the banned owner’s offers are taken down and refunded, and the owner is told it was the ban', () => {
    const offer = unwrap(post(bob, [['orange', 2]], [['apple', 1]]));
    const { removed } = unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: null }));
    expect(removed.map((closed) => closed.offer.id)).toEqual([offer.id]);
    expect(holdings(bob)).toEqual({ orange: 10 });
    const told = outboxFor(bob).at(-1) as Notification;
    expect(told).toMatchObject({ kind: 'offer_removed', offerId: offer.id, banned: true });
    expect(notificationText(told)).toBe(`An admin banned you from this market, so your offer #${offer.id} was taken down. 2 orange went back to your inventory.`);
  });

  it('cancel: only the owner, escrow back, and no message about what the owner just did', () => {
    const offer = unwrap(post(alice, [['apple', 4]], [['orange', 1]]));
    expect(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: bob.id })).toEqual({
      ok: false,
      error: { code: 'not_offer_owner', offerId: offer.id },
    });
    const { offer: closed, returned } = unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id }));
    expect(closed.status).toBe('cancelled');
    expect(returned).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 4 }]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
    // The owner's answer already lists what came back: a direct message would say it twice.
    expect(outboxFor(alice)).toEqual([]);
    expect(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id })).toEqual({
      ok: false,
      error: { code: 'offer_not_active', offerId: offer.id, status: 'cancelled' },
    });
  });

  it('decline: only the target of a directed offer; the owner is told who declined', () => {
    const offer = unwrap(post(alice, [['apple', 2]], [['orange', 1]], { targetId: bob.id }));
    const decline = (offerId: number, member: MemberRef) => t.core.declineOffer({ marketId: t.market.id, offerId, memberId: member.id });
    expect(decline(offer.id, carol)).toEqual({ ok: false, error: { code: 'not_the_target', offerId: offer.id, offer: 'directed_elsewhere' } });
    expect(decline(offer.id, alice)).toEqual({ ok: false, error: { code: 'not_the_target', offerId: offer.id, offer: 'own' } });
    const open = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    expect(decline(open.id, bob)).toEqual({ ok: false, error: { code: 'not_the_target', offerId: open.id, offer: 'public' } });
    expect(decline(open.id, alice)).toEqual({ ok: false, error: { code: 'not_the_target', offerId: open.id, offer: 'own' } });
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
    unwrap(t.core.declineOffer({ marketId: t.market.id, offerId: offer.id, memberId: bob.id }));
    expect(holdings(alice)).toEqual({ apple: 9, pear: 2 }); // the public offer still holds one
    expect(outboxFor(alice)).toEqual([expect.objectContaining({ kind: 'offer_declined', targetName: 'bob' })]);
  });

  it('remove: an admin takes an offer down with a reason the owner is told', () => {
    const offer = unwrap(post(alice, [['apple', 2]], [['orange', 1]]));
    const { offer: closed } = unwrap(t.core.removeOffer({ marketId: t.market.id, offerId: offer.id, adminId: admin.id, reason: 'duplicate listing' }));
    expect(closed).toMatchObject({ status: 'removed', closeReason: 'duplicate listing' });
    expect(outboxFor(alice)).toEqual([expect.objectContaining({ kind: 'offer_removed', reason: 'duplicate listing' })]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
  });

  it('remove: refuses an empty reason, since the owner must be told why', () => {
    const offer = unwrap(post(alice, [['apple', 2]], [['orange', 1]]));
    for (const reason of ['', '   ']) {
      expect(t.core.removeOffer({ marketId: t.market.id, offerId: offer.id, adminId: admin.id, reason })).toEqual({
        ok: false,
        error: { code: 'reason_required', offerId: offer.id },
      });
    }
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
    expect(outboxFor(alice)).toEqual([]);
  });

  it('ban: refuses an admin of another market (a caller’s bug) and changes nothing', () => {
    const offer = unwrap(post(alice, [['apple', 2]], [['orange', 1]]));
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200' });
    const outsider = t.core.ensureMember({ marketId: other.id, platformUserId: '77', displayName: 'outsider' });
    expect(() => t.core.banMember({ marketId: t.market.id, adminId: outsider.id, memberId: alice.id, reason: 'spam' })).toThrow(/does not belong to market/);
    expect(t.core.getMember(alice.id)?.bannedAt).toBeNull();
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
  });

  it('ban: the member’s open offers are removed and refunded', () => {
    const offer = unwrap(post(alice, [['apple', 2]], [['orange', 1]]));
    const { removed } = unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id, reason: 'scam' }));
    expect(removed.map((r) => r.offer.id)).toEqual([offer.id]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
    unwrap(t.core.unbanMember({ marketId: t.market.id, adminId: null, memberId: alice.id }));
    expect(t.core.unbanMember({ marketId: t.market.id, adminId: null, memberId: alice.id })).toEqual({ ok: false, error: { code: 'not_banned', memberName: 'alice' } });
    expect(post(alice, [['apple', 1]], [['orange', 1]]).ok).toBe(true);
  });
});

describe('expiry', () => {
  it('expires exactly the due offers, refunds them and queues the owner’s message', () => {
    const short = unwrap(post(alice, [['apple', 3]], [['orange', 1]], { hours: 1 }));
    const long = unwrap(post(alice, [['pear', 1]], [['orange', 1]], { hours: 2 }));

    t.clock.advance(HOUR - 1);
    expect(t.core.expireDueOffers().expired).toEqual([]);
    t.clock.advance(1);
    const { expired, more } = t.core.expireDueOffers();
    expect(more).toBe(false);
    expect(expired.map((e) => [e.offer.id, e.offer.status])).toEqual([[short.id, 'expired']]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 1 });
    expect(outboxFor(alice)).toEqual([{ kind: 'offer_expired', offerId: short.id, returned: [expect.objectContaining({ slug: 'apple', quantity: 3 })] }]);
    expect(t.core.getOffer(t.market.id, long.id)?.status).toBe('active');
  });

  it('an offer past its expiry that the sweep has not reached: cancelling expires it, decline and remove refuse', () => {
    const mine = unwrap(post(alice, [['apple', 3]], [['orange', 1]], { hours: 1 }));
    const directed = unwrap(post(alice, [['pear', 1]], [['orange', 1]], { hours: 1, targetId: bob.id }));
    t.clock.advance(HOUR);

    expect(t.core.declineOffer({ marketId: t.market.id, offerId: directed.id, memberId: bob.id })).toEqual({
      ok: false,
      error: { code: 'offer_expired', offerId: directed.id },
    });
    expect(t.core.removeOffer({ marketId: t.market.id, offerId: directed.id, adminId: admin.id, reason: 'spam' })).toEqual({
      ok: false,
      error: { code: 'offer_expired', offerId: directed.id },
    });

    const { offer, returned } = unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: mine.id, memberId: alice.id }));
    expect(offer.status).toBe('expired');
    expect(returned).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 3 }]);
    expect(t.core.getOffer(t.market.id, mine.id)?.status).toBe('expired');
    expect(holdings(alice)).toEqual({ apple: 10, pear: 1 });
    expect(outboxFor(alice)).toEqual([{ kind: 'offer_expired', offerId: mine.id, returned: [expect.objectContaining({ slug: 'apple', quantity: 3 })] }]);

    // The sweep then finds only the directed offer, and expires it as usual.
    expect(t.core.expireDueOffers().expired.map((e) => e.offer.id)).toEqual([directed.id]);
    expect(holdings(alice)).toEqual({ apple: 10, pear: 2 });
  });

  it('catches up in bounded batches after a long stop', () => {
    for (let i = 0; i < 7; i++) unwrap(post(alice, [['apple', 1]], [['orange', 1]], { hours: 1 }));
    t.clock.advance(24 * HOUR);
    const batches = [];
    for (let more = true; more; ) {
      const batch = t.core.expireDueOffers(3);
      batches.push(batch.expired.length);
      more = batch.more;
    }
    expect(batches).toEqual([3, 3, 1]);
    expect(holdings(alice).apple).toBe(10);
    expect(t.core.listMyOffers(alice.id, { status: 'expired' }).entries).toHaveLength(7);
  });
});

describe('listing', () => {
  it('pages the market newest first and filters by item', () => {
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 20])));
    const posted = Array.from({ length: 12 }, (_, i) => unwrap(post(alice, [['apple', 1]], [[i % 2 ? 'orange' : 'pear', 1]])).id);
    const first = unwrap(t.core.listMarketOffers(t.market.id));
    const second = unwrap(t.core.listMarketOffers(t.market.id, { cursor: first.next ?? undefined }));
    expect(first.entries.map((o) => o.id)).toEqual(posted.slice().reverse().slice(0, 10));
    expect(first.next).toEqual({ after: posted[2] });
    expect(second.entries.map((o) => o.id)).toEqual(posted.slice(0, 2).reverse());
    expect(second.next).toBeNull();
    const wantingOrange = unwrap(t.core.listMarketOffers(t.market.id, { item: 'Orange' }));
    expect(wantingOrange.entries.map((o) => o.id)).toEqual(posted.filter((_, i) => i % 2).reverse());
    expect(t.core.listMarketOffers(t.market.id, { item: 'oranje' })).toEqual({
      ok: false,
      error: { code: 'unknown_item', name: 'oranje', suggestions: ['orange'] },
    });
  });

  it('filters by item over open offers only: every way an offer ends takes it out of the item listing', () => {
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 20])));
    unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['pear', 5])));
    const giveApple = (extra: { hours?: number; targetId?: number } = {}) => unwrap(post(alice, [['apple', 1]], [['orange', 1]], extra)).id;
    const accepted = giveApple();
    const cancelled = giveApple();
    const declined = giveApple({ targetId: bob.id });
    const removed = giveApple();
    const expired = giveApple({ hours: 1 });
    const live = giveApple({ hours: 48 });
    unwrap(post(bob, [['pear', 1]], [['apple', 1]])); // wants apple: listed until bob is banned

    unwrap(accept(accepted, bob));
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: cancelled, memberId: alice.id }));
    unwrap(t.core.declineOffer({ marketId: t.market.id, offerId: declined, memberId: bob.id }));
    unwrap(t.core.removeOffer({ marketId: t.market.id, offerId: removed, adminId: admin.id, reason: 'duplicate' }));
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: 'spam' }));
    t.clock.advance(HOUR);
    expect(t.core.expireDueOffers().expired.map((e) => e.offer.id)).toEqual([expired]);

    expect(unwrap(t.core.listMarketOffers(t.market.id, { item: 'apple' })).entries.map((o) => o.id)).toEqual([live]);
    // What the listing walks: the lines still marked open are exactly those of the live offer.
    const openLines = t.db.sqlite.prepare<[], { offerId: number }>('SELECT DISTINCT offer_id AS offerId FROM offer_lines WHERE open = 1').all();
    expect(openLines.map((row) => row.offerId)).toEqual([live]);
  });

  it('lists a member’s own offers by status', () => {
    const a = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    const b = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: a.id, memberId: alice.id }));
    expect(t.core.listMyOffers(alice.id).entries.map((o) => o.id)).toEqual([b.id, a.id]);
    expect(t.core.listMyOffers(alice.id, { status: 'active' }).entries.map((o) => o.id)).toEqual([b.id]);
    expect(t.core.listMyOffers(alice.id, { status: 'cancelled' }).entries.map((o) => o.id)).toEqual([a.id]);
  });
});

describe('market scope', () => {
  it('will not let a member of another market act here, whatever ids a caller passes', () => {
    const other = t.core.ensureMarket({ platform: 'telegram', platformMarketId: '-200' });
    const stranger = t.core.ensureMember({ marketId: other.id, platformUserId: '99', displayName: 'stranger' });
    const offer = unwrap(post(alice, [['apple', 1]], [['orange', 1]]));
    expect(() => t.core.grantItems(t.market.id, admin.id, stranger.id, items(['apple', 1]))).toThrow(/does not belong to market/);
    expect(() => t.core.postOffer({ marketId: t.market.id, ownerId: stranger.id, give: items(['apple', 1]), want: items(['orange', 1]) })).toThrow(/does not belong/);
    expect(() => accept(offer.id, stranger)).toThrow(/does not belong/);
    expect(() => t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: stranger.id })).toThrow(/does not belong/);
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
  });
});
