// Issue 10, confirm settlement: every transition and refusal of a trade in settlement, on a real
// database with an injected clock for each timeout.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberRef, OfferView } from '../../src/core/types.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef, carol: MemberRef;

/** What `member` holds of `slug`, outside escrow. */
const holds = (member: MemberRef, slug: string) =>
  t.core.getInventory(member.id).holdings.find((entry) => entry.item.slug === slug)?.quantity ?? 0;
/** The notifications `member` has been sent, oldest first, as kinds with their payloads. */
const told = (member: MemberRef) =>
  (t.db.sqlite.prepare('SELECT payload FROM outbox WHERE recipient_id = ? ORDER BY id').all(member.id) as Array<{ payload: string }>).map(
    (row) => JSON.parse(row.payload) as { kind: string; [key: string]: unknown },
  );
const kinds = (member: MemberRef) => told(member).map((n) => n.kind);
const ref = (member: MemberRef, tradeId: number) => ({ marketId: t.market.id, tradeId, memberId: member.id });
const confirm = (member: MemberRef, tradeId: number) => t.core.confirmTrade(ref(member, tradeId));
const reject = (member: MemberRef, tradeId: number) => t.core.rejectTrade(ref(member, tradeId));
const withdraw = (member: MemberRef, tradeId: number) => t.core.withdrawTrade(ref(member, tradeId));
const offerStatus = (offerId: number) => t.core.getOffer(t.market.id, offerId)?.status;

let offer: OfferView;
/** Alice's offer (2 apple for 3 orange, 48 h) taken by Bob: a pending trade. */
function takeOffer(hours = 48) {
  offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 3]), hours }));
  return unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
}

beforeEach(() => {
  t = createTestMarket();
  [admin, alice, bob, carol] = [t.member('admin'), t.member('alice'), t.member('bob'), t.member('carol')];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 10])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 10])));
  unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 10])));
  unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'confirm' }));
});
afterEach(() => {
  checkInvariants(t);
  t.cleanup();
});

describe('market settings', () => {
  it('lists the defaults and takes new values within limits, refusing others with what they take', () => {
    const fresh = createTestMarket({ limits: 'shipped' });
    try {
      expect(fresh.core.listMarketSettings(fresh.market.id).map(({ name, value, isDefault }) => [name, value, isDefault])).toEqual([
        ['settlement', 'instant', true],
        ['accept-hours', '24', true],
        ['confirm-hours', '72', true],
        ['receipt-hours', '72', true],
        ['loops', 'on', true],
        ['event-max-loop', 'none', true],
        ['rate-commands', '10', true],
        ['rate-seconds', '30', true],
        ['max-open-offers', '20', true],
        ['newcomer-hours', 'off', true],
        ['account-days', 'off', true],
      ]);
      expect(unwrap(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'event-max-loop', value: '3' }))).toMatchObject({ value: '3', isDefault: false });
      expect(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'event-max-loop', value: '1' })).toMatchObject({ ok: false, error: { code: 'invalid_setting_value', allowed: 'a whole number from 2 to 100, or none' } });
      expect(unwrap(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'loops', value: 'OFF' }))).toMatchObject({ value: 'off', isDefault: false });
      expect(fresh.core.loopsEnabled(fresh.market.id)).toBe(false);
      expect(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'loops', value: 'maybe' })).toMatchObject({ ok: false, error: { code: 'invalid_setting_value', allowed: 'on, off' } });
      expect(unwrap(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'accept-hours', value: '6' }))).toMatchObject({ value: '6', isDefault: false });
      for (const value of ['0', '721', 'soon', '1.5']) {
        const refused = fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'accept-hours', value });
        expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_setting_value', allowed: 'a whole number of hours from 1 to 720' } });
      }
      expect(fresh.core.setMarketSetting({ marketId: fresh.market.id, adminId: null, name: 'settlement', value: 'later' })).toMatchObject({ ok: false, error: { allowed: 'instant, confirm' } });
      expect(fresh.core.marketSettings(fresh.market.id)).toMatchObject({ settlement: 'instant', acceptHours: 6 });
    } finally {
      fresh.cleanup();
    }
  });
});

