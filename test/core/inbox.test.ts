// The inbox: a fetched batch is written once, a batch handed out again is recognised, a restart
// gets back exactly the updates taken and never started, in order, and old ones that ran are pruned.
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

  it('gives a restart what was taken and never started (claimed), in the platform order', () => {
    // Received out of order across batches; 11 and 12 were started (claimed) when the process died.
    t.core.receiveUpdates('telegram', [update(13), update(11)]);
    t.core.receiveUpdates('telegram', [update(12), update(10)]);
    t.core.claimUpdate('telegram', '11');
    t.core.claimUpdate('telegram', '12');
    // A claim on another platform is no claim here.
    t.core.claimUpdate('discord', '10');
    const again = t.core.unstartedUpdates('telegram');
    expect(keys(again)).toEqual(['10', '13']);
    expect(again[0]?.payload).toBe(update(10).payload);
    expect(keys(t.core.unstartedUpdates('discord'))).toEqual([]);
    // Until they are started, every restart sees them.
    expect(keys(t.core.unstartedUpdates('telegram'))).toEqual(['10', '13']);
    t.core.claimUpdate('telegram', '10');
    t.core.claimUpdate('telegram', '13');
    expect(t.core.unstartedUpdates('telegram')).toEqual([]);
  });

  it('prunes updates past the age that were started, never one still to run', () => {
    t.core.receiveUpdates('telegram', [update(1), update(2)]);
    t.clock.advance(HOUR);
    t.core.receiveUpdates('telegram', [update(3)]);
    for (const key of ['1', '3']) t.core.claimUpdate('telegram', key);
    expect(t.core.pruneInbox(HOUR)).toBe(1); // 1; 2 was never started, 3 is too young
    t.clock.advance(HOUR);
    expect(t.core.pruneInbox(HOUR)).toBe(1); // 3
    expect(keys(t.core.unstartedUpdates('telegram'))).toEqual(['2']);
    expect(rows()).toBe(1);
  });
});
