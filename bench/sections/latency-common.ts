/**
 * What the two adapter latency sections (`telegram-latency`, `discord-latency`) share: the market
 * they set up through the core, the open offers a round can act on, and the summary they return.
 *
 * Both run the real bot against its loopback fake with 50 members who all send something in the
 * same instant, round after round; a round ends when every answer is in, so rounds never overlap.
 */
import type { TradeCore } from '../../src/core/trade-core.js';
import type { MemberRef } from '../../src/core/types.js';
import type { DatabaseWithDriver } from '../../src/db/connection.js';
import { latency, median, type Latency } from '../stats.js';
import { benchMarket, unwrap } from '../fixtures.js';

export const MEMBERS = 50;
export const ROUNDS = 20;
/** Every member holds this much of both items, so no post or accept is refused for want of items. */
export const HOLDING = 100_000;
/** A single answer later than this fails the section: something is stuck, not slow. */
export const ANSWER_TIMEOUT_MS = 30_000;

/** One command a member sent, as measured. */
export interface Sample {
  kind: string;
  /** 0-based position in the round's burst (the order the members sent in). */
  position: number;
  /** From sending the update / interaction to the bot's first answer to it. */
  ms: number;
}

export interface KindLatency extends Latency {
  kind: string;
}

export interface LatencySummary {
  members: number;
  rounds: number;
  warmupRounds: number;
  commands: number;
  latency: Latency;
  /** Commands per second of measured wall time (each round from its first send to its last first answer). */
  perSecond: number;
  wallMs: number;
  byKind: KindLatency[];
  /** Median over rounds of the latency of the burst's first, middle and last command. */
  byPosition: { first: number; middle: number; last: number };
}

export function summarise(samples: readonly Sample[], roundWallMs: readonly number[], rounds: { measured: number; warmup: number }): LatencySummary {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  const at = (position: number) => median(samples.filter((s) => s.position === position).map((s) => s.ms));
  const wallMs = roundWallMs.reduce((a, b) => a + b, 0);
  return {
    members: MEMBERS,
    rounds: rounds.measured,
    warmupRounds: rounds.warmup,
    commands: samples.length,
    latency: latency(samples.map((s) => s.ms)),
    perSecond: (samples.length / wallMs) * 1000,
    wallMs,
    byKind: kinds.map((kind) => ({ kind, ...latency(samples.filter((s) => s.kind === kind).map((s) => s.ms)) })),
    byPosition: { first: at(0), middle: at(Math.floor(MEMBERS / 2)), last: at(MEMBERS - 1) },
  };
}

/** How many samples took longer than `ms`. */
export const over = (samples: readonly Sample[], ms: number): number => samples.filter((s) => s.ms > ms).length;

export interface BenchMarket {
  marketId: number;
  /** Core member id by platform user id. */
  memberIds: Map<string, number>;
}

/**
 * The market a group or guild becomes, with apple and orange in the catalog and every member
 * holding {@link HOLDING} of each, granted by an admin (through the core: setup is not measured).
 * The ids are the ones the adapter will look up, so the bot finds this market and these members.
 */
export function setUpMarket(
  core: TradeCore,
  market: { platform: 'telegram' | 'discord'; platformMarketId: string; title: string },
  members: ReadonlyArray<{ platformUserId: string; displayName: string; username: string }>,
): BenchMarket {
  const { id: marketId } = benchMarket(core, market);
  unwrap(core.addItem(marketId, null, { name: 'apple' }));
  unwrap(core.addItem(marketId, null, { name: 'orange' }));
  const admin = core.ensureMember({ marketId, platformUserId: 'bench-admin', displayName: 'Admin', username: 'admin' });
  const memberIds = new Map<string, number>();
  for (const m of members) {
    const member: MemberRef = core.ensureMember({ marketId, ...m });
    memberIds.set(m.platformUserId, member.id);
    unwrap(
      core.grantItems(marketId, admin.id, member.id, [
        { name: 'apple', quantity: HOLDING },
        { name: 'orange', quantity: HOLDING },
      ]),
    );
  }
  return { marketId, memberIds };
}

export interface OpenOffer {
  id: number;
  ownerId: number;
}

/** The market's open offers, oldest first (read between rounds, not timed). */
export function openOffers(db: DatabaseWithDriver, marketId: number): OpenOffer[] {
  return db.sqlite
    .prepare("SELECT id, owner_id AS ownerId FROM offers WHERE market_id = ? AND status = 'active' AND target_id IS NULL ORDER BY id")
    .all(marketId) as OpenOffer[];
}

export function countRows(db: DatabaseWithDriver, sql: string, ...params: unknown[]): number {
  return (db.sqlite.prepare(sql).get(...params) as { n: number }).n;
}

/**
 * Hands out open offers for one round: each taker gets a distinct offer they do not own (so
 * accepts mostly succeed and trades really happen), and anyone may look at any open offer.
 */
export function offerPicker(open: readonly OpenOffer[], random: () => number) {
  const taken = new Set<number>();
  return {
    /** A not yet taken open offer of someone else, or undefined when none is left. */
    toAccept(memberId: number): number | undefined {
      const candidates = open.filter((o) => o.ownerId !== memberId && !taken.has(o.id));
      if (candidates.length === 0) return undefined;
      const chosen = candidates[Math.floor(random() * candidates.length)] as OpenOffer;
      taken.add(chosen.id);
      return chosen.id;
    },
    /** Any open offer, or undefined when there is none. */
    toView(): number | undefined {
      return open.length === 0 ? undefined : (open[Math.floor(random() * open.length)] as OpenOffer).id;
    },
  };
}
