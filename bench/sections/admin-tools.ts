/**
 * The admins' tools on a large market (issue 13): `/admin log` pages over 100k moderation-log rows
 * (the first page, a page deep in the log, one member's page), and `/admin audit` of one market
 * beside a larger one, against auditing every market. Through the real core on a real file.
 */
import { recordModeration } from '../../src/core/moderation-log.js';
import { benchClock, HOUR, ITEM_NAMES, openCore, rng, tempDir, unwrap } from '../fixtures.js';
import { latency, now, type Latency } from '../stats.js';

const LOG_ROWS = 100_000;
const MEMBERS = 1_000;
const READS = 300;
const BATCH = 1_000;

export interface AdminToolsResult {
  logRows: number;
  members: number;
  firstPage: Latency;
  deepPage: Latency;
  memberPage: Latency;
  memberDeepPage: Latency;
  /** Ledger rows of the big market and of the small one. */
  ledger: { big: number; small: number };
  auditSmallMs: number;
  auditBigMs: number;
  auditAllMs: number;
}

function timed(reads: number, read: (i: number) => void): Latency {
  const samples: number[] = [];
  for (let i = 0; i < reads; i += 1) {
    const started = now();
    read(i);
    samples.push(now() - started);
  }
  return latency(samples);
}

/** Median of a few runs of `work`, in ms: the audit is slow enough that a few runs say enough. */
function medianOf(runs: number, work: () => void): number {
  return timed(runs, work).medianMs;
}

export async function run(): Promise<AdminToolsResult> {
  const dir = tempDir('admin-tools');
  try {
    const clock = benchClock();
    const { core, db } = openCore(dir.file('admin.db'), clock);
    const big = core.ensureMarket({ platform: 'discord', platformMarketId: 'big', title: 'Big' });
    const small = core.ensureMarket({ platform: 'discord', platformMarketId: 'small', title: 'Small' });
    const admin = core.ensureMember({ marketId: big.id, platformUserId: 'admin', displayName: 'Admin', username: 'admin' });
    const members = Array.from({ length: MEMBERS }, (_, i) => core.ensureMember({ marketId: big.id, platformUserId: `m${i}`, displayName: `Member ${i}`, username: `m${i}` }));
    const items = ITEM_NAMES.map((name) => unwrap(core.addItem(big.id, admin.id, { name })));
    const random = rng(13);
    // Grants through the core: each writes its ledger rows and its log row, as an admin's would.
    for (const member of members) unwrap(core.grantItems(big.id, admin.id, member.id, items.slice(0, 10).map((item) => ({ name: item.slug, quantity: 5 }))));
    for (let written = members.length + items.length; written < LOG_ROWS; written += BATCH) {
      db.writeTransaction(() => {
        for (let i = 0; i < BATCH; i += 1) {
          const member = members[Math.floor(random() * MEMBERS)]!;
          recordModeration({ db, clock }, { marketId: big.id, adminId: admin.id, action: 'ban', memberId: member.id, reason: 'bench' });
        }
      });
      clock.advance(HOUR);
    }
    const smallAdmin = core.ensureMember({ marketId: small.id, platformUserId: 'admin', displayName: 'Admin', username: 'admin' });
    unwrap(core.addItem(small.id, smallAdmin.id, { name: 'Apple' }));
    for (let i = 0; i < 100; i += 1) unwrap(core.grantItems(small.id, smallAdmin.id, smallAdmin.id, [{ name: 'apple', quantity: 1 }]));

    const logRows = core.listModerationLog(big.id, { size: 1 }).entries[0]!.id;
    const middle = Math.floor(logRows / 2);
    const someone = (i: number) => members[(i * 37) % MEMBERS]!.id;
    const firstPage = timed(READS, () => core.listModerationLog(big.id));
    const deepPage = timed(READS, (i) => core.listModerationLog(big.id, { cursor: { after: middle + i } }));
    const memberPage = timed(READS, (i) => core.listModerationLog(big.id, { memberId: someone(i) }));
    const memberDeepPage = timed(READS, (i) => core.listModerationLog(big.id, { memberId: someone(i), cursor: { after: middle } }));

    const auditSmallMs = medianOf(5, () => core.audit(small.id));
    const auditBigMs = medianOf(5, () => core.audit(big.id));
    const auditAllMs = medianOf(5, () => core.audit());
    const ledger = { big: core.audit(big.id).ledgerRows, small: core.audit(small.id).ledgerRows };
    db.close();
    return { logRows, members: MEMBERS, firstPage, deepPage, memberPage, memberDeepPage, ledger, auditSmallMs, auditBigMs, auditAllMs };
  } finally {
    dir.cleanup();
  }
}
