// The inbox: a fetched batch is written once, a batch handed out again is recognised, a restart
// gets back exactly the updates taken and never started, in order, and finished ones are pruned.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, createTestMarket, type TestMarket } from '../support/market.js';

let t: TestMarket;
beforeEach(() => {
  t = createTestMarket();
});
afterEach(() => t.cleanup());

const update = (id: number) => ({ key: String(id), seq: id, payload: JSON.stringify({ update_id: id }) });
const keys = (updates: ReadonlyArray<{ key: string }>) => updates.map((u) => u.key);
const rows = () => t.db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM inbox').get()?.n;

describe('inbox', () => {
  it('writes a batch once and hands back only what it had not seen', () => {
    expect(keys(t.core.receiveUpdates('telegram', [update(9), update(10)]))).toEqual(['9', '10']);
    // Handed out again (the confirmation died with the process), plus one new update.
    expect(keys(t.core.receiveUpdates('telegram', [update(9), update(10), update(11)]))).toEqual(['11']);
    // Another platform's keys are its own.
    expect(keys(t.core.receiveUpdates('discord', [update(9)]))).toEqual(['9']);
    expect(t.core.receiveUpdates('telegram', [])).toEqual([]);
    expect(rows()).toBe(4);
  });

  it('gives a restart what was taken and not started, in the platform order; claimed ones never again', () => {
    // Received out of order across batches; 11 finished, 12 started (claimed) when the process died.
    t.core.receiveUpdates('telegram', [update(13), update(11)]);
    t.core.receiveUpdates('telegram', [update(12), update(10)]);
    t.core.finishUpdate('telegram', '11');
    t.core.claimUpdate('telegram', '12');
    const again = t.core.takeUnfinishedUpdates('telegram');
    expect(keys(again)).toEqual(['10', '13']);
    expect(again[0]?.payload).toBe(update(10).payload);
    expect(keys(t.core.takeUnfinishedUpdates('discord'))).toEqual([]);
    // The claimed one was settled: a second restart does not see it, and the others until finished.
    expect(keys(t.core.takeUnfinishedUpdates('telegram'))).toEqual(['10', '13']);
    t.core.finishUpdate('telegram', '10');
    t.core.finishUpdate('telegram', '13');
    expect(t.core.takeUnfinishedUpdates('telegram')).toEqual([]);
  });

  it('prunes finished updates past the age, never unfinished ones', () => {
    t.core.receiveUpdates('telegram', [update(1), update(2), update(3)]);
    t.core.finishUpdate('telegram', '1');
    t.clock.advance(HOUR);
    t.core.finishUpdate('telegram', '2');
    expect(t.core.pruneInbox(HOUR)).toBe(1);
    t.clock.advance(HOUR);
    expect(t.core.pruneInbox(HOUR)).toBe(1);
    expect(keys(t.core.takeUnfinishedUpdates('telegram'))).toEqual(['3']);
    // A pruned update handed out again would be new: Telegram keeps unconfirmed updates 24 hours only.
    expect(rows()).toBe(1);
  });
});
