// Limits against abuse, on a real database with a clock the test moves: the command rate (a
// sliding window), the cap on open offers, the newcomer gate, and the settings that set them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import { openDatabase } from '../../src/db/connection.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const SECOND = 1_000;
const DAY = 24 * HOUR;

let t: TestMarket;
let admin: MemberRef, alice: MemberRef, bob: MemberRef;

const turn = (member: MemberRef) => t.core.takeCommandTurn(t.market.id, member.id);
const turns = (member: MemberRef, n: number) => Array.from({ length: n }, () => turn(member));
const set = (name: Parameters<TestMarket['core']['setMarketSetting']>[0]['name'], value: string) =>
  unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name, value }));
const post = (owner: MemberRef) => t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(['apple', 1]), want: items(['orange', 1]) });
const accept = (offerId: number, taker: MemberRef) => t.core.acceptOffer({ marketId: t.market.id, offerId, takerId: taker.id });
const holdings = (member: MemberRef) => Object.fromEntries(t.core.getInventory(member.id).holdings.map((h) => [h.item.slug, h.quantity]));

beforeEach(() => {
  t = createTestMarket({ limits: 'shipped' });
  [admin, alice, bob] = ['admin', 'alice', 'bob'].map((name) => t.member(name)) as [MemberRef, MemberRef, MemberRef];
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', 30])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', 30])));
});
afterEach(() => {
  expect(t.core.audit().differences).toEqual([]);
  t.cleanup();
});

describe('the command rate limit', () => {
  it('lets exactly 10 commands through in 30 seconds by default, then says once when to go on', () => {
    const start = t.clock();
    expect(turns(alice, 10)).toEqual(Array.from({ length: 10 }, () => ({ ok: true })));
    expect(turn(alice)).toEqual({ ok: false, until: start + 30 * SECOND, tell: true });
    t.clock.advance(29_999);
    // Told already in this stretch: every further refusal is quiet.
    expect(turns(alice, 3)).toEqual(Array.from({ length: 3 }, () => ({ ok: false, until: start + 30 * SECOND, tell: false })));
    // At the moment it said, the window has rolled over.
    t.clock.advance(1);
    expect(turns(alice, 10).every((answer) => answer.ok)).toBe(true);
    // A new stretch past the limit is told again, with its own time.
    expect(turn(alice)).toEqual({ ok: false, until: start + 60 * SECOND, tell: true });
  });

  it('slides: a command counts for 30 seconds from when it was sent, not from a window boundary', () => {
    const start = t.clock();
    turns(alice, 5);
    t.clock.advance(20 * SECOND);
    turns(alice, 5);
    t.clock.advance(5 * SECOND);
    expect(turn(alice)).toMatchObject({ ok: false, until: start + 30 * SECOND });
    t.clock.set(start + 30 * SECOND);
    // The first five are out; the last five still count.
    expect(turns(alice, 5).every((answer) => answer.ok)).toBe(true);
    expect(turn(alice)).toEqual({ ok: false, until: start + 50 * SECOND, tell: true });
  });

  it('counts each member apart', () => {
    turns(alice, 11);
    expect(turn(alice).ok).toBe(false);
    expect(turn(bob)).toEqual({ ok: true });
  });

  it('follows the market settings', () => {
    set('rate-commands', '2');
    set('rate-seconds', '5');
    const start = t.clock();
    expect(turns(alice, 2).every((answer) => answer.ok)).toBe(true);
    expect(turn(alice)).toEqual({ ok: false, until: start + 5 * SECOND, tell: true });
    t.clock.advance(5 * SECOND);
    expect(turn(alice)).toEqual({ ok: true });
  });

  it('holds across processes and restarts: the window is in the database', () => {
    turns(alice, 10);
    const other = openDatabase(t.path);
    try {
      const restarted = createTradeCore({ db: other, clock: t.clock });
      expect(restarted.takeCommandTurn(t.market.id, alice.id)).toMatchObject({ ok: false, tell: true });
      // Told by the other process: this one stays quiet too.
      expect(turn(alice)).toMatchObject({ ok: false, tell: false });
    } finally {
      other.close();
    }
  });

  it('deletes a member’s commands that left the window once there are as many as the limit', () => {
    turns(alice, 10);
    t.clock.advance(31 * SECOND);
    turn(alice);
    const rows = t.db.sqlite.prepare<[number], { n: number }>('SELECT count(*) AS n FROM command_turns WHERE member_id = ?').get(alice.id);
    expect(rows?.n).toBe(1);
  });

  it('forgets, at housekeeping, the commands of members who went quiet once no window can hold them', () => {
    turns(alice, 3);
    t.clock.advance(3600 * SECOND - 1);
    turns(bob, 2);
    const count = () => t.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM command_turns').get()?.n;
    expect(t.core.pruneCommandTurns()).toBe(0);
    t.clock.advance(1);
    expect(t.core.pruneCommandTurns()).toBe(3);
    expect(count()).toBe(2);
  });
});