describe('accepting in a confirm market', () => {
  it('starts a pending trade: the taker’s items go to the trade’s escrow, the offer is settling and nobody else can take it', () => {
    const trade = takeOffer();
    expect(trade).toMatchObject({ status: 'pending', acceptedAt: null, confirmedAt: null, completedAt: null, cancelReason: null, dueAt: t.clock() + 24 * HOUR });
    expect(holds(bob, 'orange')).toBe(7);
    expect(t.core.getInventory(bob.id).holdings.some((e) => e.item.slug === 'apple')).toBe(false);
    expect(offerStatus(offer.id)).toBe('settling');
    expect(t.core.getOffer(t.market.id, offer.id)).toMatchObject({ acceptedBy: { id: bob.id }, tradeId: trade.id });
    expect(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: carol.id })).toMatchObject({
      ok: false,
      error: { code: 'offer_not_active', status: 'settling' },
    });
    expect(t.core.cancelOffer({ marketId: t.market.id, offerId: offer.id, memberId: alice.id })).toMatchObject({ ok: false, error: { code: 'offer_not_active' } });
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_requested', tradeId: trade.id, takerName: 'bob', held: [{ slug: 'orange', quantity: 3 }] });
    expect(kinds(bob)).toEqual([]);
  });

  it('the taker’s inventory shows what the trade holds in escrow, until it ends', () => {
    const trade = takeOffer();
    expect(t.core.getInventory(bob.id).tradeEscrow).toEqual([{ tradeId: trade.id, items: [{ item: expect.objectContaining({ slug: 'orange' }), quantity: 3 }] }]);
    expect(t.core.getInventory(alice.id)).toMatchObject({ escrow: [{ offerId: offer.id }], tradeEscrow: [] });
    unwrap(withdraw(bob, trade.id));
    expect(t.core.getInventory(bob.id).tradeEscrow).toEqual([]);
  });

  it('still refuses an expired offer, a banned taker and a taker who lacks the items', () => {
    offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 30]), hours: 1 }));
    expect(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).toMatchObject({ ok: false, error: { code: 'items_short' } });
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: carol.id }));
    expect(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: carol.id })).toMatchObject({ ok: false, error: { code: 'banned' } });
    t.clock.advance(HOUR);
    expect(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).toMatchObject({ ok: false, error: { code: 'offer_expired' } });
  });
});

