// History, ratings and profiles after a swap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';
import type { MemberRef, TradeView } from '../../src/core/types.js';

let t: TestMarket;
let alice: MemberRef, bob: MemberRef, carol: MemberRef;
let trade: TradeView;

const rate = (member: MemberRef, stars: number, comment?: string, tradeId = trade.id) =>
  t.core.rateTrade({ marketId: t.market.id, tradeId, memberId: member.id, stars, comment });

beforeEach(() => {
  t = createTestMarket();
  const admin = t.member('admin');
  [alice, bob, carol] = [t.member('alice'), t.member('bob'), t.member('carol')];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 5])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 5])));
  const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 1]) }));
  trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
});
afterEach(() => t.cleanup());

describe('trade history', () => {
  it('shows the trade to both sides with what each gave', () => {
    for (const member of [alice, bob]) {
      const [entry] = t.core.listTrades(member.id).entries;
      expect(entry).toMatchObject({ id: trade.id, owner: { id: alice.id }, taker: { id: bob.id }, status: 'completed' });
      expect(entry?.ownerGave).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 2 }]);
      expect(entry?.takerGave).toEqual([{ item: expect.objectContaining({ slug: 'orange' }), quantity: 1 }]);
    }
    expect(t.core.listTrades(carol.id).entries).toEqual([]);
  });

  it('filters by group or state', () => {
    expect(t.core.listTrades(alice.id, { filter: 'inactive' }).entries).toHaveLength(1);
    expect(t.core.listTrades(alice.id, { filter: 'completed' }).entries).toHaveLength(1);
    expect(t.core.listTrades(alice.id, { filter: 'active' }).entries).toEqual([]);
    expect(t.core.listTrades(alice.id, { filter: ['pending', 'cancelled'] }).entries).toEqual([]);
  });

  it('shows one trade only to its parties', () => {
    expect(unwrap(t.core.getTrade(t.market.id, trade.id, bob.id)).id).toBe(trade.id);
    expect(t.core.getTrade(t.market.id, trade.id, carol.id)).toEqual({ ok: false, error: { code: 'not_trade_party', tradeId: trade.id } });
    expect(t.core.getTrade(t.market.id, 999, bob.id)).toEqual({ ok: false, error: { code: 'trade_not_found', tradeId: 999 } });
  });
});

describe('ratings', () => {
  it('lets each side rate the other once and tells the one rated', () => {
    expect(unwrap(rate(bob, 5, 'smooth trade'))).toMatchObject({ ratingByTaker: 5, commentByTaker: 'smooth trade', ratingByOwner: null });
    expect(unwrap(rate(alice, 4))).toMatchObject({ ratingByOwner: 4, ratingByTaker: 5 });
    expect(rate(bob, 1)).toEqual({ ok: false, error: { code: 'already_rated', tradeId: trade.id } });
    expect(unwrap(t.core.getTrade(t.market.id, trade.id, bob.id)).ratingByTaker).toBe(5);
    const told = t.db.sqlite.prepare<[], { recipient_id: number; payload: string }>("SELECT recipient_id, payload FROM outbox WHERE kind = 'trade_rated' ORDER BY id").all();
    expect(told.map((row) => [row.recipient_id, JSON.parse(row.payload).stars])).toEqual([[alice.id, 5], [bob.id, 4]]);
  });

  it('refuses stars outside 1-5, a comment over 500 characters, and outsiders', () => {
    for (const stars of [0, 6, 2.5]) expect(rate(bob, stars)).toEqual({ ok: false, error: { code: 'stars_out_of_range', stars } });
    expect(rate(bob, 5, 'x'.repeat(501))).toEqual({ ok: false, error: { code: 'text_too_long', field: 'comment', max: 500 } });
    expect(rate(carol, 5)).toEqual({ ok: false, error: { code: 'not_trade_party', tradeId: trade.id } });
    expect(rate(bob, 5, undefined, 404)).toEqual({ ok: false, error: { code: 'trade_not_found', tradeId: 404 } });
    expect(unwrap(t.core.getTrade(t.market.id, trade.id, bob.id)).ratingByTaker).toBeNull();
  });

  it('refuses a rating from a member banned after the trade, telling nobody', () => {
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: t.member('admin').id, memberId: bob.id, reason: 'spam' }));
    expect(rate(bob, 1)).toEqual({ ok: false, error: { code: 'banned_rater', reason: 'spam' } });
    expect(t.core.listTrades(alice.id).entries[0]?.ratingByTaker).toBeNull();
    expect(rate(alice, 5).ok).toBe(true);
  });

  it('refuses to rate a trade still in settlement', () => {
    // Instant settlement completes every trade; a confirm-settlement trade waits in `processing`.
    t.db.sqlite.prepare("UPDATE trades SET status = 'processing' WHERE id = ?").run(trade.id);
    expect(rate(bob, 5)).toEqual({ ok: false, error: { code: 'trade_not_completed', tradeId: trade.id, status: 'processing' } });
  });
});

describe('profile', () => {
  it('counts completed trades and weighs the stars others gave by partner, from the prior', () => {
    expect(t.core.getProfile(alice.id)).toMatchObject({ tradesCompleted: 1, reputation: { score: 3, partners: 0, ratings: 0 } });
    unwrap(rate(bob, 4));
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    const second = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
    unwrap(rate(bob, 5, undefined, second.id));
    unwrap(rate(alice, 2, undefined, second.id));
    // Bob's two ratings of Alice are one partner's mean, 4.5: (5 x 3 + 4.5) / 6.
    expect(t.core.getProfile(alice.id)).toMatchObject({ tradesCompleted: 2, reputation: { score: 3.25, partners: 1, ratings: 2 } });
    expect(t.core.getProfile(bob.id)).toMatchObject({ tradesCompleted: 2, reputation: { partners: 1, ratings: 1 } });
    expect(t.core.getProfile(bob.id)?.reputation.score).toBeCloseTo(17 / 6, 10);
    expect(t.core.getProfile(carol.id)).toMatchObject({ tradesCompleted: 0, reputation: { score: 3, partners: 0 }, latestReviews: [] });
  });
});
