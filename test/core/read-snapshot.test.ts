// Reads of several statements see one moment, even while another process writes.
import { afterEach, expect, it } from 'vitest';
import { startTsx } from '../support/bot-process.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

let t: TestMarket;
afterEach(() => t.cleanup());

it('an inventory never shows apples twice or not at all while another process moves them in and out of escrow', async () => {
  t = createTestMarket();
  const alice = t.member('alice');
  unwrap(t.core.grantItems(t.market.id, t.member('admin').id, alice.id, items(['apple', 10])));
  const writer = startTsx('test/core/workers/churn-worker.ts', [t.path, String(t.market.id), String(alice.id), '3000'], { label: 'churn-worker' });

  let reads = 0;
  let midOffer = 0;
  while (!writer.exited) {
    for (let i = 0; i < 200; i += 1) {
      const inventory = t.core.getInventory(alice.id);
      const held = inventory.holdings.find((h) => h.item.slug === 'apple')?.quantity ?? 0;
      const escrowed = inventory.escrow.flatMap((e) => e.items).reduce((sum, e) => sum + e.quantity, 0);
      // Holdings and escrow read at two moments could add up to 7 or 13.
      expect(held + escrowed, `read ${reads}: holdings ${held} + escrow ${escrowed}`).toBe(10);
      if (escrowed > 0) midOffer += 1;
      reads += 1;
    }
    await new Promise((resolve) => setImmediate(resolve)); // lets the writer's exit be noticed
  }
  const run = await writer.done;
  expect(run.code, writer.describe()).toBe(0);
  // The reads overlapped the writes, or this test proved nothing.
  expect(midOffer).toBeGreaterThan(0);
}, 60_000);
