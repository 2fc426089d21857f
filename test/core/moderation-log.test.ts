// The moderation log: every admin action writes its row in its own transaction, so the two stand or
// fall together; the log reads back newest first, by member, a page at a time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordModeration } from '../../src/core/moderation-log.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
/** The rows the test market's own catalog wrote (the operator adding apple, orange, pear). */
let setupRows: Set<number>;
const logOf = (options: { memberId?: number } = {}) =>
  t.core.listModerationLog(t.market.id, { ...options, size: 25 }).entries.filter((entry) => !setupRows.has(entry.id));
const rows = () => (t.db.sqlite.prepare('SELECT count(*) AS n FROM moderation_log').get() as { n: number }).n - setupRows.size;

beforeEach(() => {
  t = createTestMarket();
  const setup = t.core.listModerationLog(t.market.id).entries;
  expect(setup.map((entry) => [entry.action, entry.admin, entry.item?.name])).toEqual([
    ['item_add', null, 'pear'],
    ['item_add', null, 'orange'],
    ['item_add', null, 'apple'],
  ]);
  setupRows = new Set(setup.map((entry) => entry.id));
});
afterEach(() => {
  checkInvariants(t);
  t.cleanup();
});

describe('every admin action is logged: who, what, to whom, when, why', () => {
  it('logs grants, revokes, item changes, removals, bans, unbans and settings, newest first', () => {
    const admin = t.member('admin');
    const alice = t.member('alice');
    const bob = t.member('bob');
    const at = t.clock();
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 5], ['pear', 2])));
    unwrap(t.core.revokeItems(t.market.id, admin.id, alice.id, items(['pear', 1])));
    unwrap(t.core.addItem(t.market.id, admin.id, { name: 'Kiwi' }));
    unwrap(t.core.editItem(t.market.id, admin.id, 'kiwi', { name: 'Gold kiwi', emoji: '🥝' }));
    unwrap(t.core.archiveItem(t.market.id, admin.id, 'gold kiwi'));
    unwrap(t.core.unarchiveItem(t.market.id, admin.id, 'gold kiwi'));
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    unwrap(t.core.removeOffer({ marketId: t.market.id, offerId: offer.id, adminId: admin.id, reason: 'spam' }));
    const second = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]) }));
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id, reason: 'scams' }));
    t.clock.advance(HOUR);
    unwrap(t.core.unbanMember({ marketId: t.market.id, adminId: admin.id, memberId: alice.id }));
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'confirm' }));

    const kiwi = t.core.findItem(t.market.id, 'gold kiwi')!;
    const log = logOf();
    expect(log.map((entry) => entry.action)).toEqual(['config', 'unban', 'ban', 'offer_remove', 'item_unarchive', 'item_archive', 'item_edit', 'item_add', 'revoke', 'grant']);
    const [config, unban, ban, removal, , archive, edit, add, revoke, grant] = log;
    const adminRef = { id: admin.id, displayName: 'admin' };
    const aliceRef = { id: alice.id, displayName: 'alice' };
    expect(grant).toMatchObject({ admin: adminRef, member: aliceRef, item: null, createdAt: at, detail: { items: [{ slug: 'apple', quantity: 5 }, { slug: 'pear', quantity: 2 }] } });
    expect(revoke).toMatchObject({ admin: adminRef, member: aliceRef, item: { name: 'pear' }, detail: { items: [{ slug: 'pear', quantity: 1 }] } });
    expect(add).toMatchObject({ admin: adminRef, item: { id: kiwi.id, name: 'Gold kiwi' }, detail: { name: 'Kiwi', slug: 'kiwi' } });
    expect(edit).toMatchObject({ item: { id: kiwi.id }, detail: { name: { from: 'Kiwi', to: 'Gold kiwi' }, emoji: { from: null, to: '🥝' } } });
    expect(archive).toMatchObject({ action: 'item_archive', item: { id: kiwi.id } });
    expect(removal).toMatchObject({ admin: adminRef, member: aliceRef, offerId: offer.id, reason: 'spam' });
    expect(ban).toMatchObject({ admin: adminRef, member: aliceRef, reason: 'scams', detail: { removedOffers: [second.id] } });
    expect(unban).toMatchObject({ admin: adminRef, member: aliceRef, createdAt: at + HOUR, detail: { banReason: 'scams' } });
    expect(config).toMatchObject({ admin: null, detail: { setting: 'settlement', from: 'instant', to: 'confirm' } });
    expect(logOf({ memberId: bob.id })).toEqual([]);
    expect(logOf({ memberId: alice.id }).map((entry) => entry.action)).toEqual(['unban', 'ban', 'offer_remove', 'revoke', 'grant']);
  });

  it('keeps each market’s log to itself', () => {
    const other = t.core.ensureMarket({ platform: 'discord', platformMarketId: 'guild-2', title: 'Other' });
    unwrap(t.core.addItem(other.id, null, { name: 'plum' }));
    unwrap(t.core.addItem(t.market.id, null, { name: 'fig' }));
    expect(logOf().map((entry) => entry.item?.name)).toEqual(['fig']);
    expect(t.core.listModerationLog(other.id).entries.map((entry) => entry.item?.name)).toEqual(['plum']);
    expect(t.core.listModerationLog(t.market.id).entries).toHaveLength(4);
  });

  it('pages newest first, and the pages neither repeat nor skip an entry', () => {
    const admin = t.member('admin').id;
    for (let i = 0; i < 23; i += 1) unwrap(t.core.grantItems(t.market.id, admin, t.member(`m${i % 3}`).id, items(['apple', i + 1])));
    const seen: number[] = [];
    let page = t.core.listModerationLog(t.market.id);
    for (;;) {
      const grants = page.entries.filter((entry) => entry.action === 'grant');
      seen.push(...grants.map((entry) => (entry.detail as { items: Array<{ quantity: number }> }).items[0]!.quantity));
      if (!page.next) break;
      page = t.core.listModerationLog(t.market.id, { cursor: page.next });
    }
    // 23 grants, then the 3 rows of the catalog's setup: 26 rows in three pages.
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(page.entries.map((entry) => entry.action)).toEqual(['grant', 'grant', 'grant', 'item_add', 'item_add', 'item_add']);
    const back = t.core.listModerationLog(t.market.id, { cursor: page.previous! });
    expect(back.entries).toHaveLength(10);
    const ofM1 = t.core.listModerationLog(t.market.id, { memberId: t.member('m1').id, size: 25 }).entries;
    expect(ofM1.map((entry) => entry.member?.displayName)).toEqual(Array(8).fill('m1'));
  });
});

