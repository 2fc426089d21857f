/**
 * A math-trade event while it is open: an admin opens it, members enter items (escrowed at once,
 * so nothing entered can be promised twice), rank what they would take for each entry, and
 * withdraw entries. Every item movement goes through `movements`, so it is in the ledger.
 */
import { and, eq } from 'drizzle-orm';
import { eventEntries, eventEntryItems, events, eventWants } from '../../db/schema.js';
import type { createCatalog } from '../catalog.js';
import { runWrite, type CoreContext } from '../context.js';
import { Refusal, type EventProblem, type Result } from '../errors.js';
import { recordModeration } from '../moderation-log.js';
import type { Movements } from '../movements.js';
import { refuseIfBanned, type Readers } from '../readers.js';
import type { ItemRequest } from '../types.js';
import type { EntryView, EventReads, EventRow } from './event-reads.js';

/** Longest event name. */
export const MAX_EVENT_NAME = 80;
/** An event runs at most 30 days by itself. */
export const MAX_EVENT_HOURS = 720;
/** Entries one member may have open in one event: enough for a shelf of games, not a flood. */
export const MAX_ENTRIES_PER_MEMBER = 50;
/** Wants one entry may rank. */
export const MAX_WANTS_PER_ENTRY = 100;

/** Wants as typed: rank groups (split at `;`), each a list of entry numbers or item names. */
export type TypedWants = string[][];

const ENTRY_NUMBER = /^#?([1-9][0-9]{0,9})$/;
/** An event refusal, to throw inside a write transaction. */
export const eventRefusal = (problem: EventProblem) => new Refusal({ code: 'event', problem });