describe('the cap on open offers', () => {
  it('refuses the offer past the cap and changes nothing; one closing makes room', () => {
    set('max-open-offers', '2');
    const first = unwrap(post(alice));
    // Exactly at the cap is allowed: one open, the second makes two.
    unwrap(post(alice));
    expect(post(alice)).toEqual({ ok: false, error: { code: 'open_offer_cap', max: 2 } });
    expect(holdings(alice)).toEqual({ apple: 28 });
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: first.id, memberId: alice.id }));
    const third = unwrap(post(alice));
    expect(post(alice)).toMatchObject({ ok: false, error: { code: 'open_offer_cap' } });
    // Taken by someone else is closed too.
    unwrap(accept(third.id, bob));
    unwrap(post(alice));
  });

  it('is 20 by default, and counts counters, which are offers too', () => {
    for (let i = 0; i < 20; i += 1) unwrap(post(alice));
    expect(post(alice)).toEqual({ ok: false, error: { code: 'open_offer_cap', max: 20 } });
    set('max-open-offers', '1');
    const bobs = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: bob.id, give: items(['orange', 1]), want: items(['apple', 1]) }));
    const counter = t.core.counterOffer({ marketId: t.market.id, offerId: bobs.id, memberId: alice.id, give: items(['apple', 2]), want: items(['orange', 1]) });
    expect(counter).toMatchObject({ ok: false, error: { code: 'open_offer_cap', max: 1 } });
  });
});

describe('the newcomer gate', () => {
  it('is off by default: a member seen a moment ago posts and accepts', () => {
    const carol = t.member('carol');
    unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 1])));
    const offer = unwrap(post(alice));
    unwrap(accept(offer.id, carol));
  });

  it('keeps a member out of posting and accepting until they have been in the market long enough', () => {
    // Alice posts before the gate is set (she is as new as Carol).
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]), hours: 48 }));
    set('newcomer-hours', '24');
    const joined = t.clock();
    const carol = t.member('carol');
    unwrap(t.core.grantItems(t.market.id, admin.id, carol.id, items(['orange', 1], ['pear', 1])));
    t.clock.advance(24 * HOUR - 1);
    const refusal = { ok: false, error: { code: 'newcomer', gate: 'market', hours: 24, until: joined + 24 * HOUR } };
    expect(accept(offer.id, carol)).toEqual(refusal);
    expect(t.core.postOffer({ marketId: t.market.id, ownerId: carol.id, give: items(['pear', 1]), want: items(['apple', 1]) })).toEqual(refusal);
    expect(holdings(carol)).toEqual({ orange: 1, pear: 1 });
    t.clock.advance(1);
    unwrap(accept(offer.id, carol));
  });

  it('counts from when the platform says the member joined, before the bot first saw them', () => {
    set('newcomer-hours', '24');
    const dave = t.core.ensureMember({ marketId: t.market.id, platformUserId: 'dave', displayName: 'dave', joinedAt: t.clock() - 30 * HOUR });
    unwrap(t.core.grantItems(t.market.id, admin.id, dave.id, items(['pear', 1])));
    unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: dave.id, give: items(['pear', 1]), want: items(['apple', 1]) }));
    // A later command that does not say (Telegram never does) keeps what was said.
    expect(t.core.ensureMember({ marketId: t.market.id, platformUserId: 'dave', displayName: 'Dave' }).joinedAt).toBe(t.clock() - 30 * HOUR);
  });

  it('keeps accounts younger than account-days out, where the platform tells the age', () => {
    set('account-days', '7');
    const created = t.clock() - 6 * DAY;
    const young = t.core.ensureMember({ marketId: t.market.id, platformUserId: 'young', displayName: 'young', accountCreatedAt: created });
    const unknown = t.core.ensureMember({ marketId: t.market.id, platformUserId: 'unknown', displayName: 'unknown' });
    unwrap(t.core.grantItems(t.market.id, admin.id, young.id, items(['orange', 1])));
    unwrap(t.core.grantItems(t.market.id, admin.id, unknown.id, items(['orange', 1])));
    const offer = unwrap(post(alice));
    expect(accept(offer.id, young)).toEqual({ ok: false, error: { code: 'newcomer', gate: 'account', days: 7, until: created + 7 * DAY } });
    // No age known (Telegram): only the time in the market can gate them.
    unwrap(accept(offer.id, unknown));
    t.clock.set(created + 7 * DAY);
    unwrap(accept(unwrap(post(alice)).id, young));
  });
});

describe('the limit settings', () => {
  it('take whole numbers in their unit, and off for the gate', () => {
    expect(set('newcomer-hours', '12')).toMatchObject({ value: '12', isDefault: false });
    expect(set('newcomer-hours', 'off')).toMatchObject({ value: 'off', isDefault: true });
    expect(set('account-days', '0')).toMatchObject({ value: 'off', isDefault: true });
    expect(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'rate-seconds', value: '0' })).toEqual({
      ok: false,
      error: { code: 'invalid_setting_value', setting: 'rate-seconds', value: '0', allowed: 'a whole number of seconds from 1 to 3600' },
    });
    expect(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'max-open-offers', value: 'lots' })).toMatchObject({ ok: false, error: { code: 'invalid_setting_value' } });
    const listed = t.core.listMarketSettings(t.market.id).filter((entry) => entry.spec.kind === 'amount');
    expect(listed.map(({ name, value, isDefault }) => [name, value, isDefault])).toEqual([
      ['rate-commands', '10', true],
      ['rate-seconds', '30', true],
      ['max-open-offers', '20', true],
      ['newcomer-hours', 'off', true],
      ['account-days', 'off', true],
    ]);
  });
});
