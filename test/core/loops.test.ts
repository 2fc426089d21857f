/**
 * Loops of offers (issue 11): found through a new offer and across a market, executed all at once
 * or not at all, never through offers that are directed, settling, banned, expired or one owner's
 * twice, and not at all where the market switched them off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoopCompleted } from '../../src/core/outbox.js';
import type { MemberRef } from '../../src/core/types.js';
import { checkInvariants } from '../support/invariants.js';
import { sweepMarket } from '../support/loop-sweep.js';
import { createLoopChecks, dueOffersQuery } from '../../src/core/loops/loop-checks.js';
import { createTestMarket, HOUR, unwrap, type TestMarket } from '../support/market.js';

const CATALOG = ['apple', 'orange', 'pear', 'plum', 'fig'];

let t: TestMarket;
afterEach(() => t?.cleanup());

function market() {
  t = createTestMarket({ items: CATALOG });
  const admin = t.member('admin');
  const names = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
  const [alice, bob, carol, dave, erin] = names.map((name) => {
    const member = t.member(name);
    unwrap(t.core.grantItems(t.market.id, admin.id, member.id, CATALOG.map((item) => ({ name: item, quantity: 10 }))));
    return member;
  }) as [MemberRef, MemberRef, MemberRef, MemberRef, MemberRef];
  return { admin, alice, bob, carol, dave, erin };
}

/** Parses `5 apple, 1 fig`. */
const items = (text: string) =>
  text.split(',').map((part) => {
    const [quantity, name] = part.trim().split(' ');
    return { name: name as string, quantity: Number(quantity) };
  });

function post(owner: MemberRef, give: string, want: string, extra: { hours?: number; targetId?: number } = {}) {
  return unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: items(give), want: items(want), ...extra })).id;
}

const status = (offerId: number) => t.core.findOffer(offerId)?.status;
const holding = (member: MemberRef, item: string) => t.core.getInventory(member.id).holdings.find((h) => h.item.slug === item)?.quantity ?? 0;
const holdings = (...members: MemberRef[]) => members.map((member) => t.core.getInventory(member.id));
const loopMessages = () =>
  t.db.sqlite
    .prepare<[], { recipient: number; payload: string }>(`SELECT recipient_id AS recipient, payload FROM outbox WHERE kind = 'loop_completed' ORDER BY id`)
    .all()
    .map((row) => ({ recipient: row.recipient, ...(JSON.parse(row.payload) as LoopCompleted) }));
const amounts = (list: LoopCompleted['gave']) => list.map((line) => `${line.quantity} ${line.slug}`).join(', ');