export function createEventEntries(
  ctx: CoreContext,
  deps: { reads: EventReads; readers: Readers; movements: Movements; catalog: Pick<ReturnType<typeof createCatalog>, 'resolve' | 'findItem'> },
) {
  const { db, clock } = ctx;
  const { reads, readers, movements, catalog } = deps;

  /** The entry, which must be the member's own and still open. */
  const ownOpenEntry = (eventRow: EventRow, memberId: number, entryId: number) => {
    const row = reads.requireEntry(eventRow, entryId);
    if (row.memberId !== memberId) throw eventRefusal({ kind: 'not_your_entry', entryId });
    if (row.status !== 'open') throw eventRefusal({ kind: 'entry_not_open', entryId, status: row.status });
    return row;
  };

  return {
    /**
     * Admin: opens an event in the market, closing by itself after `hours` if given. One event is
     * live per market (the database holds it too). `chatId` is where the summary will go.
     */
    openEvent(input: { marketId: number; adminId: number; name: string; hours?: number | undefined; chatId?: string | null | undefined }): Result<EventRow> {
      return runWrite(db, () => {
        const name = input.name.trim();
        if (name.length === 0 || name.length > MAX_EVENT_NAME) throw new Refusal({ code: 'text_too_long', field: 'name', max: MAX_EVENT_NAME });
        const { hours } = input;
        if (hours !== undefined && (!Number.isInteger(hours) || hours < 1 || hours > MAX_EVENT_HOURS)) {
          throw new Refusal({ code: 'invalid_hours', hours, min: 1, max: MAX_EVENT_HOURS });
        }
        const live = reads.liveEvent(input.marketId);
        if (live) throw eventRefusal({ kind: 'event_exists', name: live.name });
        const now = clock();
        const closesAt = hours === undefined ? null : now + hours * 3_600_000;
        const row = db.orm
          .insert(events)
          .values({ marketId: input.marketId, name, openedById: input.adminId, chatId: input.chatId ?? null, openedAt: now, closesAt })
          .returning()
          .get();
        recordModeration(ctx, { marketId: input.marketId, adminId: input.adminId, action: 'event_open', detail: { event: name, hours: hours ?? null } });
        return row;
      });
    },

    /** Escrows `items` from the member's inventory as one new entry of the open event. */
    addEntry(input: { marketId: number; memberId: number; items: readonly ItemRequest[] }): Result<EntryView> {
      return runWrite(db, () => {
        const eventRow = reads.requireOpenEvent(input.marketId);
        refuseIfBanned(readers.member(input.memberId), input.marketId);
        const open = reads.openEntries(eventRow.id).filter((row) => row.memberId === input.memberId).length;
        if (open >= MAX_ENTRIES_PER_MEMBER) throw eventRefusal({ kind: 'too_many_entries', max: MAX_ENTRIES_PER_MEMBER });
        const amounts = catalog.resolve(input.marketId, input.items, 'items', 'offer');
        const shortages = amounts
          .map(({ item, quantity }) => ({ item, have: readers.holding(input.memberId, item.id), quantity }))
          .filter(({ have, quantity }) => have < quantity)
          .map(({ item, have, quantity }) => ({ item, have, missing: quantity - have }));
        if (shortages.length > 0) throw new Refusal({ code: 'items_short', shortages });
        const entry = db.orm.insert(eventEntries).values({ eventId: eventRow.id, memberId: input.memberId, createdAt: clock() }).returning().get();
        for (const { item, quantity } of amounts) {
          db.orm.insert(eventEntryItems).values({ entryId: entry.id, itemId: item.id, quantity }).run();
          if (!movements.escrowToEntry(input.marketId, item.id, input.memberId, entry.id, quantity)) throw new Error(`escrow of entry ${entry.id} failed after its check`);
        }
        return reads.entryView(entry);
      });
    },

    /**
     * Replaces what the member would take for their entry: entry numbers of this event and item
     * names (each standing for every entry giving it, at the close), in rank groups.
     */
    setWants(input: { marketId: number; memberId: number; entryId: number; wants: TypedWants }): Result<EntryView> {
      return runWrite(db, () => {
        const eventRow = reads.requireOpenEvent(input.marketId);
        refuseIfBanned(readers.member(input.memberId), input.marketId);
        const entry = ownOpenEntry(eventRow, input.memberId, input.entryId);
        const rows: Array<{ rank: number; wantedEntryId: number | null; wantedItemId: number | null }> = [];
        const seen = new Set<string>();
        input.wants.forEach((group, rank) => {
          for (const typed of group) {
            const number = ENTRY_NUMBER.exec(typed.trim());
            let key: string;
            let row: (typeof rows)[number];
            if (number) {
              const wanted = reads.requireEntry(eventRow, Number(number[1]));
              if (wanted.memberId === input.memberId) throw eventRefusal({ kind: 'own_entry_wanted', entryId: wanted.id });
              key = `e${wanted.id}`;
              row = { rank, wantedEntryId: wanted.id, wantedItemId: null };
            } else {
              const item = catalog.findItem(input.marketId, typed.trim());
              if (!item) throw eventRefusal({ kind: 'unknown_want', text: typed.trim() });
              key = `i${item.id}`;
              row = { rank, wantedEntryId: null, wantedItemId: item.id };
            }
            // A repeat keeps its best rank: the first time it is named.
            if (seen.has(key)) continue;
            seen.add(key);
            rows.push(row);
          }
        });
        if (rows.length === 0) throw eventRefusal({ kind: 'no_wants' });
        if (rows.length > MAX_WANTS_PER_ENTRY) throw eventRefusal({ kind: 'too_many_wants', max: MAX_WANTS_PER_ENTRY });
        db.orm.delete(eventWants).where(eq(eventWants.entryId, entry.id)).run();
        rows.forEach((row, position) => db.orm.insert(eventWants).values({ entryId: entry.id, position, ...row }).run());
        return reads.entryView(entry);
      });
    },

    /** Takes the member's entry out of the open event; its items go back to their inventory. */
    withdrawEntry(input: { marketId: number; memberId: number; entryId: number }): Result<EntryView> {
      return runWrite(db, () => {
        const eventRow = reads.requireOpenEvent(input.marketId);
        const entry = ownOpenEntry(eventRow, input.memberId, input.entryId);
        const closed = db.orm
          .update(eventEntries)
          .set({ status: 'withdrawn', closedAt: clock() })
          .where(and(eq(eventEntries.id, entry.id), eq(eventEntries.status, 'open')))
          .run();
        if (closed.changes !== 1) throw new Error(`entry ${entry.id} changed inside its own transaction`);
        for (const { item, quantity } of readers.entryItems(entry.id)) {
          if (!movements.unescrowFromEntry('refund', input.marketId, item.id, entry.id, input.memberId, quantity, input.memberId)) {
            throw new Error(`entry ${entry.id} escrow is short of ${item.slug}`);
          }
        }
        return reads.entryView(entry);
      });
    },
  };
}

