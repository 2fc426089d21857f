/**
 * Math-trade events through the core (issue 12): open, enter (escrow), rank, withdraw, close with
 * the solver, refunds, bans, the loop cap, the export, the timed close and the all-or-nothing close.
 * Conservation is checked after every scenario with the shared invariants (the ledger audit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseWantList } from '../../src/core/mathtrade/parse.js';
import { solveMathTrade } from '../../src/core/mathtrade/solve.js';
import type { EventEntryRefunded, EventEntryTraded, EventSummary } from '../../src/core/outbox.js';
import type { MemberRef } from '../../src/core/types.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, unwrap, type TestMarket } from '../support/market.js';

const CATALOG = ['apple', 'orange', 'pear', 'plum', 'fig', 'kiwi'];

let t: TestMarket;
afterEach(() => t?.cleanup());

function market() {
  t = createTestMarket({ items: CATALOG });
  const admin = t.member('admin');
  const [alice, bob, carol, dave] = (['alice', 'bob', 'carol', 'dave'] as const).map((name) => {
    const member = t.member(name);
    unwrap(t.core.grantItems(t.market.id, admin.id, member.id, CATALOG.map((item) => ({ name: item, quantity: 5 }))));
    return member;
  }) as [MemberRef, MemberRef, MemberRef, MemberRef];
  return { admin, alice, bob, carol, dave };
}

const open = (admin: MemberRef, hours?: number) => unwrap(t.core.openEvent({ marketId: t.market.id, adminId: admin.id, name: 'Spring swap', hours, chatId: '-100' }));
const enter = (member: MemberRef, item: string, quantity = 1) => unwrap(t.core.addEntry({ marketId: t.market.id, memberId: member.id, items: [{ name: item, quantity }] })).id;
const wants = (member: MemberRef, entryId: number, ...groups: string[][]) => unwrap(t.core.setWants({ marketId: t.market.id, memberId: member.id, entryId, wants: groups }));
const holding = (member: MemberRef, item: string) => t.core.getInventory(member.id).holdings.find((h) => h.item.slug === item)?.quantity ?? 0;
const outbox = <T>(kind: string) =>
  t.db.sqlite
    .prepare<[string], { recipient: number; payload: string }>(`SELECT recipient_id AS recipient, payload FROM outbox WHERE kind = ? ORDER BY id`)
    .all(kind)
    .map((row) => ({ recipient: row.recipient, ...(JSON.parse(row.payload) as T) }));
const entryStatus = (entryId: number) => t.db.sqlite.prepare<[number], { status: string }>('SELECT status FROM event_entries WHERE id = ?').get(entryId)?.status;

describe('an event while it is open', () => {
  it('puts the admin opening and closing it in the moderation log, and a refused second open not', async () => {
    const { admin } = market();
    open(admin, 48);
    expect(t.core.openEvent({ marketId: t.market.id, adminId: admin.id, name: 'Other' })).toMatchObject({ ok: false });
    unwrap(await t.core.closeEvent(t.market.id, admin.id));
    const logged = t.core.listModerationLog(t.market.id).entries.filter((entry) => entry.action.startsWith('event_'));
    expect(logged.map((entry) => [entry.action, entry.admin?.id, entry.detail])).toEqual([
      ['event_close', admin.id, { event: 'Spring swap' }],
      ['event_open', admin.id, { event: 'Spring swap', hours: 48 }],
    ]);
  });

  it('escrows an entry at once, shows it, and gives it back on withdraw', () => {
    const { admin, alice } = market();
    open(admin);
    const entry = enter(alice, 'apple', 3);
    expect(holding(alice, 'apple')).toBe(2);
    const overview = unwrap(t.core.eventOverview(t.market.id, alice.id));
    expect(overview.entries.map((e) => [e.id, e.items.map((i) => `${i.quantity} ${i.item.slug}`)])).toEqual([[entry, ['3 apple']]]);
    unwrap(t.core.withdrawEntry({ marketId: t.market.id, memberId: alice.id, entryId: entry }));
    expect(holding(alice, 'apple')).toBe(5);
    expect(entryStatus(entry)).toBe('withdrawn');
    checkInvariants(t);
  });

  it('refuses a second event, an entry beyond what the member holds, and wants of their own entry, changing nothing', () => {
    const { admin, alice, bob } = market();
    open(admin);
    expect(t.core.openEvent({ marketId: t.market.id, adminId: admin.id, name: 'Other' })).toMatchObject({ ok: false, error: { code: 'event', problem: { kind: 'event_exists' } } });
    expect(t.core.addEntry({ marketId: t.market.id, memberId: alice.id, items: [{ name: 'apple', quantity: 6 }] })).toMatchObject({ ok: false, error: { code: 'items_short' } });
    expect(holding(alice, 'apple')).toBe(5);
    const mine = enter(alice, 'apple');
    const other = enter(alice, 'pear');
    expect(t.core.setWants({ marketId: t.market.id, memberId: alice.id, entryId: mine, wants: [[String(other)]] })).toMatchObject({
      ok: false,
      error: { problem: { kind: 'own_entry_wanted', entryId: other } },
    });
    expect(t.core.setWants({ marketId: t.market.id, memberId: bob.id, entryId: mine, wants: [['pear']] })).toMatchObject({ ok: false, error: { problem: { kind: 'not_your_entry' } } });
    expect(t.core.setWants({ marketId: t.market.id, memberId: alice.id, entryId: mine, wants: [['banana']] })).toMatchObject({ ok: false, error: { problem: { kind: 'unknown_want', text: 'banana' } } });
    expect(t.core.withdrawEntry({ marketId: t.market.id, memberId: bob.id, entryId: mine })).toMatchObject({ ok: false, error: { problem: { kind: 'not_your_entry' } } });
    expect(unwrap(t.core.eventOverview(t.market.id, alice.id)).entries.every((e) => e.wants.length === 0)).toBe(true);
    checkInvariants(t);
  });

  it('keeps wants in rank groups, best first; an item name stands for every entry giving it', () => {
    const { admin, alice, bob, carol } = market();
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'pear');
    const c = enter(carol, 'pear');
    const set = wants(alice, a, [`#${b}`], ['pear', 'plum']);
    expect(set.wants).toEqual([[{ entryId: b }], [expect.objectContaining({ item: expect.objectContaining({ slug: 'pear' }) }), expect.objectContaining({ item: expect.objectContaining({ slug: 'plum' }) })]]);
    const exported = unwrap(t.core.exportEventWantList(t.market.id)).text;
    expect(exported).toContain(`${a} : ${b} ; ${c}`);
  });
});

describe('closing an event', () => {
  it('executes a 3-loop and a 2-loop as rateable trades, refunds what nothing matched, and tells everyone', async () => {
    const { admin, alice, bob, carol, dave } = market();
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    const c = enter(carol, 'pear');
    const d = enter(dave, 'fig');
    const d2 = enter(dave, 'kiwi');
    // alice wants bob's orange, bob wants carol's pear, carol wants alice's apple: a 3-loop.
    wants(alice, a, ['orange']);
    wants(bob, b, [String(c)]);
    wants(carol, c, [String(a)]);
    // dave's fig wants the apple too, but the apple is in the loop: the solver keeps the most items traded.
    wants(dave, d, [String(a)]);
    wants(dave, d2, ['plum']);
    const closed = unwrap(await t.core.closeEvent(t.market.id));
    expect(closed.itemsTraded).toBe(3);
    expect(closed.membersTrading).toBe(3);
    expect(closed.loops).toBe(1);
    expect(closed.refunded.sort()).toEqual([d, d2].sort());
    expect([holding(alice, 'orange'), holding(bob, 'pear'), holding(carol, 'apple')]).toEqual([6, 6, 6]);
    expect([holding(alice, 'apple'), holding(dave, 'fig'), holding(dave, 'kiwi')]).toEqual([4, 5, 5]);
    expect(entryStatus(a)).toBe('traded');
    expect(entryStatus(d)).toBe('refunded');

    const traded = outbox<EventEntryTraded>('event_entry_traded');
    const forAlice = traded.find((m) => m.recipient === alice.id);
    expect(forAlice).toMatchObject({ entryId: a, gaveTo: 'carol', gotFrom: 'bob', got: [expect.objectContaining({ slug: 'orange' })] });
    expect(outbox<EventEntryRefunded>('event_entry_refunded').map((m) => [m.recipient, m.entryId])).toEqual(expect.arrayContaining([[dave.id, d], [dave.id, d2]]));
    expect(outbox<EventSummary>('event_summary')).toEqual([expect.objectContaining({ chatId: '-100', itemsTraded: 3, membersTrading: 3, loops: 1, entries: 5 })]);

    // Alice rates bob, from whom she received, through the trade her message names. Its card shows
    // bob's orange, and what bob got for it (carol's pear), as a loop's trade does.
    const rated = unwrap(t.core.rateTrade({ marketId: t.market.id, tradeId: forAlice?.gotTradeId ?? 0, memberId: alice.id, stars: 5 }));
    expect(rated).toMatchObject({ owner: { id: bob.id }, taker: { id: alice.id }, eventEntryId: b, offerId: null });
    expect(rated.ownerGave.map((line) => line.item.slug)).toEqual(['orange']);
    expect(rated.takerGave.map((line) => line.item.slug)).toEqual(['pear']);
    expect(unwrap(t.core.eventOverview(t.market.id, alice.id)).event.status).toBe('closed');
    checkInvariants(t);
  });

  it('refunds the entries of a member banned meanwhile instead of trading them', async () => {
    const { admin, alice, bob } = market();
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    wants(alice, a, [String(b)]);
    wants(bob, b, [String(a)]);
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: 'spam' }));
    const closed = unwrap(await t.core.closeEvent(t.market.id));
    expect(closed.itemsTraded).toBe(0);
    expect([holding(alice, 'apple'), holding(bob, 'orange')]).toEqual([5, 5]);
    expect(outbox<EventEntryRefunded>('event_entry_refunded').find((m) => m.recipient === bob.id)).toMatchObject({ banned: true });
    checkInvariants(t);
  });

  it('keeps to the market loop cap: a 3-loop does not trade with event-max-loop 2', async () => {
    const { admin, alice, bob, carol } = market();
    unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'event-max-loop', value: '2' }));
    expect(t.core.eventMaxLoop(t.market.id)).toBe(2);
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    const c = enter(carol, 'pear');
    wants(alice, a, [String(b)]);
    wants(bob, b, [String(c)]);
    wants(carol, c, [String(a)]);
    expect(unwrap(await t.core.closeEvent(t.market.id)).itemsTraded).toBe(0);
    expect(unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'event-max-loop', value: 'none' })).value).toBe('none');
    checkInvariants(t);
  });

  it('the exported want list parses back with the mathtrade parser and solves to the same count', async () => {
    const { admin, alice, bob, carol, dave } = market();
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    const c = enter(carol, 'pear');
    const d = enter(dave, 'plum');
    wants(alice, a, [String(b)], [String(d)]);
    wants(bob, b, [String(c), 'apple']);
    wants(carol, c, ['apple']);
    wants(dave, d, ['orange']);
    const parsed = parseWantList(unwrap(t.core.exportEventWantList(t.market.id)).text);
    if (!parsed.ok) throw new Error(`export does not parse: line ${parsed.error.line}: ${parsed.error.message}`);
    const solved = await solveMathTrade(parsed.wantList.entries);
    const closed = unwrap(await t.core.closeEvent(t.market.id));
    expect(closed.itemsTraded).toBe(solved.figures.itemsTraded);
    // alice -> dave -> bob -> carol -> alice: everyone trades.
    expect(closed.itemsTraded).toBe(4);
  });

  it('closes by itself when its hours run out, through the job, even after a restart of the core', async () => {
    const { admin, alice, bob } = market();
    open(admin, 2);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    wants(alice, a, [String(b)]);
    wants(bob, b, [String(a)]);
    expect(await t.core.closeDueEvents()).toEqual({ closed: [], failed: [] });
    t.clock.advance(2 * HOUR);
    const { createTradeCore } = await import('../../src/core/trade-core.js');
    const restarted = createTradeCore({ db: t.db, clock: t.clock });
    const { closed } = await restarted.closeDueEvents();
    expect(closed.map((c) => c.itemsTraded)).toEqual([2]);
    expect([holding(alice, 'orange'), holding(bob, 'apple')]).toEqual([6, 6]);
    checkInvariants(t);
  });

  it('a close that fails half-way moves nothing, and the next run of the job completes it', async () => {
    const { admin, alice, bob, carol } = market();
    open(admin);
    const a = enter(alice, 'apple');
    const b = enter(bob, 'orange');
    const c = enter(carol, 'pear');
    wants(alice, a, [String(b)]);
    wants(bob, b, [String(c)]);
    wants(carol, c, [String(a)]);
    // The disk fails at the second exchange: the first one was already written in the transaction.
    t.db.sqlite.exec(`CREATE TRIGGER fail_midway BEFORE INSERT ON trades WHEN (SELECT count(*) FROM trades) >= 1
      BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
    await expect(t.core.closeEvent(t.market.id)).rejects.toThrow(/simulated/);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM trades').get()).toEqual({ n: 0 });
    expect([entryStatus(a), entryStatus(b), entryStatus(c)]).toEqual(['open', 'open', 'open']);
    expect([holding(alice, 'apple'), holding(bob, 'orange'), holding(carol, 'pear')]).toEqual([4, 4, 4]);
    expect(outbox('event_entry_traded')).toEqual([]);
    checkInvariants(t);
    // Frozen meanwhile: nobody can change an entry of a closing event.
    expect(t.core.withdrawEntry({ marketId: t.market.id, memberId: alice.id, entryId: a })).toMatchObject({ ok: false, error: { problem: { kind: 'event_closing' } } });

    // The job meets the same failure: reported, nothing moved, the event left closing for the next run.
    const attempt = await t.core.closeDueEvents();
    expect([attempt.closed, attempt.failed.map((failure) => String(failure.error))]).toEqual([[], [expect.stringMatching(/simulated/)]]);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM trades').get()).toEqual({ n: 0 });

    t.db.sqlite.exec('DROP TRIGGER fail_midway');
    expect((await t.core.closeDueEvents()).closed.map((closed) => closed.itemsTraded)).toEqual([3]);
    expect([holding(alice, 'orange'), holding(bob, 'pear'), holding(carol, 'apple')]).toEqual([6, 6, 6]);
    checkInvariants(t);
  });
});