describe('loops found through a new offer and executed', () => {
  it('executes the mirror match (2 offers): each owner gets what they asked for, once, and is told', () => {
    const { alice, bob } = market();
    const a = post(alice, '2 apple', '3 orange');
    expect(t.core.matchLoopsThrough(a), 'nothing to match yet').toBeUndefined();
    const b = post(bob, '3 orange', '2 apple');
    const done = t.core.matchLoopsThrough(b);
    expect(done?.legs.map((leg) => [leg.offerId, leg.receiverId])).toEqual([
      [b, alice.id],
      [a, bob.id],
    ]);
    expect([status(a), status(b)]).toEqual(['completed', 'completed']);
    expect([holding(alice, 'apple'), holding(alice, 'orange'), holding(bob, 'apple'), holding(bob, 'orange')]).toEqual([8, 13, 12, 7]);
    const messages = loopMessages();
    expect(messages.map((m) => [m.recipient, m.gaveTo, amounts(m.gave), m.gotFrom, amounts(m.got)])).toEqual([
      [bob.id, 'alice', '3 orange', 'alice', '2 apple'],
      [alice.id, 'bob', '2 apple', 'bob', '3 orange'],
    ]);
    // Each leg is a trade like any other: the receiver can rate the giver.
    const aliceGot = messages[1]!.gotTradeId;
    expect(unwrap(t.core.getTrade(t.market.id, aliceGot, alice.id))).toMatchObject({ owner: { id: bob.id }, taker: { id: alice.id }, status: 'completed' });
    unwrap(t.core.rateTrade({ marketId: t.market.id, tradeId: aliceGot, memberId: alice.id, stars: 5 }));
    checkInvariants(t);
  });

  it('executes a loop of 3 offers: each gives to the next owner, each receives from the previous', () => {
    const { alice, bob, carol } = market();
    const a = post(alice, '1 apple', '1 orange');
    const b = post(bob, '2 pear', '1 apple');
    const c = post(carol, '1 orange', '2 pear');
    expect(t.core.matchLoopsThrough(c)?.legs.map((leg) => leg.offerId)).toEqual([c, a, b]);
    expect([a, b, c].map(status)).toEqual(['completed', 'completed', 'completed']);
    expect([holding(alice, 'orange'), holding(bob, 'apple'), holding(carol, 'pear')]).toEqual([11, 11, 12]);
    expect([holding(alice, 'apple'), holding(bob, 'pear'), holding(carol, 'orange')]).toEqual([9, 8, 9]);
    const carolsNews = loopMessages().find((m) => m.recipient === carol.id)!;
    expect(carolsNews).toMatchObject({ size: 3, offerId: c, gaveTo: 'alice', gotFrom: 'bob', members: ['carol', 'alice', 'bob'] });
    expect(loopMessages()).toHaveLength(3);
    checkInvariants(t);
  });

  it('executes a loop of 4 offers', () => {
    const { alice, bob, carol, dave } = market();
    const a = post(alice, '1 apple', '1 plum');
    const b = post(bob, '1 orange', '1 apple');
    const c = post(carol, '1 pear', '1 orange');
    expect(t.core.matchLoopsThrough(c), 'three of the four are not a loop').toBeUndefined();
    const d = post(dave, '1 plum', '1 pear');
    expect(t.core.matchLoopsThrough(d)?.legs.map((leg) => leg.offerId)).toEqual([d, a, b, c]);
    expect([a, b, c, d].map(status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect([holding(alice, 'plum'), holding(bob, 'apple'), holding(carol, 'orange'), holding(dave, 'pear')]).toEqual([11, 11, 11, 11]);
    checkInvariants(t);
  });

  it('gives the whole give to the next owner when it covers more than they want (the surplus goes with it)', () => {
    const { alice, bob } = market();
    const a = post(alice, '5 apple, 1 fig', '1 orange');
    post(bob, '3 orange', '2 apple');
    expect(t.core.matchLoopsThrough(a)).toBeDefined();
    expect([holding(bob, 'apple'), holding(bob, 'fig'), holding(alice, 'orange')]).toEqual([15, 11, 13]);
    checkInvariants(t);
  });

  it('leaves offers alone that do not cover: too few of an item, or a wanted item missing', () => {
    const { alice, bob, carol } = market();
    const a = post(alice, '1 apple', '2 orange');
    post(bob, '1 orange', '1 apple');
    post(carol, '2 orange', '1 apple, 1 fig');
    expect(t.core.findLoopsThrough(a)).toEqual([]);
    expect(t.core.matchLoopsThrough(a)).toBeUndefined();
  });
});

describe('a loop broken just before it executes does not run, and nothing moves', () => {
  function foundLoop() {
    const people = market();
    const a = post(people.alice, '1 apple', '1 orange');
    const b = post(people.bob, '2 pear', '1 apple');
    const c = post(people.carol, '1 orange', '2 pear');
    const [loop] = t.core.findLoopsThrough(c);
    expect(loop).toEqual([c, a, b]);
    return { ...people, a, b, c, loop: loop! };
  }
  const snapshot = (...members: MemberRef[]) => ({ holdings: holdings(...members), trades: t.db.sqlite.prepare('SELECT count(*) AS n FROM trades').get() });

  it('by a cancel', () => {
    const { alice, bob, carol, a, b, c, loop } = foundLoop();
    unwrap(t.core.cancelOffer({ marketId: t.market.id, offerId: b, memberId: bob.id }));
    const before = snapshot(alice, bob, carol);
    expect(t.core.executeLoop(t.market.id, loop)).toEqual({ executed: false, reason: 'offer_not_open' });
    expect(snapshot(alice, bob, carol)).toEqual(before);
    expect([status(a), status(c)]).toEqual(['active', 'active']);
    expect(loopMessages()).toEqual([]);
    checkInvariants(t);
  });

  it('by an accept', () => {
    const { alice, bob, carol, dave, a, c, loop } = foundLoop();
    unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: a, takerId: dave.id }));
    const before = snapshot(alice, bob, carol, dave);
    expect(t.core.executeLoop(t.market.id, loop)).toEqual({ executed: false, reason: 'offer_not_open' });
    expect(snapshot(alice, bob, carol, dave)).toEqual(before);
    expect(status(c)).toBe('active');
    checkInvariants(t);
  });

  it('by an offer expiring during the search', () => {
    const { alice, bob, carol } = market();
    const a = post(alice, '1 apple', '1 orange', { hours: 1 });
    post(bob, '2 pear', '1 apple');
    const c = post(carol, '1 orange', '2 pear');
    const [loop] = t.core.findLoopsThrough(c);
    t.clock.advance(HOUR);
    const before = snapshot(alice, bob, carol);
    expect(t.core.executeLoop(t.market.id, loop!)).toEqual({ executed: false, reason: 'offer_not_open' });
    expect(t.core.matchLoopsThrough(c), 'an expired offer is no longer found either').toBeUndefined();
    expect(snapshot(alice, bob, carol)).toEqual(before);
    expect(status(a), 'left for the expiry sweep, which refunds it').toBe('active');
    checkInvariants(t);
  });

  it('by a ban of one owner (the ban takes their offer down)', () => {
    const { admin, alice, bob, carol, a, c, loop } = foundLoop();
    unwrap(t.core.banMember({ marketId: t.market.id, adminId: admin.id, memberId: bob.id, reason: 'spam' }));
    const before = snapshot(alice, bob, carol);
    expect(t.core.executeLoop(t.market.id, loop).executed).toBe(false);
    expect(snapshot(alice, bob, carol)).toEqual(before);
    expect([status(a), status(c)]).toEqual(['active', 'active']);
    checkInvariants(t);
  });

  it('by a banned owner whose offer is still open (the check is on the owner, not only the offer)', () => {
    const { alice, bob, carol, loop } = foundLoop();
    t.db.sqlite.prepare('UPDATE members SET banned_at = 1 WHERE id = ?').run(bob.id);
    const before = snapshot(alice, bob, carol);
    expect(t.core.executeLoop(t.market.id, loop)).toEqual({ executed: false, reason: 'owner_banned' });
    expect(t.core.findLoopsThrough(loop[0]!)).toEqual([]);
    expect(snapshot(alice, bob, carol)).toEqual(before);
  });
});