describe('the steps', () => {
  it('owner accepts, confirms the handover, taker confirms receipt: both escrows move, each step tells the other side', () => {
    const trade = takeOffer();
    t.clock.advance(HOUR);
    expect(unwrap(confirm(alice, trade.id))).toMatchObject({ step: 'accepted', trade: { status: 'processing', acceptedAt: t.clock(), dueAt: t.clock() + 72 * HOUR } });
    expect(told(bob).at(-1)).toMatchObject({ kind: 'settlement_accepted', tradeId: trade.id, ownerName: 'alice' });
    t.clock.advance(HOUR);
    expect(unwrap(confirm(alice, trade.id))).toMatchObject({ step: 'handed_over', trade: { status: 'processing', confirmedAt: t.clock() } });
    expect(told(bob).at(-1)).toMatchObject({ kind: 'settlement_handed_over', received: [{ slug: 'apple', quantity: 2 }] });
    expect(holds(bob, 'apple')).toBe(0);
    t.clock.advance(HOUR);
    expect(unwrap(confirm(bob, trade.id))).toMatchObject({ step: 'completed', trade: { status: 'completed', completedAt: t.clock(), dueAt: null }, offer: { status: 'completed' } });
    expect([holds(alice, 'apple'), holds(alice, 'orange'), holds(bob, 'apple'), holds(bob, 'orange')]).toEqual([8, 3, 2, 7]);
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_completed', otherName: 'bob', received: [{ slug: 'orange', quantity: 3 }], byTimeout: false });
    expect(kinds(bob)).toEqual(['settlement_accepted', 'settlement_handed_over']);
    expect(unwrap(t.core.rateTrade({ ...ref(bob, trade.id), stars: 5 }))).toMatchObject({ ratingByTaker: 5 });
  });

  it('refuses the wrong party, the other side’s step and a trade of someone else', () => {
    const trade = takeOffer();
    expect(confirm(carol, trade.id)).toMatchObject({ ok: false, error: { code: 'not_trade_party' } });
    expect(withdraw(carol, trade.id)).toMatchObject({ ok: false, error: { code: 'not_trade_party' } });
    expect(confirm(bob, trade.id)).toMatchObject({ ok: false, error: { code: 'not_your_step', waitingFor: 'owner', step: 'accept' } });
    expect(reject(bob, trade.id)).toMatchObject({ ok: false, error: { code: 'not_trade_owner' } });
    expect(confirm(alice, trade.id + 100)).toMatchObject({ ok: false, error: { code: 'trade_not_found' } });
    unwrap(confirm(alice, trade.id));
    expect(confirm(bob, trade.id)).toMatchObject({ ok: false, error: { code: 'not_your_step', step: 'handover' } });
    expect(reject(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_already_accepted' } });
    unwrap(confirm(alice, trade.id));
    expect(confirm(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'not_your_step', waitingFor: 'taker', step: 'receipt' } });
    expect(withdraw(bob, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_handed_over' } });
    expect(withdraw(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_handed_over' } });
    unwrap(confirm(bob, trade.id));
    expect(confirm(bob, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_not_in_settlement', status: 'completed' } });
    expect(withdraw(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_not_in_settlement' } });
  });

  it('refuses a banned party and a trade settled instantly', () => {
    const trade = takeOffer();
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id }));
    expect(confirm(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'banned' } });
    expect(offerStatus(offer.id)).toBe('settling'); // a ban takes open offers down, not one in settlement
    unwrap(t.core.unbanMember({ marketId: t.market.id, adminId: null, memberId: alice.id }));
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'instant' }));
    const instant = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    const done = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: instant.id, takerId: carol.id })).trade;
    expect(done.status).toBe('completed');
    expect(confirm(alice, done.id)).toMatchObject({ ok: false, error: { code: 'trade_not_in_settlement', status: 'completed' } });
    // The pending trade started under confirm keeps going after the market switched back.
    expect(unwrap(confirm(alice, trade.id)).step).toBe('accepted');
  });

  it('owner rejects: the taker is refunded and told, the offer is open again and may be taken by someone else', () => {
    const trade = takeOffer();
    expect(unwrap(reject(alice, trade.id))).toMatchObject({ step: 'rejected', trade: { status: 'cancelled', cancelReason: 'seller_rejected' }, offer: { status: 'active', acceptedBy: null, tradeId: null } });
    expect(holds(bob, 'orange')).toBe(10);
    expect(told(bob).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'seller_rejected', returned: [{ slug: 'orange', quantity: 3 }] });
    expect(kinds(alice)).toEqual(['settlement_requested']);
    const second = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: carol.id })).trade;
    expect(second).toMatchObject({ status: 'pending', taker: { id: carol.id } });
    expect(t.core.getOffer(t.market.id, offer.id)?.tradeId).toBe(second.id);
  });

  it('either side withdraws before the handover, with the reason naming who', () => {
    const first = takeOffer();
    expect(unwrap(withdraw(bob, first.id)).trade).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled_by_buyer' });
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'cancelled_by_buyer', returned: [], offer: 'open' });
    const second = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: carol.id })).trade;
    unwrap(confirm(alice, second.id));
    expect(unwrap(withdraw(alice, second.id)).trade).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled_by_seller' });
    expect(told(carol).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'cancelled_by_seller', returned: [{ slug: 'orange', quantity: 3 }] });
    expect(holds(carol, 'orange')).toBe(10);
    expect(offerStatus(offer.id)).toBe('active');
  });

  it('a cancelled trade whose offer’s time has passed expires the offer, refunding and telling its owner', () => {
    const trade = takeOffer(2);
    t.clock.advance(3 * HOUR);
    unwrap(withdraw(bob, trade.id));
    expect(offerStatus(offer.id)).toBe('expired');
    expect(holds(alice, 'apple')).toBe(10);
    expect(told(alice)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'settlement_cancelled', offer: 'expired' }),
        expect.objectContaining({ kind: 'offer_expired', returned: [{ slug: 'apple', quantity: 2, name: 'apple', emoji: null }] }),
      ]),
    );
  });
});

