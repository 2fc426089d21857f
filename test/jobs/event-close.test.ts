/**
 * Issue 12: a math-trade event closes by itself through the jobs when its hours run out, even when
 * the process that opened it is gone: the due time is stored with the event, and a new process's
 * jobs close it at start (the scheduler runs the close job right away, then on the expiry schedule).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTradeCore } from '../../src/core/trade-core.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
afterEach(() => t?.cleanup());

describe('the event close job', () => {
  it('closes an event whose hours ran out while no process was running, at the next start', async () => {
    t = createTestMarket({ items: ['apple', 'orange'] });
    const admin = t.member('admin');
    const [alice, bob] = [t.member('alice'), t.member('bob')];
    unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, [{ name: 'apple', quantity: 1 }]));
    unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, [{ name: 'orange', quantity: 1 }]));
    unwrap(t.core.openEvent({ marketId: t.market.id, adminId: admin.id, name: 'Night swap', hours: 3, chatId: '-100' }));
    const a = unwrap(t.core.addEntry({ marketId: t.market.id, memberId: alice.id, items: [{ name: 'apple', quantity: 1 }] })).id;
    const b = unwrap(t.core.addEntry({ marketId: t.market.id, memberId: bob.id, items: [{ name: 'orange', quantity: 1 }] })).id;
    unwrap(t.core.setWants({ marketId: t.market.id, memberId: alice.id, entryId: a, wants: [[String(b)]] }));
    unwrap(t.core.setWants({ marketId: t.market.id, memberId: bob.id, entryId: b, wants: [['apple']] }));

    const log = pino({ level: 'silent' });
    const early = startJobs({ core: t.core, log, deliveries: [], retentionMs: HOUR });
    await early.run('events');
    await early.stop();
    expect(unwrap(t.core.eventOverview(t.market.id, alice.id)).event.status).toBe('open');

    // The process is gone; the hours run out; a new one starts on the same file.
    t.clock.advance(3 * HOUR);
    const restarted = createTradeCore({ db: t.db, clock: t.clock });
    const jobs = startJobs({ core: restarted, log, deliveries: [], retentionMs: HOUR });
    await jobs.run('events');
    await jobs.stop();
    expect(unwrap(restarted.eventOverview(t.market.id, alice.id)).event).toMatchObject({ status: 'closed', itemsTraded: 2, membersTrading: 2, loops: 1 });
    expect(restarted.getInventory(alice.id).holdings.map((h) => h.item.slug)).toEqual(['orange']);
    const kinds = t.db.sqlite.prepare<[], { kind: string }>(`SELECT kind FROM outbox WHERE kind LIKE 'event%' ORDER BY id`).all().map((row) => row.kind);
    expect(kinds).toEqual(['event_entry_traded', 'event_entry_traded', 'event_summary']);
    checkInvariants(t);
  });
});
