/**
 * Loops against everyone else, across OS processes: two processes accept offers, one cancels,
 * one runs the loop sweep and the step, all at once on one SQLite file. Every offer ends once
 * (one accept, one cancel or one loop), loops execute whole or not at all, nothing is created
 * or lost.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoopRaceSummary } from '../support/loop-race-worker.js';
import { checkInvariants } from '../support/invariants.js';
import { createTestMarket, unwrap, type TestMarket } from '../support/market.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('../support/loop-race-worker.ts', import.meta.url));
/** Each loop: apple -> orange -> pear -> apple, the three kinds of offer owned by disjoint owners. */
const LOOPS = 20;
const KINDS = [
  { give: 'apple', want: 'orange' },
  { give: 'pear', want: 'apple' },
  { give: 'orange', want: 'pear' },
] as const;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

let t: TestMarket | undefined;
afterEach(() => t?.cleanup());

describe('loops racing accepts and cancels in other processes', () => {
  it('ends every offer once and keeps every item', async () => {
    const tm = (t = createTestMarket({ items: ['apple', 'orange', 'pear'] }));
    const { core, market } = tm;
    const admin = tm.member('admin');
    const owners = Array.from({ length: 6 }, (_, i) => tm.member(`owner${i}`));
    const takers = [tm.member('taker0'), tm.member('taker1')];
    for (const member of [...owners, ...takers]) unwrap(core.grantItems(market.id, admin.id, member.id, ['apple', 'orange', 'pear'].map((name) => ({ name, quantity: 100 }))));
    const offers = Array.from({ length: LOOPS * 3 }, (_, i) => {
      const kind = KINDS[i % 3]!;
      const owner = owners[(i % 3) + 3 * (Math.floor(i / 3) % 2)]!;
      const id = unwrap(core.postOffer({ marketId: market.id, ownerId: owner.id, give: [{ name: kind.give, quantity: 1 }], want: [{ name: kind.want, quantity: 1 }] })).id;
      return { id, ownerId: owner.id };
    });
    const ids = offers.map((o) => o.id);
    const mixed = (seed: number) => [...ids].sort((a, b) => ((a * 7919 + seed) % 61) - ((b * 7919 + seed) % 61));
    // The accepters and the canceller contend with each other and with the loops for three fifths
    // of the offers; the rest only loops may take, so loops run however the processes are timed.
    const touched = (id: number, ...fifths: number[]) => fifths.includes(id % 5);
    const roles: Array<[string, number, string]> = [
      ['match', 0, ids.join(',')],
      ['accept', takers[0]!.id, mixed(1).filter((id) => touched(id, 0, 1)).join(',')],
      ['accept', takers[1]!.id, mixed(2).filter((id) => touched(id, 1, 2)).join(',')],
      ['cancel', 0, offers.filter((o) => touched(o.id, 2, 0)).map((o) => `${o.id}:${o.ownerId}`).join(',')],
    ];
    const go = join(tm.dir, 'go');
    const runs = roles.map(([role, member, list], k) => run([tm.path, join(tm.dir, `ready${k}`), go, String(market.id), String(tm.clock()), role, String(member), list]));
    const deadline = Date.now() + 30_000;
    while (!roles.every((_, k) => existsSync(join(tm.dir, `ready${k}`))) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    writeFileSync(go, 'go');
    const finished = await Promise.all(runs);
    const summaries = finished.map((done) => {
      expect(done.code, done.stderr).toBe(0);
      return JSON.parse(done.stdout.trim().split('\n').at(-1)!) as LoopRaceSummary;
    });
    expect(summaries.flatMap((s) => s.thrown)).toEqual([]);

    // Each offer was ended by exactly one of: an accept, a cancel, a loop; or is still open.
    const endings = new Map<number, string[]>();
    const note = (offerId: number, how: string) => endings.set(offerId, [...(endings.get(offerId) ?? []), how]);
    for (const s of summaries) {
      s.accepted.forEach((id) => note(id, 'accepted'));
      s.cancelled.forEach((id) => note(id, 'cancelled'));
      s.loops.flat().forEach((id) => note(id, 'loop'));
    }
    for (const id of ids) {
      const ended = endings.get(id) ?? [];
      expect(ended.length, `offer ${id} ended ${JSON.stringify(ended)}`).toBeLessThanOrEqual(1);
      const status = core.findOffer(id)?.status;
      expect(status, `offer ${id}`).toBe(ended[0] === 'accepted' || ended[0] === 'loop' ? 'completed' : (ended[0] ?? 'active'));
    }
    const loops = summaries.flatMap((s) => s.loops);
    expect(loops.length, 'loops executed while the others raced').toBeGreaterThan(0);
    console.info(`loop race: ${loops.length} loops, ${summaries.flatMap((s) => s.accepted).length} accepts, ${summaries.flatMap((s) => s.cancelled).length} cancels`);
    checkInvariants(tm);
  }, 60_000);
});
