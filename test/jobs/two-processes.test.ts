/**
 * Two processes with jobs on one database: every due offer expires once and every notification
 * is sent once.
 *
 * The test prepares one database file: a market that is the fake's group, ten owners whose
 * platform ids are Telegram user ids, 300 active offers that fall due one every 10 ms over three
 * seconds (so both processes' sweeps keep finding work at the same moments), plus offers that
 * were accepted or directed at someone (other kinds of notification), cancelled (refunds with no
 * notification), and a few that stay open. It spawns two `test/support/jobs-worker.ts` processes, each running the real
 * `startJobs` (expiry, delivery and heartbeat every second, the real Telegram delivery) against
 * ONE fake Bot API in this process, releases them at a barrier, waits until nothing is due and
 * nothing is pending, stops them with SIGTERM and checks the database, the fake and the
 * processes' own logs.
 */
import { plain } from '../support/telegram-group.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/core/outbox.js';
import type { MemberRef } from '../../src/core/types.js';
import { notificationText } from '../../src/jobs/delivery.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-api.js';
import { killStartedProcesses, startTsx, waitUntil, type ProcessRun, type StartedProcess } from '../support/bot-process.js';
import { checkInvariants } from '../support/invariants.js';
import type { JobsWorkerSummary } from '../support/jobs-worker.js';
import { HOUR, createTestMarket, items, unwrap, type TestMarket } from '../support/market.js';

const WORKER = fileURLToPath(new URL('../support/jobs-worker.ts', import.meta.url));
const GROUP_ID = -1001;
const BOT_USERNAME = 'TradingPostBot';
const CATALOG = ['apple', 'orange', 'pear', 'plum'] as const;

const OWNERS = 10;
const DUE = 300;
/** Due offers fall due this far apart (worker clock), starting just after the workers start. */
const DUE_SPACING_MS = 10;
const ACCEPTED = 30;
const CANCELLED = 10;
const DIRECTED = 10;
const STILL_OPEN = 5;
const PROCESSES = 2;
/** Start-up, the barrier, three seconds of offers falling due and the last deliveries. */
const WORK_TIMEOUT_MS = 15_000;

let fake: FakeTelegram;
let t: TestMarket | undefined;

beforeAll(async () => {
  fake = await startFakeTelegram({ botUsername: BOT_USERNAME });
  fake.addChat({ id: GROUP_ID, type: 'supergroup', title: 'Fruit market' });
});
afterEach(() => {
  killStartedProcesses();
  t?.cleanup();
  t = undefined;
});
afterAll(async () => {
  killStartedProcesses();
  await fake?.close();
});

const pick = (k: number) => CATALOG[k % CATALOG.length] as string;
/** Offer `i`: one or two given items, one wanted, never the same item on both sides. */
function spec(i: number) {
  const give: Array<[string, number]> = [[pick(i), 1 + (i % 3)]];
  if (i % 4 === 0) give.push([pick(i + 1), 2]);
  return { give, want: [[pick(i + 2), 1]] as Array<[string, number]> };
}

