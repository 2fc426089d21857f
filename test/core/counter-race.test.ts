/**
 * Exactly once, across OS processes, for counter-offers: the owner of public offers accepts the
 * counters to them while two other members, in their own processes, accept the same public
 * offers at the same moment. For each pair exactly one thing happens: the counter is taken (the
 * offer closes as countered, its escrow paying for the counter) or the offer is taken (the
 * counter ends with it, its counterer refunded and told). Nothing is created or lost.
 *
 * The competitors are `test/support/accept-worker.ts`, the same process the plain race uses: a
 * counter is accepted like any offer made to its owner.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { MemberRef } from '../../src/core/types.js';
import type { WorkerSummary } from '../support/accept-worker.js';
import { killStartedProcesses, startTsx, type StartedProcess } from '../support/bot-process.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const PAIRS = 30;
const WORKER_TIMEOUT_MS = 25_000;

let t: TestMarket | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});
afterAll(killStartedProcesses);

/** Waits until every worker wrote its ready file; fails with the output of one that died first. */
async function allReady(workers: StartedProcess[], ready: string[]) {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  while (!ready.every((file) => existsSync(file))) {
    const dead = workers.find((worker) => worker.exited);
    if (dead) throw new Error(`a worker exited before the start barrier\n${dead.describe()}`);
    if (Date.now() > deadline) throw new Error('workers not ready in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it(`gives each of ${PAIRS} offer/counter pairs exactly one outcome while three processes race`, async () => {
  const tm = (t = createTestMarket({ items: ['apple', 'orange', 'pear'] }));
  const { core, market } = tm;
  const [admin, alice, bob, carol, dave] = ['admin', 'alice', 'bob', 'carol', 'dave'].map((name) => tm.member(name)) as [MemberRef, MemberRef, MemberRef, MemberRef, MemberRef];
  unwrap(core.grantItems(market.id, admin.id, alice.id, items(['apple', 2 * PAIRS])));
  unwrap(core.grantItems(market.id, admin.id, bob.id, items(['pear', PAIRS])));
  for (const taker of [carol, dave]) unwrap(core.grantItems(market.id, admin.id, taker.id, items(['orange', PAIRS])));
  // Each public offer: 2 apple for 1 orange. Bob counters each: 1 pear for the same 2 apple, so
  // the offer's escrow pays for the counter in full.
  const pairs = Array.from({ length: PAIRS }, () => {
    const original = unwrap(core.postOffer({ marketId: market.id, ownerId: alice.id, give: items(['apple', 2]), want: items(['orange', 1]) }));
    const counter = unwrap(core.counterOffer({ marketId: market.id, offerId: original.id, memberId: bob.id, give: items(['pear', 1]), want: items(['apple', 2]) })).counter;
    return { original: original.id, counter: counter.id };
  });
  checkInvariants(tm);

  const barrier = join(tm.dir, 'barrier');
  const go = `${barrier}.go`;
  const competitors = [
    { taker: alice, offers: pairs.map((pair) => pair.counter) },
    { taker: carol, offers: pairs.map((pair) => pair.original) },
    { taker: dave, offers: pairs.map((pair) => pair.original) },
  ];
  const seed = Math.floor(Math.random() * 2 ** 31);
  const ready = competitors.map((_, k) => `${barrier}.ready.${k}`);
  const workers = competitors.map(({ taker, offers }, k) =>
    startTsx('test/support/accept-worker.ts', [tm.path, ready[k]!, go, String(market.id), String(taker.id), String(tm.clock()), offers.join(','), String(seed + k)], {
      label: `accept-worker ${taker.displayName}`,
      timeoutMs: WORKER_TIMEOUT_MS,
    }),
  );
  await allReady(workers, ready);
  writeFileSync(`${go}.tmp`, String(Date.now() + 50));
  renameSync(`${go}.tmp`, go);
  const runs = await Promise.all(workers.map((worker) => worker.done));
  const context = `(seed ${seed})\n${workers.map((worker) => worker.describe()).join('\n')}`;
  for (const run of runs) expect(run.code, context).toBe(0);
  const [byAlice, byCarol, byDave] = runs.map((run) => JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as WorkerSummary) as [WorkerSummary, WorkerSummary, WorkerSummary];

  // Nobody hit an exception; everything not won was refused as no longer available.
  for (const summary of [byAlice, byCarol, byDave]) {
    expect(summary.thrown, context).toEqual([]);
    expect(Object.keys(summary.refused).filter((code) => code !== 'offer_not_active'), context).toEqual([]);
  }
  // Exactly one outcome per pair, and the database says the same.
  const status = (offerId: number) => core.getOffer(market.id, offerId)?.status;
  for (const pair of pairs) {
    const counterWon = byAlice.won.includes(pair.counter);
    const originalWinners = [byCarol, byDave].filter((summary) => summary.won.includes(pair.original));
    expect(Number(counterWon) + originalWinners.length, `pair ${JSON.stringify(pair)} ${context}`).toBe(1);
    expect([status(pair.original), status(pair.counter)], `pair ${JSON.stringify(pair)}`).toEqual(counterWon ? ['countered', 'completed'] : ['completed', 'declined']);
  }
  checkInvariants(tm);

  // What everyone holds follows from who won what.
  const countersTaken = byAlice.won.length;
  const originalsTaken = PAIRS - countersTaken;
  const holdings = (member: MemberRef) => Object.fromEntries(core.getInventory(member.id).holdings.filter((h) => h.quantity > 0).map((h) => [h.item.slug, h.quantity]));
  const some = (entries: Record<string, number>) => Object.fromEntries(Object.entries(entries).filter(([, quantity]) => quantity > 0));
  expect(holdings(alice)).toEqual(some({ pear: countersTaken, orange: originalsTaken }));
  expect(holdings(bob)).toEqual(some({ apple: 2 * countersTaken, pear: originalsTaken }));
  expect(holdings(carol)).toEqual(some({ apple: 2 * byCarol.won.length, orange: PAIRS - byCarol.won.length }));
  expect(holdings(dave)).toEqual(some({ apple: 2 * byDave.won.length, orange: PAIRS - byDave.won.length }));
  // Each counter that ended with its original told Bob once.
  const ended = tm.db.sqlite.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE kind = 'counter_ended'").get()?.n;
  expect(ended).toBe(originalsTaken);
  console.info(`counter race: ${countersTaken} counters taken by the owner, ${byCarol.won.length} + ${byDave.won.length} offers taken by the others`);
}, WORKER_TIMEOUT_MS + 35_000);
