// Archiving a catalog item: it leaves the catalog for new offers and grants, once nothing live
// (a holding, an open offer, a trade in settlement) has it; its history stays.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
const pear = () => t.core.findItem(t.market.id, 'pear')!;
const holdings = (name: string) =>
  Object.fromEntries(t.core.getInventory(t.member(name).id).holdings.map(({ item, quantity }) => [item.slug, quantity]));

beforeEach(() => {
  t = createTestMarket();
  const admin = t.member('admin').id;
  unwrap(t.core.grantItems(t.market.id, admin, t.member('alice').id, items(['apple', 10])));
  unwrap(t.core.grantItems(t.market.id, admin, t.member('bob').id, items(['orange', 10])));
});
afterEach(() => {
  checkInvariants(t);
  t.cleanup();
});

describe('archiving an item', () => {
  it('takes it out of the catalog listing, yet it is still found by name', () => {
    const archived = unwrap(t.core.archiveItem(t.market.id, null, 'Pear'));
    expect(archived).toMatchObject({ slug: 'pear', archivedAt: t.clock() });
    expect(t.core.listItems(t.market.id).map((item) => item.slug)).toEqual(['apple', 'orange']);
    expect(t.core.listItems(t.market.id, 'archived').map((item) => item.slug)).toEqual(['pear']);
    expect(t.core.listItems(t.market.id, 'all').map((item) => item.slug)).toEqual(['apple', 'orange', 'pear']);
    expect(t.core.findItem(t.market.id, 'pear')?.archivedAt).toBe(t.clock());
  });

  it('refuses it in new offers, on either side, and in grants, changing nothing', () => {
    unwrap(t.core.archiveItem(t.market.id, null, 'pear'));
    const before = t.core.audit().totals;
    const post = (give: string, want: string) =>
      t.core.postOffer({ marketId: t.market.id, ownerId: t.member('alice').id, give: items([give, 1]), want: items([want, 1]) });
    const refusedOffer = { ok: false, error: { code: 'item_archived', item: expect.objectContaining({ slug: 'pear' }), use: 'offer' } };
    expect(post('pear', 'orange')).toEqual(refusedOffer);
    expect(post('apple', 'pear')).toEqual(refusedOffer);
    expect(t.core.grantItems(t.market.id, t.member('admin').id, t.member('carol').id, items(['apple', 1], ['pear', 1]))).toEqual({
      ok: false,
      error: { code: 'item_archived', item: expect.objectContaining({ slug: 'pear' }), use: 'grant' },
    });
    expect(t.core.audit().totals).toEqual(before);
    expect(t.core.listMyOffers(t.member('alice').id).entries).toEqual([]);
  });

  it('does not suggest an archived item for a misspelt name in a new offer, but does to a revoke', () => {
    unwrap(t.core.archiveItem(t.market.id, null, 'pear'));
    const offer = t.core.postOffer({ marketId: t.market.id, ownerId: t.member('alice').id, give: items(['apple', 1]), want: items(['peer', 1]) });
    expect(offer).toMatchObject({ ok: false, error: { code: 'unknown_item', suggestions: [] } });
    const revoke = t.core.revokeItems(t.market.id, t.member('admin').id, t.member('alice').id, items(['peer', 1]));
    expect(revoke).toMatchObject({ ok: false, error: { code: 'unknown_item', suggestions: ['pear'] } });
  });

  it('is refused while anyone holds it, an open offer names it or a trade in settlement holds it, saying who, and changes nothing', () => {
    const admin = t.member('admin').id;
    const alice = t.member('alice').id;
    const bob = t.member('bob').id;
    const archive = () => t.core.archiveItem(t.market.id, admin, 'pear');
    const inUse = (holders: [number, string[]], offers: [number, number[]], trades: [number, number[]], entries: [number, number[]] = [0, []]) => ({
      ok: false,
      error: {
        code: 'item_in_use',
        item: expect.objectContaining({ slug: 'pear' }),
        holders: { count: holders[0], names: holders[1] },
        offers: { count: offers[0], ids: offers[1] },
        trades: { count: trades[0], ids: trades[1] },
        entries: { count: entries[0], ids: entries[1] },
      },
    });
    for (const name of ['dora', 'carol', 'erin', 'frank']) unwrap(t.core.grantItems(t.market.id, admin, t.member(name).id, items(['pear', 1])));
    expect(archive()).toEqual(inUse([4, ['carol', 'dora', 'erin']], [0, []], [0, []]));
    for (const name of ['dora', 'carol', 'erin', 'frank']) unwrap(t.core.revokeItems(t.market.id, admin, t.member(name).id, items(['pear', 1])));

    // Entered in a math-trade event: the entry's escrow holds it until the close or a withdrawal.
    unwrap(t.core.grantItems(t.market.id, admin, alice, items(['pear', 1])));
    unwrap(t.core.openEvent({ marketId: t.market.id, adminId: admin, name: 'Swap' }));
    const entry = unwrap(t.core.addEntry({ marketId: t.market.id, memberId: alice, items: [{ name: 'pear', quantity: 1 }] }));
    expect(archive()).toEqual(inUse([0, []], [0, []], [0, []], [1, [entry.id]]));
    unwrap(t.core.withdrawEntry({ marketId: t.market.id, memberId: alice, entryId: entry.id }));
    unwrap(t.core.revokeItems(t.market.id, admin, alice, items(['pear', 1])));

    // Wanted by an open offer: nobody holds it, yet the offer still promises it.
    const wants = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice, give: items(['apple', 1]), want: items(['pear', 1]) }));
    expect(archive()).toEqual(inUse([0, []], [1, [wants.id]], [0, []]));
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: wants.id, memberId: alice }));

    // In a settlement: the taker's pear waits in the trade's escrow.
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: admin, name: 'settlement', value: 'confirm' }));
    unwrap(t.core.grantItems(t.market.id, admin, bob, items(['pear', 1])));
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice, give: items(['apple', 1]), want: items(['pear', 1]) }));
    const { trade } = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob }));
    const before = t.core.listModerationLog(t.market.id).entries.length;
    expect(archive()).toEqual(inUse([0, []], [1, [offer.id]], [1, [trade.id]]));
    expect(t.core.findItem(t.market.id, 'pear')?.archivedAt).toBeNull();
    expect(t.core.listModerationLog(t.market.id).entries).toHaveLength(before);
  });

  it('keeps the trades it was in: their history still names it', () => {
    const alice = t.member('alice').id;
    const bob = t.member('bob').id;
    unwrap(t.core.grantItems(t.market.id, t.member('admin').id, bob, items(['pear', 1])));
    const traded = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: bob, give: items(['pear', 1]), want: items(['apple', 1]) }));
    const trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: traded.id, takerId: alice })).trade;
    unwrap(t.core.revokeItems(t.market.id, t.member('admin').id, alice, items(['pear', 1])));

    unwrap(t.core.archiveItem(t.market.id, t.member('admin').id, 'pear'));
    expect(unwrap(t.core.getTrade(t.market.id, trade.id, alice)).ownerGave).toEqual([{ item: expect.objectContaining({ slug: 'pear' }), quantity: 1 }]);
    expect(t.core.audit().totals.find((total) => total.slug === 'pear')).toMatchObject({ granted: 1, revoked: 1, inInventories: 0, inEscrow: 0 });
  });

  it('is refused for an item already archived, and unarchiving for one that is not', () => {
    unwrap(t.core.archiveItem(t.market.id, null, 'pear'));
    expect(t.core.archiveItem(t.market.id, null, 'pear')).toEqual({ ok: false, error: { code: 'item_already_archived', name: 'pear', slug: 'pear' } });
    expect(t.core.unarchiveItem(t.market.id, null, 'apple')).toEqual({ ok: false, error: { code: 'item_not_archived', name: 'apple', slug: 'apple' } });
    // A misspelt name is met with the names it could have meant: items in the catalog to archive,
    // archived items to bring back.
    expect(t.core.archiveItem(t.market.id, null, 'peer')).toEqual({ ok: false, error: { code: 'item_not_found', name: 'peer', suggestions: [] } });
    expect(t.core.archiveItem(t.market.id, null, 'aple')).toEqual({ ok: false, error: { code: 'item_not_found', name: 'aple', suggestions: ['apple'] } });
    expect(t.core.unarchiveItem(t.market.id, null, 'peer')).toEqual({ ok: false, error: { code: 'item_not_found', name: 'peer', suggestions: ['pear'] } });
  });

  it('comes back with unarchive, usable again', () => {
    unwrap(t.core.archiveItem(t.market.id, null, 'pear'));
    expect(unwrap(t.core.unarchiveItem(t.market.id, null, 'pear'))).toMatchObject({ slug: 'pear', archivedAt: null });
    expect(t.core.listItems(t.market.id).map((item) => item.slug)).toEqual(['apple', 'orange', 'pear']);
    unwrap(t.core.grantItems(t.market.id, t.member('admin').id, t.member('carol').id, items(['pear', 1])));
    unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: t.member('carol').id, give: items(['pear', 1]), want: items(['orange', 1]) }));
    expect(pear().archivedAt).toBeNull();
  });

  it('keeps its name taken: adding it again says it is archived and how to bring it back', () => {
    unwrap(t.core.archiveItem(t.market.id, null, 'pear'));
    expect(t.core.addItem(t.market.id, null, { name: 'Pear' })).toEqual({ ok: false, error: { code: 'item_exists', slug: 'pear', archived: true } });
    expect(t.core.addItem(t.market.id, null, { name: 'apple' })).toEqual({ ok: false, error: { code: 'item_exists', slug: 'apple' } });
  });
});
