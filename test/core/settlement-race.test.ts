/**
 * Exactly once, across OS processes, for confirm settlement: a timeout sweep in one process and
 * both parties' confirm / withdraw in two others, on the same trades at the same moment. Each
 * trade ends (or steps) exactly once: the database, the outbox and conservation agree.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, HOUR, items, unwrap, type TestMarket } from '../support/market.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./workers/settlement-worker.ts', import.meta.url));
const TRADES = 30;

let t: TestMarket;
afterEach(() => t?.cleanup());

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

it('a timeout sweep and both parties’ steps in three processes leave each trade with one outcome', async () => {
  t = createTestMarket();
  const [admin, alice, bob] = [t.member('admin'), t.member('alice'), t.member('bob')];
  unwrap(t.core.setMarketSetting({ marketId: t.market.id, adminId: null, name: 'settlement', value: 'confirm' }));
  unwrap(t.core.grantItems(t.market.id, admin.id, alice.id, items(['apple', TRADES])));
  unwrap(t.core.grantItems(t.market.id, admin.id, bob.id, items(['orange', TRADES])));
  const ids: number[] = [];
  for (let i = 0; i < TRADES; i += 1) {
    const offer = unwrap(t.core.postOffer({ marketId: t.market.id, ownerId: alice.id, give: items(['apple', 1]), want: items(['orange', 1]), hours: 720 }));
    const trade = unwrap(t.core.acceptOffer({ marketId: t.market.id, offerId: offer.id, takerId: bob.id })).trade;
    // A third pending, a third accepted, a third handed over: every timeout and every step is in play.
    if (i % 3 >= 1) unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: trade.id, memberId: alice.id }));
    if (i % 3 === 2) unwrap(t.core.confirmTrade({ marketId: t.market.id, tradeId: trade.id, memberId: alice.id }));
    ids.push(trade.id);
  }
  // Every deadline has passed at the workers' clock: whoever comes first applies the timeout.
  const clock = String(t.clock() + 100 * HOUR);
  const go = join(t.dir, 'go');
  const list = ids.join(',');
  const market = String(t.market.id);
  const workers = [
    run([t.path, go, 'sweep', clock, market, list]),
    run([t.path, go, 'member', clock, market, list, String(alice.id)]),
    run([t.path, go, 'member', clock, market, list, String(bob.id)]),
  ];
  setTimeout(() => writeFileSync(go, 'go'), 1500);
  const results = await Promise.all(workers);
  for (const result of results) expect(result.code, result.stderr).toBe(0);
  const reports = results.map((result) => JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { done: Array<{ tradeId: number; step: string }> });

  // Each trade timed out exactly once, in whichever process got there first; the others were refused.
  const timedOut = reports.flatMap((report) => report.done.filter((entry) => entry.step === 'timed_out').map((entry) => entry.tradeId));
  expect(timedOut.sort((a, b) => a - b)).toEqual(ids);
  const rows = t.db.sqlite.prepare('SELECT id, status, cancel_reason AS reason FROM trades ORDER BY id').all() as Array<{ id: number; status: string; reason: string | null }>;
  expect(rows.map((row) => [row.status, row.reason])).toEqual(
    ids.map((_, i) => (i % 3 === 0 ? ['cancelled', 'seller_accept_timeout'] : i % 3 === 1 ? ['cancelled', 'seller_confirm_timeout'] : ['completed', null])),
  );
  // Both sides are told once which outcome it was.
  const notices = t.db.sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE event_key LIKE 'trade:%:cancelled:%' OR event_key LIKE 'trade:%:completed:%'").get() as { n: number };
  expect(notices.n).toBe(2 * TRADES);
  checkInvariants(t);
}, 60_000);
