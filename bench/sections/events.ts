/**
 * Math-trade events (issue 12): an event of {@link MEMBERS} members entering {@link ENTRIES}
 * entries (one item each, from a catalog of {@link CATALOG_SIZE}), each entry ranking
 * {@link WANTS} other entries in two rank groups, built through the core as members would.
 * Timed: the export of the want list, and the close (solve + the one transaction that executes
 * every exchange, refunds the rest and queues every message), uncapped and with event-max-loop 3,
 * each on a fresh file. The audit runs after each close, untimed, and must come back clean.
 */
import { performance } from 'node:perf_hooks';
import { benchMarket, openCore, rng, tempDir, unwrap } from '../fixtures.js';

const CATALOG_SIZE = 300;
const MEMBERS = 200;
const ENTRIES = 2_000;
const WANTS = 8;

export interface EventCloseCase {
  maxLoop: number | null;
  entries: number;
  buildS: number;
  exportMs: number;
  closeMs: number;
  itemsTraded: number;
  membersTrading: number;
  loops: number;
}

export interface EventsResult {
  cases: EventCloseCase[];
}

async function closeCase(maxLoop: number | null): Promise<EventCloseCase> {
  const dir = tempDir('events');
  try {
    const bench = openCore(dir.file('events.db'));
    const { core } = bench;
    const random = rng(12);
    const pick = (n: number) => Math.floor(random() * n);
    const market = benchMarket(core, { platform: 'discord', platformMarketId: 'bench-events', title: 'Events bench' });
    const admin = core.ensureMember({ marketId: market.id, platformUserId: 'admin', displayName: 'Admin', username: null });
    const items = Array.from({ length: CATALOG_SIZE }, (_, i) => unwrap(core.addItem(market.id, null, { name: `game ${i}` })).name);
    const members = Array.from({ length: MEMBERS }, (_, i) => core.ensureMember({ marketId: market.id, platformUserId: `m${i}`, displayName: `Member ${i}`, username: null }));
    if (maxLoop !== null) unwrap(core.setMarketSetting({ marketId: market.id, adminId: null, name: 'event-max-loop', value: String(maxLoop) }));
    const started = performance.now();
    unwrap(core.openEvent({ marketId: market.id, adminId: admin.id, name: 'Bench swap' }));
    const entries: Array<{ id: number; owner: number }> = [];
    for (let i = 0; i < ENTRIES; i += 1) {
      const member = members[i % MEMBERS]!;
      const item = items[pick(CATALOG_SIZE)]!;
      unwrap(core.grantItems(market.id, admin.id, member.id, [{ name: item, quantity: 1 }]));
      entries.push({ id: unwrap(core.addEntry({ marketId: market.id, memberId: member.id, items: [{ name: item, quantity: 1 }] })).id, owner: member.id });
    }
    for (const entry of entries) {
      const others = Array.from({ length: WANTS }, () => entries[pick(entries.length)]!).filter((other) => other.owner !== entry.owner);
      const wants = [others.slice(0, WANTS / 2), others.slice(WANTS / 2)].map((group) => group.map((other) => String(other.id))).filter((group) => group.length > 0);
      if (wants.length > 0) core.setWants({ marketId: market.id, memberId: entry.owner, entryId: entry.id, wants });
    }
    const buildS = (performance.now() - started) / 1000;
    const exportStart = performance.now();
    unwrap(core.exportEventWantList(market.id));
    const exportMs = performance.now() - exportStart;
    const closeStart = performance.now();
    const closed = unwrap(await core.closeEvent(market.id));
    const closeMs = performance.now() - closeStart;
    const audit = core.audit();
    if (!audit.ok) throw new Error(`audit after the close: ${JSON.stringify(audit.differences.slice(0, 3))}`);
    bench.db.close();
    return { maxLoop, entries: ENTRIES, buildS, exportMs, closeMs, itemsTraded: closed.itemsTraded, membersTrading: closed.membersTrading, loops: closed.loops };
  } finally {
    dir.cleanup();
  }
}

export async function run(): Promise<EventsResult> {
  return { cases: [await closeCase(null), await closeCase(3)] };
}