describe('competing loops', () => {
  it('the step takes the loop through the new offer that completes most offers', () => {
    const { alice, bob, carol, dave } = market();
    const mirror = post(bob, '1 orange', '1 apple');
    const c = post(carol, '1 pear', '1 apple');
    const d = post(dave, '1 orange', '1 pear');
    const a = post(alice, '1 apple', '1 orange');
    expect(t.core.findLoopsThrough(a).sort((x, y) => x.length - y.length)).toEqual([
      [a, mirror],
      [a, c, d],
    ]);
    expect(t.core.matchLoopsThrough(a)?.legs.map((leg) => leg.offerId)).toEqual([a, c, d]);
    expect(status(mirror)).toBe('active');
    checkInvariants(t);
  });

  it('the sweep picks the set completing most offers, and prefers two short loops to one long one', () => {
    const { alice, bob, carol, dave, erin } = market();
    // Loops: A-B, C-E, A-C-D, and A-C-E-B. Two 2-loops complete four offers, like the 4-loop,
    // and more than A-C-D: the two short ones win; D stays open.
    const a = post(alice, '1 apple', '1 orange');
    const b = post(bob, '1 orange', '1 apple');
    const c = post(carol, '1 pear', '1 apple');
    const d = post(dave, '1 orange', '1 pear');
    const e = post(erin, '1 apple', '1 pear');
    expect(t.core.findLoopsThrough(a)).toHaveLength(3);
    const done = sweepMarket(t.core, t.market.id);
    expect(done.map((outcome) => (outcome.executed ? outcome.legs.map((leg) => leg.offerId).sort((x, y) => x - y) : outcome.reason))).toEqual([
      [a, b],
      [c, e],
    ]);
    expect(status(d)).toBe('active');
    expect(sweepMarket(t.core, t.market.id), 'a second sweep finds nothing left').toEqual([]);
    checkInvariants(t);
  });
});