describe('the log and its action stand or fall together', () => {
  it('writes no row for a refused action', () => {
    const admin = t.member('admin').id;
    const alice = t.member('alice').id;
    expect(t.core.revokeItems(t.market.id, admin, alice, items(['apple', 1]))).toMatchObject({ ok: false, error: { code: 'items_short' } });
    expect(t.core.grantItems(t.market.id, admin, alice, items(['plum', 1]))).toMatchObject({ ok: false, error: { code: 'unknown_item' } });
    expect(t.core.unbanMember({ marketId: t.market.id, adminId: admin, memberId: alice })).toMatchObject({ ok: false, error: { code: 'not_banned' } });
    expect(t.core.addItem(t.market.id, admin, { name: 'apple' })).toMatchObject({ ok: false, error: { code: 'item_exists' } });
    expect(t.core.setMarketSetting({ marketId: t.market.id, adminId: admin, name: 'settlement', value: 'later' })).toMatchObject({ ok: false });
    expect(t.core.removeOffer({ marketId: t.market.id, offerId: 99, adminId: admin, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'offer_not_found' } });
    expect(rows()).toBe(0);
  });

  it('undoes the action when its row cannot be written', () => {
    const admin = t.member('admin').id;
    const alice = t.member('alice').id;
    unwrap(t.core.grantItems(t.market.id, admin, alice, items(['apple', 5])));
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice, give: items(['apple', 2]), want: items(['orange', 1]) }));
    const ledgerRows = t.core.audit().ledgerRows;
    // The log refuses every write from now on, as a full disk or a broken table would.
    t.db.sqlite.exec(`CREATE TRIGGER log_broken BEFORE INSERT ON moderation_log BEGIN SELECT RAISE(ABORT, 'log broken'); END`);

    expect(() => t.core.grantItems(t.market.id, admin, alice, items(['apple', 5]))).toThrow(/log broken/);
    expect(() => t.core.banMember({ marketId: t.market.id, adminId: admin, memberId: alice, reason: 'x' })).toThrow(/log broken/);
    expect(() => t.core.archiveItem(t.market.id, admin, 'pear')).toThrow(/log broken/);
    expect(() => t.core.setMarketSetting({ marketId: t.market.id, adminId: admin, name: 'loops', value: 'off' })).toThrow(/log broken/);

    expect(t.core.getInventory(alice).holdings).toEqual([{ item: expect.objectContaining({ slug: 'apple' }), quantity: 3 }]);
    expect(t.core.getMember(alice)?.bannedAt).toBeNull();
    expect(t.core.getOffer(t.market.id, offer.id)?.status).toBe('active');
    expect(t.core.findItem(t.market.id, 'pear')?.archivedAt).toBeNull();
    expect(t.core.marketSettings(t.market.id).loops).toBe(true);
    expect(t.core.audit().ledgerRows).toBe(ledgerRows);
    expect(rows()).toBe(1);
  });

  it('refuses to write a row outside a transaction, and writes nothing', () => {
    expect(() => recordModeration({ db: t.db, clock: t.clock }, { marketId: t.market.id, adminId: null, action: 'config' })).toThrow(/inside the admin action's transaction/);
    expect(rows()).toBe(0);
    // Inside one it writes, and goes with it when it rolls back.
    expect(() =>
      t.db.writeTransaction(() => {
        recordModeration({ db: t.db, clock: t.clock }, { marketId: t.market.id, adminId: null, action: 'config', detail: { setting: 'x' } });
        throw new Error('the action failed');
      }),
    ).toThrow('the action failed');
    expect(rows()).toBe(0);
    t.db.writeTransaction(() => recordModeration({ db: t.db, clock: t.clock }, { marketId: t.market.id, adminId: null, action: 'config', reason: 'by hand' }));
    expect(logOf()).toMatchObject([{ action: 'config', admin: null, reason: 'by hand' }]);
  });
});
