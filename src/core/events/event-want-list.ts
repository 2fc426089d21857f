/**
 * An event's entries and ranked wants as the math-trade solver reads them, and as
 * TradeMaximizer's want-list text (`/event export`), so an organizer can check the close with
 * TradeMaximizer itself. Both come from one list, so the file says exactly what the close solves.
 */
import type { MathTradeEntry } from '../mathtrade/want-list.js';
import type { EntryRow, EventReads } from './event-reads.js';

/** One entry as solved: its number, its owner, and the entry numbers it would take, in rank groups. */
export interface SolvedEntry {
  entryId: number;
  memberId: number;
  wants: number[][];
}

/**
 * The entries that take part in the close (open, of members not banned) with their wants expanded:
 * an item stands for every such entry giving it, in entry order; entries of the member, repeats and
 * entries no longer taking part are left out.
 */
export function solvedEntries(reads: EventReads, eventId: number, isBanned: (memberId: number) => boolean, itemsOf: (entryId: number) => number[]): SolvedEntry[] {
  const taking: EntryRow[] = reads.openEntries(eventId).filter((row) => !isBanned(row.memberId));
  const owner = new Map(taking.map((row) => [row.id, row.memberId]));
  const givers = new Map<number, number[]>();
  for (const row of taking) for (const itemId of itemsOf(row.id)) givers.set(itemId, [...(givers.get(itemId) ?? []), row.id]);
  return taking.map((row) => {
    const seen = new Set<number>();
    const wants = reads.wants(row.id).map((group) =>
      group
        .flatMap((target) => ('entryId' in target ? [target.entryId] : (givers.get(target.item.id) ?? [])))
        .filter((id) => {
          const ok = owner.has(id) && owner.get(id) !== row.memberId && !seen.has(id);
          seen.add(id);
          return ok;
        }),
    );
    return { entryId: row.id, memberId: row.memberId, wants: wants.filter((group) => group.length > 0) };
  });
}

/** The solver's input: each entry an item named by its number, owned by its member. */
export const mathTradeEntries = (entries: readonly SolvedEntry[]): MathTradeEntry[] =>
  entries.map((entry) => ({ name: String(entry.entryId), owner: `m${entry.memberId}`, isDummy: false, wants: entry.wants.map((group) => group.map(String)) }));

/** A user name TradeMaximizer reads: letters, digits, `_` and `-`, made unique by the member's number. */
const userName = (displayName: string, memberId: number) => `${displayName.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 30)}-${memberId}`;

/**
 * TradeMaximizer's want-list text for the entries: `(user) 12 : 15 17 ; 20`, one line per entry,
 * with the options that make users and colons required.
 */
export function wantListText(eventName: string, entries: readonly SolvedEntry[], nameOf: (memberId: number) => string): string {
  const lines = ['#! REQUIRE-COLONS REQUIRE-USERNAMES', `# ${eventName.replace(/\s+/g, ' ')}: entries by number; wants best first, ";" lowers the rank`];
  for (const entry of entries) {
    const wants = entry.wants.map((group) => group.join(' ')).join(' ; ');
    lines.push(`(${userName(nameOf(entry.memberId), entry.memberId)}) ${entry.entryId} :${wants ? ` ${wants}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
