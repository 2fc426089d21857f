/**
 * Reading a math-trade event: the market's live event, its entries with their items and ranked
 * wants. Shared by the member operations, the close and the export.
 */
import { and, asc, desc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import { eventEntries, events, eventWants, items } from '../../db/schema.js';
import type { CoreContext } from '../context.js';
import { Refusal } from '../errors.js';
import type { Readers } from '../readers.js';
import type { ItemAmount, ItemRef, MemberRef } from '../types.js';

const p = sql.placeholder;

export type EventRow = typeof events.$inferSelect;
export type EntryRow = typeof eventEntries.$inferSelect;

/** One want as the member wrote it: an entry, or an item (every entry giving it). */
export type WantTarget = { entryId: number } | { item: ItemRef };

export interface EntryView {
  id: number;
  eventId: number;
  owner: MemberRef;
  status: EntryRow['status'];
  items: ItemAmount[];
  /** Rank groups, best first: `;` starts a new group. */
  wants: WantTarget[][];
  receiver: MemberRef | null;
}

export function createEventReads({ db }: CoreContext, readers: Readers) {
  const { orm } = db;
  const liveEvent = orm.select().from(events).where(and(eq(events.marketId, p('marketId')), ne(events.status, 'closed'))).prepare();
  const lastEvent = orm.select().from(events).where(eq(events.marketId, p('marketId'))).orderBy(desc(events.id)).limit(1).prepare();
  const entryById = orm.select().from(eventEntries).where(eq(eventEntries.id, p('id'))).prepare();
  const wantsOf = orm
    .select({ rank: eventWants.rank, entryId: eventWants.wantedEntryId, itemId: items.id, slug: items.slug, name: items.name, emoji: items.emoji })
    .from(eventWants)
    .leftJoin(items, eq(items.id, eventWants.wantedItemId))
    .where(eq(eventWants.entryId, p('entryId')))
    .orderBy(asc(eventWants.position))
    .prepare();
  const entriesOf = orm.select().from(eventEntries).where(eq(eventEntries.eventId, p('eventId'))).orderBy(asc(eventEntries.id)).prepare();
  const openEntriesOf = orm
    .select()
    .from(eventEntries)
    .where(and(eq(eventEntries.eventId, p('eventId')), eq(eventEntries.status, 'open')))
    .orderBy(asc(eventEntries.id))
    .prepare();

  const member = (id: number) => {
    const found = readers.member(id);
    if (!found) throw new Error(`event entry names missing member ${id}`);
    return found;
  };

  function wants(entryId: number): WantTarget[][] {
    const groups: WantTarget[][] = [];
    for (const row of wantsOf.all({ entryId })) {
      const group = (groups[row.rank] ??= []);
      if (row.entryId !== null) group.push({ entryId: row.entryId });
      else if (row.itemId !== null) group.push({ item: { id: row.itemId, slug: row.slug ?? '', name: row.name ?? '', emoji: row.emoji } });
    }
    return groups.filter((group) => group.length > 0);
  }

  const view = (row: EntryRow): EntryView => ({
    id: row.id,
    eventId: row.eventId,
    owner: member(row.memberId),
    status: row.status,
    items: readers.entryItems(row.id),
    wants: wants(row.id),
    receiver: row.receiverId === null ? null : member(row.receiverId),
  });

  return {
    /** The market's event that is open or closing, if any. */
    liveEvent: (marketId: number): EventRow | undefined => liveEvent.get({ marketId }),
    /** The market's latest event, whatever its state. */
    lastEvent: (marketId: number): EventRow | undefined => lastEvent.get({ marketId }),
    /** The open event of the market; refuses when there is none, or it is closing. */
    requireOpenEvent(marketId: number): EventRow {
      const event = liveEvent.get({ marketId });
      if (!event) throw new Refusal({ code: 'event', problem: { kind: 'no_event' } });
      if (event.status !== 'open') throw new Refusal({ code: 'event', problem: { kind: 'event_closing', name: event.name } });
      return event;
    },
    /** An entry of `event`, or a refusal naming the number. */
    requireEntry(event: EventRow, entryId: number): EntryRow {
      const row = entryById.get({ id: entryId });
      if (!row || row.eventId !== event.id) throw new Refusal({ code: 'event', problem: { kind: 'entry_not_found', entryId } });
      return row;
    },
    entryRow: (entryId: number): EntryRow | undefined => entryById.get({ id: entryId }),
    entryView: view,
    entries: (eventId: number): EntryRow[] => entriesOf.all({ eventId }),
    openEntries: (eventId: number): EntryRow[] => openEntriesOf.all({ eventId }),
    wants,
    /** A page of the event's entries in number order (keyset: after or before an entry number). */
    entriesPage(eventId: number, direction: 'forward' | 'backward', bound: number, limit: number): EntryView[] {
      const rows = orm
        .select()
        .from(eventEntries)
        .where(and(eq(eventEntries.eventId, eventId), direction === 'forward' ? gt(eventEntries.id, bound) : lt(eventEntries.id, bound)))
        .orderBy(direction === 'forward' ? asc(eventEntries.id) : desc(eventEntries.id))
        .limit(limit)
        .all();
      return rows.map(view);
    },
  };
}

export type EventReads = ReturnType<typeof createEventReads>;
