/**
 * The want graph the solvers work on: items are numbered 0..size-1 and, for each item, the items
 * its owner would accept for it with their ranks, in compact arrays (a file of a thousand items
 * has tens of thousands of wants).
 *
 * Wants that cannot be honoured are dropped with a warning, as TradeMaximizer does: an item in its
 * own list, an item of the same owner, a repeat, an unknown name, a second list for one item.
 */
import type { MathTradeEntry } from './want-list.js';

/** The rank step after each accepted want, and the extra step of a `;` (TradeMaximizer's defaults). */
export const SMALL_STEP = 1;
export const BIG_STEP = 9;

export interface TradeGraph {
  size: number;
  /** Real (non-dummy) items: the most that could trade. */
  realCount: number;
  names: string[];
  owners: (string | null)[];
  isDummy: Uint8Array;
  /** Wants of item i are `wantTarget[wantStart[i] .. wantStart[i+1])`, best first, with their ranks (1 = first choice). */
  wantStart: Int32Array;
  wantTarget: Int32Array;
  wantRank: Int32Array;
}

export interface BuiltGraph {
  graph: TradeGraph;
  warnings: string[];
}

/** A dummy's key includes its owner: two users may both name a dummy `%CATAN`. */
const keyOf = (name: string, owner: string | null) => (name.startsWith('%') ? `${name} for user ${owner ?? ''}` : name);

/**
 * Builds the graph from entries (a parsed file, or an event's entries); `officialNames`, when given,
 * limits want lists to those names and lets a want of an official item that has no list pass quietly.
 */
export function buildTradeGraph(entries: readonly MathTradeEntry[], officialNames: ReadonlySet<string> | null = null): BuiltGraph {
  const warnings: string[] = [];
  const kept = keepOneListPerItem(entries, officialNames, warnings);
  const index = new Map<string, number>();
  kept.forEach((entry, i) => index.set(keyOf(entry.name, entry.owner), i));

  const wantStart = new Int32Array(kept.length + 1);
  const targets: number[] = [];
  const ranks: number[] = [];
  const unknown = new Map<string, number>();
  const wantedBy = new Int32Array(kept.length).fill(-1);
  kept.forEach((entry, i) => {
    wantStart[i] = targets.length;
    addWants(entry, i, { kept, index, officialNames, unknown, warnings, targets, ranks, wantedBy });
  });
  wantStart[kept.length] = targets.length;
  for (const [name, count] of unknown) warnings.push(`unknown item ${name} (${count} occurrence${count === 1 ? '' : 's'})`);

  const isDummy = Uint8Array.from(kept, (entry) => (entry.isDummy ? 1 : 0));
  const graph: TradeGraph = {
    size: kept.length,
    realCount: kept.length - isDummy.reduce((sum, flag) => sum + flag, 0),
    names: kept.map((entry) => entry.name),
    owners: kept.map((entry) => entry.owner),
    isDummy,
    wantStart,
    wantTarget: Int32Array.from(targets),
    wantRank: Int32Array.from(ranks),
  };
  return { graph, warnings };
}

const where = (entry: MathTradeEntry) => (entry.line === undefined ? '' : ` (line ${entry.line})`);

function keepOneListPerItem(entries: readonly MathTradeEntry[], officialNames: ReadonlySet<string> | null, warnings: string[]): MathTradeEntry[] {
  const seen = new Set<string>();
  const kept: MathTradeEntry[] = [];
  for (const entry of entries) {
    const key = keyOf(entry.name, entry.owner);
    if (officialNames && !entry.isDummy && !officialNames.has(entry.name)) {
      warnings.push(`want list for ${entry.name}${where(entry)} ignored: it is not an official name (usually a typo by the item's owner)`);
    } else if (seen.has(key)) {
      warnings.push(`item ${entry.name} has more than one want list; all but the first ignored${where(entry)}`);
    } else {
      seen.add(key);
      kept.push(entry);
    }
  }
  return kept;
}

interface WantContext {
  kept: readonly MathTradeEntry[];
  index: ReadonlyMap<string, number>;
  officialNames: ReadonlySet<string> | null;
  unknown: Map<string, number>;
  warnings: string[];
  targets: number[];
  ranks: number[];
  /** `wantedBy[j] === i` once item i's list has taken j: finds repeats without a set per list. */
  wantedBy: Int32Array;
}

/** Appends entry `from`'s honourable wants with TradeMaximizer's ranks: +1 per want, +9 per `;`. */
function addWants(entry: MathTradeEntry, from: number, context: WantContext): void {
  const { kept, index, officialNames, unknown, warnings, targets, ranks, wantedBy } = context;
  let rank = 1;
  entry.wants.forEach((group, groupIndex) => {
    if (groupIndex > 0) rank += BIG_STEP;
    for (const name of group) {
      if (name.startsWith('%') && entry.owner === null) {
        warnings.push(`dummy ${name} in the want list of ${entry.name}, which has no username: ignored`);
        continue;
      }
      const to = index.get(keyOf(name, entry.owner));
      if (to === undefined) {
        // An official item whose owner sent no list still takes its place in the ranking.
        if (officialNames?.has(name)) rank += SMALL_STEP;
        else unknown.set(name, (unknown.get(name) ?? 0) + 1);
        continue;
      }
      const problem = refusedWant(entry, from, to, kept[to] as MathTradeEntry, wantedBy[to] === from);
      if (problem) {
        warnings.push(problem);
        continue;
      }
      wantedBy[to] = from;
      targets.push(to);
      ranks.push(rank);
      rank += SMALL_STEP;
    }
  });
}

function refusedWant(entry: MathTradeEntry, from: number, to: number, target: MathTradeEntry, repeated: boolean): string | null {
  if (to === from) return `item ${entry.name} appears in its own want list`;
  if (repeated) return `item ${target.name} is repeated in the want list of ${entry.name}`;
  if (!target.isDummy && entry.owner !== null && entry.owner === target.owner) {
    return `want list of ${entry.name} names ${target.name} from the same user (${entry.owner}): ignored`;
  }
  return null;
}