describe('offers that never join a loop', () => {
  it('a directed offer', () => {
    const { alice, bob, carol } = market();
    const a = post(alice, '1 apple', '1 orange');
    const b = post(bob, '1 orange', '1 apple', { targetId: alice.id });
    expect(t.core.matchLoopsThrough(a)).toBeUndefined();
    expect(t.core.matchLoopsThrough(b)).toBeUndefined();
    expect(sweepMarket(t.core, t.market.id)).toEqual([]);
    expect(t.core.executeLoop(t.market.id, [a, b])).toEqual({ executed: false, reason: 'offer_directed' });
    // A public offer from a third owner does match.
    const c = post(carol, '1 orange', '1 apple');
    expect(t.core.matchLoopsThrough(c)?.legs.map((leg) => leg.offerId)).toEqual([c, a]);
    expect(status(b)).toBe('active');
  });

  it('offers of a market that settles in two phases (confirm)', () => {
    const { alice, bob } = market();
    t.db.sqlite.prepare(`UPDATE markets SET settlement = 'confirm' WHERE id = ?`).run(t.market.id);
    const a = post(alice, '1 apple', '1 orange');
    const b = post(bob, '1 orange', '1 apple');
    expect(t.core.matchLoopsThrough(b)).toBeUndefined();
    expect(sweepMarket(t.core, t.market.id)).toEqual([]);
    expect(t.core.marketsOpenToLoops()).toEqual([]);
    expect(t.core.executeLoop(t.market.id, [a, b])).toEqual({ executed: false, reason: 'market_closed_to_loops' });
    expect([status(a), status(b)]).toEqual(['active', 'active']);
  });

  it('a second offer of the same owner: nobody trades with themselves', () => {
    const { alice, bob } = market();
    const a1 = post(alice, '1 apple', '1 orange');
    const a2 = post(alice, '1 orange', '1 apple');
    expect(t.core.matchLoopsThrough(a2)).toBeUndefined();
    const b = post(bob, '1 orange', '1 apple');
    expect(t.core.matchLoopsThrough(b)?.legs.map((leg) => leg.offerId)).toEqual([b, a1]);
    expect(status(a2)).toBe('active');
    checkInvariants(t);
  });

  it('a loop that would pass one owner twice', () => {
    const { alice, bob, carol } = market();
    // A1 -> B -> A2 -> C -> A1 would be a 4-loop with alice twice; only B-A2-... pairs without her twice may run.
    post(alice, '1 apple', '1 fig');
    post(bob, '1 orange', '1 apple');
    post(alice, '1 pear', '1 orange');
    const c = post(carol, '1 fig', '1 pear');
    expect(t.core.findLoopsThrough(c)).toEqual([]);
  });
});

describe('the market setting', () => {
  it('is on by default, and off stops the step, the sweep and a loop already found', () => {
    const { alice, bob } = market();
    expect(t.core.loopsEnabled(t.market.id)).toBe(true);
    const a = post(alice, '1 apple', '1 orange');
    const b = post(bob, '1 orange', '1 apple');
    const [found] = t.core.findLoopsThrough(b);
    expect(t.core.setLoops(t.market.id, false)).toBe(true);
    expect(t.core.loopsEnabled(t.market.id)).toBe(false);
    expect(t.core.matchLoopsThrough(b)).toBeUndefined();
    expect(sweepMarket(t.core, t.market.id)).toEqual([]);
    expect(t.core.executeLoop(t.market.id, found!)).toEqual({ executed: false, reason: 'market_closed_to_loops' });
    expect([status(a), status(b)]).toEqual(['active', 'active']);
    // Back on, the sweep catches up with what it missed.
    t.core.setLoops(t.market.id, true);
    expect(sweepMarket(t.core, t.market.id).map((outcome) => outcome.executed)).toEqual([true]);
    expect(t.core.setLoops(987_654, true), 'no such market').toBe(false);
    checkInvariants(t);
  });
});