describe('timeouts', () => {
  it('the owner not accepting in time cancels it (seller_accept_timeout), on the hour the market set, telling both', () => {
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'accept-hours', value: '6' }));
    const trade = takeOffer();
    t.clock.advance(6 * HOUR - 1);
    expect(t.core.applyDueSettlementTimeouts().applied).toEqual([]);
    t.clock.advance(1);
    const { applied } = t.core.applyDueSettlementTimeouts();
    expect(applied.map((a) => [a.trade.id, a.trade.status, a.trade.cancelReason])).toEqual([[trade.id, 'cancelled', 'seller_accept_timeout']]);
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'seller_accept_timeout', offer: 'open' });
    expect(told(bob).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'seller_accept_timeout', returned: [{ slug: 'orange', quantity: 3 }] });
    expect(t.core.applyDueSettlementTimeouts().applied).toEqual([]);
  });

  it('the owner not confirming the handover in time cancels it (seller_confirm_timeout)', () => {
    const trade = takeOffer(200);
    unwrap(confirm(alice, trade.id));
    t.clock.advance(72 * HOUR);
    expect(t.core.applyDueSettlementTimeouts().applied[0]?.trade).toMatchObject({ status: 'cancelled', cancelReason: 'seller_confirm_timeout' });
    expect(holds(bob, 'orange')).toBe(10);
    expect(offerStatus(offer.id)).toBe('active');
  });

  it('the taker not confirming receipt in time completes it by itself, telling both', () => {
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'receipt-hours', value: '12' }));
    const trade = takeOffer();
    unwrap(confirm(alice, trade.id));
    unwrap(confirm(alice, trade.id));
    t.clock.advance(12 * HOUR);
    expect(t.core.applyDueSettlementTimeouts().applied[0]?.trade).toMatchObject({ status: 'completed', cancelReason: null });
    expect([holds(alice, 'orange'), holds(bob, 'apple')]).toEqual([3, 2]);
    for (const member of [alice, bob]) expect(told(member).at(-1)).toMatchObject({ kind: 'settlement_completed', byTimeout: true });
  });

  it('a step after its deadline applies the timeout instead, once, and the sweep then finds nothing', () => {
    const trade = takeOffer();
    t.clock.advance(24 * HOUR);
    expect(unwrap(confirm(alice, trade.id))).toMatchObject({ step: 'timed_out', trade: { status: 'cancelled', cancelReason: 'seller_accept_timeout' } });
    expect(t.core.applyDueSettlementTimeouts().applied).toEqual([]);
    expect(confirm(alice, trade.id)).toMatchObject({ ok: false, error: { code: 'trade_not_in_settlement', cancelReason: 'seller_accept_timeout' } });
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'seller_accept_timeout' });
    expect(told(bob).at(-1)).toMatchObject({ kind: 'settlement_cancelled', reason: 'seller_accept_timeout' });
  });

  it('catches up after downtime in bounded batches, each trade once', () => {
    const trades = [1, 2, 3].map(() => takeOffer());
    t.clock.advance(30 * HOUR);
    const first = t.core.applyDueSettlementTimeouts(2);
    expect(first).toMatchObject({ more: true });
    const rest = [t.core.applyDueSettlementTimeouts(2), t.core.applyDueSettlementTimeouts(2)];
    expect(rest[0]?.applied).toHaveLength(1);
    const ids = [first, ...rest].flatMap((batch) => batch.applied.map((a) => a.trade.id));
    expect(ids.sort()).toEqual(trades.map((trade) => trade.id).sort());
    expect(rest[1]?.more).toBe(false);
  });
});

describe('listing trades', () => {
  it('filters by one state, several states, and the active / inactive groups', () => {
    const completedTrade = takeOffer();
    unwrap(confirm(alice, completedTrade.id));
    unwrap(confirm(alice, completedTrade.id));
    unwrap(confirm(bob, completedTrade.id));
    const cancelled = takeOffer();
    unwrap(withdraw(bob, cancelled.id));
    const pending = takeOffer();
    const ids = (filter: Parameters<TestMarket['core']['listTrades']>[1]) => t.core.listTrades(bob.id, filter).entries.map((e) => e.id);
    expect(ids({ filter: 'active' })).toEqual([pending.id]);
    expect(ids({ filter: 'inactive' })).toEqual([cancelled.id, completedTrade.id]);
    expect(ids({ filter: ['pending', 'cancelled'] })).toEqual([pending.id, cancelled.id]);
    expect(ids({ filter: 'processing' })).toEqual([]);
  });
});

