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
    for (const name of ['apple', 'orange']) unwrap(core.addItem(other.id, { name }));
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