describe('the sweep searches only through offers the step has not checked since they opened', () => {
  const due = () => t.db.sqlite.prepare<[], { id: number }>(`SELECT id FROM offers WHERE status = 'active' AND loop_check > 0 ORDER BY id`).all().map((row) => row.id);
  /** Posts as `/post` does: the offer, then the step through it. */
  const postAndStep = (owner: MemberRef, give: string, want: string) => {
    const offerId = post(owner, give, want);
    t.core.matchLoopsThrough(offerId);
    return offerId;
  };
  const executedIds = (outcomes: ReturnType<typeof sweepMarket>) => outcomes.map((o) => (o.executed ? o.legs.map((leg) => leg.offerId) : o.reason));

  it('catches up an offer posted while the step did not run (the core alone, as during downtime)', () => {
    const { alice, bob, carol } = market();
    const a = postAndStep(alice, '1 apple', '1 orange');
    const c = postAndStep(carol, '1 pear', '1 fig');
    expect(due(), 'the step marked both checked').toEqual([]);
    const b = post(bob, '1 orange', '1 apple');
    expect(due()).toEqual([b]);
    expect(executedIds(sweepMarket(t.core, t.market.id))).toEqual([[b, a]]);
    expect([status(a), status(b), status(c)]).toEqual(['completed', 'completed', 'active']);
    expect(due()).toEqual([]);
    checkInvariants(t);
  });

  it('does nothing when every open offer was checked, reading only the index of unchecked offers', () => {
    const { alice, bob, carol } = market();
    postAndStep(alice, '1 apple', '1 orange');
    postAndStep(bob, '1 orange', '1 pear');
    postAndStep(carol, '1 pear', '1 fig');
    expect(due()).toEqual([]);
    const changes = () => t.db.sqlite.prepare<[], { n: number }>('SELECT total_changes() AS n').get()!.n;
    const before = changes();
    expect(t.core.sweepDueLoops(t.market.id)).toEqual({ outcomes: [], searched: 0, checked: 0, last: 0, more: false });
    expect(changes(), 'not a row written').toBe(before);
    const query = dueOffersQuery(t.db).toSQL();
    const plan = t.db.sqlite
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${query.sql}`)
      .all(...query.params.map((param) => ({ marketId: t.market.id, after: 0, limit: 50 })[(param as { name: string }).name]))
      .map((row) => row.detail);
    expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX offers_loop_check_due_idx/);
    expect(plan.join('\n')).not.toMatch(/SCAN offers(?! USING)/);
  });

  it('catches up an offer open again (as after a cancelled settlement) once the reopening marks it due', () => {
    const { alice, bob } = market();
    const a = postAndStep(alice, '1 apple', '1 orange');
    // A goes into settlement (out of `active`): B's step finds nothing, and B is checked.
    t.db.writeTransaction(() => {
      t.db.sqlite.prepare(`UPDATE offers SET status = 'settling' WHERE id = ?`).run(a);
      t.db.sqlite.prepare('UPDATE offer_lines SET open = 0 WHERE offer_id = ?').run(a);
    });
    const b = postAndStep(bob, '1 orange', '1 apple');
    expect(due()).toEqual([]);
    const reopen = (markDue: boolean) =>
      t.db.writeTransaction(() => {
        t.db.sqlite.prepare(`UPDATE offers SET status = 'active' WHERE id = ?`).run(a);
        t.db.sqlite.prepare('UPDATE offer_lines SET open = 1 WHERE offer_id = ?').run(a);
        if (markDue) createLoopChecks(t.db).loopCheckDueAgain(a);
      });
    // Reopened without marking it due, the loop A-B is invisible to the sweep: the marking matters.
    reopen(false);
    expect(t.core.findLoopsThrough(a)).toEqual([[a, b]]);
    expect(sweepMarket(t.core, t.market.id)).toEqual([]);
    reopen(true);
    expect(due()).toEqual([a]);
    expect(executedIds(sweepMarket(t.core, t.market.id))).toEqual([[a, b]]);
    expect(due()).toEqual([]);
    checkInvariants(t);
  });

  it('catches up offers posted while loops were off once they are back on', () => {
    const { alice, bob, carol } = market();
    const a = postAndStep(alice, '1 apple', '1 orange');
    t.core.setLoops(t.market.id, false);
    const b = postAndStep(bob, '1 orange', '1 pear');
    const c = postAndStep(carol, '1 pear', '1 apple');
    expect(due(), 'the step searched nothing while off, so it checked nothing').toEqual([b, c]);
    expect(sweepMarket(t.core, t.market.id)).toEqual([]);
    t.core.setLoops(t.market.id, true);
    expect(executedIds(sweepMarket(t.core, t.market.id)), "found through b, the oldest due offer").toEqual([[b, a, c]]);
    expect(due()).toEqual([]);
    checkInvariants(t);
  });

  it('works through due offers in batches, oldest first, each loop once', () => {
    const { alice, bob, carol, dave } = market();
    const offers = [post(alice, '1 apple', '1 orange'), post(bob, '1 orange', '1 apple'), post(carol, '1 pear', '1 fig'), post(dave, '1 fig', '1 pear')];
    const first = t.core.sweepDueLoops(t.market.id, { limit: 2 });
    expect({ ...first, outcomes: executedIds(first.outcomes) }).toEqual({ outcomes: [[offers[0], offers[1]]], searched: 2, checked: 0, last: offers[1], more: true });
    const second = t.core.sweepDueLoops(t.market.id, { after: first.last, limit: 2 });
    expect(executedIds(second.outcomes)).toEqual([[offers[2], offers[3]]]);
    expect(t.core.sweepDueLoops(t.market.id, { after: second.last, limit: 2 }).searched).toBe(0);
    expect(offers.map(status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    checkInvariants(t);
  });

  it('a step marks only the opening it searched through', () => {
    const { alice } = market();
    const a = post(alice, '1 apple', '1 orange');
    const checks = createLoopChecks(t.db);
    const [seen] = checks.dueIn(t.market.id, 0, 10);
    expect(seen).toEqual({ offerId: a, opening: 1 });
    t.db.writeTransaction(() => checks.loopCheckDueAgain(a));
    checks.markChecked([seen!]);
    expect(due(), 'opened again after the search: still due').toEqual([a]);
    checks.markChecked(checks.dueIn(t.market.id, 0, 10));
    expect(due()).toEqual([]);
  });
});
