/**
 * Filters of paged lists kept for their page buttons. A button carries at most 64 bytes
 * (Telegram's callback data), too little for a search's words and options; so a list with more
 * than one page saves its filter here and its buttons carry the row's number instead. Any list
 * command may use it: the filter is the command's own JSON, and the command checks what it reads
 * back as it checks what a member types (a forged number finds nothing, or a filter of its own
 * market and command only).
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import { savedFilters } from '../db/schema.js';
import type { CoreContext } from './context.js';

const p = sql.placeholder;

export function createSavedFilters({ db, clock }: CoreContext) {
  const byId = db.orm
    .select({ filter: savedFilters.filter })
    .from(savedFilters)
    .where(and(eq(savedFilters.id, p('id')), eq(savedFilters.marketId, p('marketId')), eq(savedFilters.command, p('command'))))
    .prepare();
  return {
    /** Saves a list's filter; returns the number its page buttons carry. */
    saveFilter(marketId: number, command: string, filter: unknown): number {
      return db.writeTransaction(() => {
        const [row] = db.orm.insert(savedFilters).values({ marketId, command, filter: JSON.stringify(filter), createdAt: clock() }).returning({ id: savedFilters.id }).all();
        if (!row) throw new Error('saved filter insert returned nothing');
        return row.id;
      });
    },
    /** The filter saved under `id` for this market's `command`, parsed; undefined if there is none (pruned, or not ours). */
    savedFilter(marketId: number, command: string, id: number): unknown {
      const row = byId.get({ id, marketId, command });
      return row ? JSON.parse(row.filter) : undefined;
    },
    /** Forgets filters saved more than `ageMs` ago (their buttons then say to search again). */
    pruneSavedFilters(ageMs: number): number {
      return db.writeTransaction(() => db.orm.delete(savedFilters).where(lt(savedFilters.createdAt, clock() - ageMs)).run().changes);
    },
  };
}