describe('two processes running the jobs on one database', () => {
  it(`expire each of ${DUE} due offers once and send each notification once`, async () => {
    const tm = (t = createTestMarket({ items: [...CATALOG] }));
    const { core, db, market, clock } = tm;
    db.sqlite.prepare('UPDATE markets SET platform_market_id = ? WHERE id = ?').run(String(GROUP_ID), market.id);
    // Offer i gives what offer i + 2 wants and the reverse: loops the loop sweep would execute
    // before they fall due. This test is about expiry and delivery.
    core.setLoops(market.id, false);
    const admin = core.ensureMember({ marketId: market.id, platformUserId: '500', displayName: 'Ada', username: 'ada' });
    const owners: MemberRef[] = Array.from({ length: OWNERS }, (_, k) =>
      core.ensureMember({ marketId: market.id, platformUserId: String(501 + k), displayName: `Owner ${k}`, username: `owner${k}` }),
    );
    for (const owner of owners) unwrap(core.grantItems(market.id, admin.id, owner.id, items(...CATALOG.map((name) => [name, 10_000] as const))));
    const ownerOf = (i: number) => owners[i % OWNERS]!;
    const post = (i: number, hours: number, targetId?: number) => {
      const { give, want } = spec(i);
      return unwrap(core.postOffer({ marketId: market.id, ownerId: ownerOf(i).id, give: items(...give), want: items(...want), hours, targetId: targetId ?? null }));
    };

    // 300 offers falling due 10 ms apart, from one hour after `base`.
    const base = clock();
    const due = Array.from({ length: DUE }, (_, i) => {
      clock.set(base + i * DUE_SPACING_MS);
      return post(i, 1);
    });
    clock.set(base + DUE * DUE_SPACING_MS);
    // Other notifications: accepted (owner and taker), directed; cancelled offers (refunded, their
    // owners not told: they did it); and offers that stay open.
    const accepted = Array.from({ length: ACCEPTED }, (_, k) => {
      const offer = post(DUE + k, 24);
      unwrap(core.acceptOffer({ marketId: market.id, offerId: offer.id, takerId: ownerOf(DUE + k + 1).id }));
      return offer.id;
    });
    const cancelled = Array.from({ length: CANCELLED }, (_, k) => {
      const offer = post(DUE + ACCEPTED + k, 24);
      unwrap(core.cancelOffer({ marketId: market.id, offerId: offer.id, memberId: ownerOf(DUE + ACCEPTED + k).id }));
      return offer.id;
    });
    const directed = Array.from({ length: DIRECTED }, (_, k) => post(DUE + ACCEPTED + CANCELLED + k, 720, ownerOf(DUE + ACCEPTED + CANCELLED + k + 3).id).id);
    const stillOpen = Array.from({ length: STILL_OPEN }, (_, k) => post(DUE + ACCEPTED + CANCELLED + DIRECTED + k, 48).id);
    const expectedRows = DUE + 2 * ACCEPTED + DIRECTED;
    expect(core.outboxCounts()).toEqual({ pending: expectedRows - DUE });
    checkInvariants(tm);

    // The workers' clock reads this at the start: the first offer falls due 300 ms later.
    const firstDue = due[0]!.expiresAt;
    const lastDue = due.at(-1)!.expiresAt;
    expect(lastDue - firstDue).toBe((DUE - 1) * DUE_SPACING_MS);
    const clockAtStart = firstDue - 300;

    const barrier = join(tm.dir, 'barrier');
    const goFile = `${barrier}.go`;
    const callsBefore = fake.calls.length;
    const workers: StartedProcess[] = Array.from({ length: PROCESSES }, (_, k) =>
      startTsx(WORKER, [tm.path, `${barrier}.ready.${k}`, goFile, String(clockAtStart), fake.token, fake.apiRoot, BOT_USERNAME], {
        label: `jobs worker ${k}`,
        timeoutMs: 30_000,
      }),
    );
    const describeWorkers = () => workers.map((w) => w.describe()).join('\n');
    await waitUntil('both workers at the barrier', () => workers.every((_, k) => existsSync(`${barrier}.ready.${k}`)), {
      timeoutMs: 20_000,
      watch: workers,
      describe: describeWorkers,
    });
    const startAt = Date.now() + 50;
    writeFileSync(goFile, String(startAt));

    // Done when every due offer has left `active` and every notification is out.
    const pendingWork = db.sqlite.prepare<[number], { due: number; rows: number; pending: number }>(`
      SELECT (SELECT count(*) FROM offers WHERE status = 'active' AND expires_at <= ?) AS due,
             (SELECT count(*) FROM outbox) AS rows,
             (SELECT count(*) FROM outbox WHERE status != 'delivered') AS pending`);
    await waitUntil(
      'every due offer expired and every notification delivered',
      () => {
        const now = pendingWork.get(lastDue)!;
        return now.due === 0 && now.rows === expectedRows && now.pending === 0;
      },
      { timeoutMs: WORK_TIMEOUT_MS, intervalMs: 50, watch: workers, describe: () => `${JSON.stringify(pendingWork.get(lastDue))}\n${describeWorkers()}` },
    );
    const doneAt = Date.now();
    for (const worker of workers) worker.kill('SIGTERM');
    const runs: ProcessRun[] = await Promise.all(workers.map((w) => w.done));
    const context = describeWorkers();
    for (const run of runs) expect(run.code, `a worker did not stop cleanly\n${context}`).toBe(0);
    const summaries = runs.map((run) => {
      try {
        return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as JobsWorkerSummary;
      } catch {
        throw new Error(`${run.label} printed no summary\n${context}`);
      }
    });
    expect(summaries.flatMap((s) => s.problems), `warnings or errors in the workers' logs\n${context}`).toEqual([]);

    // --- Every due offer expired exactly once.
    const dueIds = due.map((offer) => offer.id);
    const statusOf = new Map(db.sqlite.prepare<[], { id: number; status: string }>('SELECT id, status FROM offers').all().map((row) => [row.id, row.status]));
    expect(dueIds.filter((id) => statusOf.get(id) !== 'expired'), 'due offers not expired').toEqual([]);
    for (const id of accepted) expect(statusOf.get(id)).toBe('completed');
    for (const id of cancelled) expect(statusOf.get(id)).toBe('cancelled');
    for (const id of [...directed, ...stillOpen]) expect(statusOf.get(id), `offer ${id} is not due`).toBe('active');
    // ...by one process: the processes' logs name each offer once between them.
    const expiredBy = summaries.flatMap((s) => s.expired.map((e) => e.offerId)).sort((a, b) => a - b);
    expect(expiredBy, 'offers expired by the two processes, together').toEqual([...dueIds].sort((a, b) => a - b));
    // One expiry notification each, and one refund ledger row per given line, of its quantity.
    const expiryRows = db.sqlite
      .prepare<[], { eventKey: string }>("SELECT event_key AS eventKey FROM outbox WHERE event_key LIKE 'offer:%:expired' ORDER BY id")
      .all()
      .map((row) => row.eventKey);
    expect([...expiryRows].sort()).toEqual(dueIds.map((id) => `offer:${id}:expired`).sort());
    const refunds = db.sqlite
      .prepare<[], { offerId: number; slug: string; rows: number; quantity: number }>(`
        SELECT l.from_offer_id AS offerId, i.slug, count(*) AS rows, sum(l.quantity) AS quantity
        FROM ledger l JOIN items i ON i.id = l.item_id WHERE l.kind = 'refund' GROUP BY l.from_offer_id, i.slug ORDER BY l.from_offer_id, i.slug`)
      .all();
    const expectedRefunds = [...due.map((offer, i) => ({ offer, i })), ...cancelled.map((id, k) => ({ offer: { id }, i: DUE + ACCEPTED + k }))]
      .flatMap(({ offer, i }) => spec(i).give.map(([slug, quantity]) => ({ offerId: offer.id, slug, rows: 1, quantity })))
      .sort((a, b) => a.offerId - b.offerId || a.slug.localeCompare(b.slug));
    expect(refunds).toEqual(expectedRefunds);

    // --- Every notification delivered, and sent exactly once: the fake's DMs are the outbox, rendered.
    const rows = db.sqlite
      .prepare<[], { id: number; status: string; payload: string; userId: string; attempts: number; market: string | null }>(`
        SELECT n.id, n.status, n.payload, m.platform_user_id AS userId, n.attempts, k.title AS market
        FROM outbox n JOIN members m ON m.id = n.recipient_id JOIN markets k ON k.id = n.market_id ORDER BY n.id`)
      .all();
    expect(rows).toHaveLength(expectedRows);
    expect(rows.filter((row) => row.status !== 'delivered')).toEqual([]);
    expect(rows.filter((row) => row.attempts !== 1), 'rows claimed more than once').toEqual([]);
    // A DM as its member reads it: the market it is about, then the notification.
    const expectedDms = rows.map((row) => `${row.userId} ${[row.market, notificationText(JSON.parse(row.payload) as Notification)].filter(Boolean).join('\n')}`).sort();
    const calls = fake.calls.slice(callsBefore);
    expect(calls.filter((c) => c.error), 'failed API calls').toEqual([]);
    expect(calls.filter((c) => c.method !== 'sendMessage').map((c) => c.method), 'unexpected API calls').toEqual([]);
    const sentDms = calls.map((c) => `${String(c.params.chat_id)} ${plain(String(c.params.text))}`).sort();
    expect(new Set(expectedDms).size, 'two notifications with the same text to the same member').toBe(expectedDms.length);
    expect(sentDms).toEqual(expectedDms);
    // ...by one process each: the processes' logs name each row once between them.
    const deliveredBy = summaries.flatMap((s) => s.delivered.map((d) => d.notificationId)).sort((a, b) => a - b);
    expect(deliveredBy).toEqual(rows.map((row) => row.id));

    checkInvariants(tm);

    // For the record: how the work split between the processes, and whether they really overlapped.
    const seconds = (at: number) => Math.floor((at - startAt) / 1000);
    const perSecond = (events: Array<{ at: number }>) => {
      const buckets = new Map<number, number>();
      for (const { at } of events) buckets.set(seconds(at), (buckets.get(seconds(at)) ?? 0) + 1);
      return [...buckets].sort(([a], [b]) => a - b).map(([s, n]) => `${s}s:${n}`).join(' ');
    };
    const lines = summaries.map(
      (s, k) =>
        `  process ${k} (pid ${s.pid}): expired ${s.expired.length} [${perSecond(s.expired)}], delivered ${s.delivered.length} [${perSecond(s.delivered)}]`,
    );
    console.info(
      `two processes: ${DUE} offers expired and ${expectedRows} notifications delivered in ${doneAt - startAt} ms after the barrier\n${lines.join('\n')}`,
    );
  });
});
