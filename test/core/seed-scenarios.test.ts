// The two scenarios of the data-layer spec (seed 003), end to end through the core.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
beforeEach(() => {
  t = createTestMarket();
});
afterEach(() => t.cleanup());

describe('seed 003 scenarios', () => {
  it('refuses to post the same 5 apples twice: the first post holds them in escrow', () => {
    const admin = t.member('admin');
    const alice = t.member('alice');
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 5])));

    const first = t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 5]), want: items(['orange', 5]) });
    expect(first.ok).toBe(true);
    const second = t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 5]), want: items(['orange', 5]) });

    expect(second).toEqual({
      ok: false,
      error: { code: 'items_short', shortages: [{ item: expect.objectContaining({ slug: 'apple' }), missing: 5, have: 0 }] },
    });
    const inventory = t.core.getInventory(alice.id);
    expect(inventory.holdings).toEqual([]);
    expect(inventory.escrow).toEqual([{ offerId: first.ok ? first.value.id : -1, items: [{ item: expect.objectContaining({ slug: 'apple' }), quantity: 5 }] }]);
    expect(t.core.listMyOffers(alice.id).entries).toHaveLength(1);
  });

  it('lets exactly one of two members accepting the same offer win; the other is told it is gone', () => {
    const admin = t.member('admin');
    const [alice, bob, carol] = [t.member('alice'), t.member('bob'), t.member('carol')];
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 5])));
    unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 5])));
    unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 5])));
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 5]), want: items(['orange', 5]) }));

    // Both requests arrive at the same moment; the core serialises them on the write lock.
    const [fromBob, fromCarol] = [bob, carol].map((taker) => t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: taker.id }));

    expect(fromBob?.ok).toBe(true);
    expect(fromCarol).toEqual({ ok: false, error: { code: 'offer_not_active', offerId: offer.id, status: 'completed' } });
    expect(t.core.getInventory(bob.id).holdings.map((h) => [h.item.slug, h.quantity])).toEqual([['apple', 5]]);
    expect(t.core.getInventory(carol.id).holdings.map((h) => [h.item.slug, h.quantity])).toEqual([['orange', 5]]);
    expect(t.core.getInventory(alice.id).holdings.map((h) => [h.item.slug, h.quantity])).toEqual([['orange', 5]]);
    expect(t.core.audit().ok).toBe(true);
  });
});
