/** The loop sweep job: every market open to loops, once per loop, none where loops are off. */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberRef } from '../../src/core/types.js';
import { sweepLoops } from '../../src/jobs/loop-sweep.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, unwrap, type TestMarket } from '../support/market.js';

const log = pino({ level: 'silent' });
let t: TestMarket;
afterEach(() => t?.cleanup());

describe('sweepLoops', () => {
  it('executes the loops left open (posted while nothing matched) in markets open to loops, once', async () => {
    t = createTestMarket({ items: ['apple', 'orange'] });
    const { core } = t;
    const other = core.ensureMarket({ platform: 'discord', platformMarketId: 'g2', title: 'Other' });
    for (const name of ['apple', 'orange']) unwrap(core.addItem(other.id, null, { name }));
    const mirror = (marketId: number, prefix: string) => {
      const [a, b, admin] = ['a', 'b', 'admin'].map((who) => core.ensureMember({ marketId, platformUserId: `${prefix}${who}`, displayName: who })) as [MemberRef, MemberRef, MemberRef];
      unwrap(core.grantItems(marketId, admin.id, a.id, [{ name: 'apple', quantity: 1 }]));
      unwrap(core.grantItems(marketId, admin.id, b.id, [{ name: 'orange', quantity: 1 }]));
      const offer = (owner: MemberRef, give: string, want: string) =>
        unwrap(core.postOffer({ marketId, ownerId: owner.id, give: [{ name: give, quantity: 1 }], want: [{ name: want, quantity: 1 }] })).id;
      return [offer(a, 'apple', 'orange'), offer(b, 'orange', 'apple')];
    };
    const here = mirror(t.market.id, 'h');
    const there = mirror(other.id, 'o');
    core.setLoops(other.id, false);

    expect(await sweepLoops(core, log)).toBe(1);
    expect(here.map((id) => core.findOffer(id)?.status)).toEqual(['completed', 'completed']);
    expect(there.map((id) => core.findOffer(id)?.status)).toEqual(['active', 'active']);
    expect(await sweepLoops(core, log), 'a second sweep (or another process) finds nothing left').toBe(0);
    checkInvariants(t);
  });
});

describe('sweepLoops in batches', () => {
  it('works through more due offers than one batch holds, and a second sweep has nothing to check', async () => {
    t = createTestMarket({ items: ['apple', 'orange'] });
    const { core } = t;
    const admin = t.member('admin');
    const offers: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const [a, b] = [t.member(`a${i}`), t.member(`b${i}`)];
      unwrap(core.grantItems(t.market.id, admin.id, a.id, [{ name: 'apple', quantity: 1 }]));
      unwrap(core.grantItems(t.market.id, admin.id, b.id, [{ name: 'orange', quantity: 1 }]));
      const offer = (owner: MemberRef, give: string, want: string) =>
        unwrap(core.postOffer({ marketId: t.market.id, ownerId: owner.id, give: [{ name: give, quantity: 1 }], want: [{ name: want, quantity: 1 }] })).id;
      offers.push(offer(a, 'apple', 'orange'), offer(b, 'orange', 'apple'));
    }
    // Ten alike offers: more competing loops than the exact choice takes, so the greedy one runs
    // (longest first): two 4-loops and a pair, batch by batch.
    expect(await sweepLoops(core, log, 3), 'in batches of three').toBe(3);
    expect(offers.map((id) => core.findOffer(id)?.status)).toEqual(offers.map(() => 'completed'));
    expect(core.sweepDueLoops(t.market.id).searched, 'nothing left to check').toBe(0);
    checkInvariants(t);
  });
});