describe('counters and settlement', () => {
  const counter = (member: MemberRef, offerId: number, give: [string, number], want: [string, number]) =>
    unwrap(t.core.counterOffer({ marketId: t.market.id, offerId, memberId: member.id, give: items(give), want: items(want) })).counter;
  const closeReason = (offerId: number) => t.core.getOffer(t.market.id, offerId)?.closeReason;

  /** Bob counters Alice's offer (4 orange for 2 apple) and Alice accepts the counter: a pending trade on the counter, the original countered. */
  function acceptBobsCounter() {
    offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 3]), hours: 48 }));
    const made = counter(bob, offer.id, ['orange', 4], ['apple', 2]);
    const accepted = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: made.id, takerId: alice.id }));
    expect(accepted.offer.status).toBe('settling');
    expect(offerStatus(offer.id)).toBe('countered');
    return { made, trade: accepted.trade };
  }
  /** After the counter's settlement fell through: it ended (it has no original to wait on), everyone has their items back. */
  function expectCounterEnded(made: OfferView) {
    expect(offerStatus(made.id)).toBe('declined');
    expect(closeReason(made.id)).toBe('original_ended');
    expect(holds(bob, 'orange')).toBe(10);
    expect(holds(alice, 'apple')).toBe(10);
    expect(told(bob)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'counter_ended', offerId: made.id, originalId: offer.id, originalStatus: 'countered' })]));
  }

  it('a counter accepted in a confirm market whose owner then rejects ends instead of reopening', () => {
    const { made, trade } = acceptBobsCounter();
    expect(unwrap(reject(bob, trade.id)).offer.status).toBe('declined');
    expectCounterEnded(made);
    expect(told(alice).at(-1)).toMatchObject({ kind: 'settlement_cancelled', offer: 'ended', returned: [{ slug: 'apple', quantity: 2 }] });
  });

  it('a counter accepted in a confirm market ends when its taker withdraws', () => {
    const { made, trade } = acceptBobsCounter();
    unwrap(withdraw(alice, trade.id));
    expectCounterEnded(made);
    expect(told(bob)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'settlement_cancelled', offer: 'ended' })]));
  });

  it('a counter accepted in a confirm market ends when its settlement times out', () => {
    const { made } = acceptBobsCounter();
    t.clock.advance(25 * HOUR);
    expect(t.core.applyDueSettlementTimeouts().applied).toHaveLength(1);
    expectCounterEnded(made);
  });

  it('counters wait while the offer is settling and end when the settlement completes', () => {
    offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 3]), hours: 48 }));
    const waiting = counter(carol, offer.id, ['orange', 5], ['apple', 2]);
    const trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
    expect(offerStatus(waiting.id)).toBe('active');
    expect(t.core.counterOffer({ marketId: t.market.id, offerId: offer.id, memberId: bob.id, give: items(['orange', 1]), want: items(['apple', 1]) })).toMatchObject({
      ok: false,
      error: { code: 'offer_not_active', status: 'settling' },
    });
    unwrap(confirm(alice, trade.id));
    unwrap(confirm(alice, trade.id));
    unwrap(confirm(bob, trade.id));
    expect(offerStatus(offer.id)).toBe('completed');
    expect(offerStatus(waiting.id)).toBe('declined');
    expect(holds(carol, 'orange')).toBe(10);
    expect(told(carol).at(-1)).toMatchObject({ kind: 'counter_ended', offerId: waiting.id, originalStatus: 'completed' });
  });

  it('counters made before the accept wait through a settlement that falls through, and may then be accepted', () => {
    offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 3]), hours: 48 }));
    const waiting = counter(carol, offer.id, ['orange', 5], ['apple', 2]);
    const trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
    expect(offerStatus(waiting.id)).toBe('active');
    expect(kinds(carol)).toEqual([]);
    unwrap(withdraw(bob, trade.id));
    expect(offerStatus(offer.id)).toBe('active');
    expect(offerStatus(waiting.id)).toBe('active');
    expect(unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: waiting.id, takerId: alice.id })).offer.status).toBe('settling');
    expect(offerStatus(offer.id)).toBe('countered');
  });

  it('refuses accepting a counter to an offer being settled, changing nothing', () => {
    offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 3]), hours: 48 }));
    const waiting = counter(carol, offer.id, ['orange', 5], ['apple', 2]);
    unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id }));
    const before = { alice: t.core.getInventory(alice.id), carol: t.core.getInventory(carol.id), outbox: told(alice).length };
    const refused = t.core.acceptOffer({ marketId: t.market.id, offerId: waiting.id, takerId: alice.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'counter_original_in_settlement', offerId: waiting.id, originalId: offer.id } });
    expect(offerStatus(offer.id)).toBe('settling');
    expect(offerStatus(waiting.id)).toBe('active');
    expect({ alice: t.core.getInventory(alice.id), carol: t.core.getInventory(carol.id), outbox: told(alice).length }).toEqual(before);
  });
});

describe('a banned owner', () => {
  it('their offer does not reopen when its settlement falls through: it is removed, its escrow back to them, and they are told', () => {
    const trade = takeOffer();
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id, reason: 'spam' }));
    expect(offerStatus(offer.id)).toBe('settling');
    expect(unwrap(withdraw(bob, trade.id)).offer.status).toBe('removed');
    expect(holds(alice, 'apple')).toBe(10);
    expect(holds(bob, 'orange')).toBe(10);
    expect(told(alice)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'settlement_cancelled', offer: 'removed' }),
        expect.objectContaining({ kind: 'offer_removed', offerId: offer.id, reason: 'spam', banned: true }),
      ]),
    );
  });
});
