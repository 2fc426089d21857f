/**
 * Math-trade events, as the rest of the bot uses them: open, enter, rank, withdraw, show, list,
 * export, close (see close-event.ts) and the market's loop cap for closes.
 */
import type { createCatalog } from '../catalog.js';
import { readTransaction, runRead, type CoreContext } from '../context.js';
import { Refusal, type Result } from '../errors.js';
import type { MarketSettingsApi } from '../market-settings.js';
import type { Movements } from '../movements.js';
import type { Outbox } from '../outbox.js';
import { readPage, type KeysetPage, type PageRequest } from '../paging.js';
import type { Readers } from '../readers.js';
import { createCloseEvent } from './close-event.js';
import { createEventEntries } from './event-entries.js';
import { createEventReads, type EntryView, type EventRow } from './event-reads.js';
import { solvedEntries, wantListText } from './event-want-list.js';

/** What `/event` shows a member: the live (or last) event, and their own entries with their wants. */
export interface EventOverview {
  event: EventRow;
  entries: EntryView[];
  /** Entries of everyone still in the event. */
  openEntries: number;
}

export function createEvents(
  ctx: CoreContext,
  deps: {
    readers: Readers;
    movements: Movements;
    outbox: Outbox;
    catalog: Pick<ReturnType<typeof createCatalog>, 'resolve' | 'findItem'>;
    settings: Pick<MarketSettingsApi, 'marketSettings'>;
  },
) {
  const { db } = ctx;
  const reads = createEventReads(ctx, deps.readers);
  const maxLoopOf = (marketId: number) => deps.settings.marketSettings(marketId).eventMaxLoop;
  const entries = createEventEntries(ctx, { ...deps, reads });
  const closing = createCloseEvent(ctx, { ...deps, reads, maxLoopOf });
  const noEvent = () => new Refusal({ code: 'event', problem: { kind: 'no_event' } });

  return {
    ...entries,
    ...closing,

    /** The market's live event, else its last one, with the member's entries in it. */
    eventOverview(marketId: number, memberId: number): Result<EventOverview> {
      return runRead(db, () => {
        const event = reads.liveEvent(marketId) ?? reads.lastEvent(marketId);
        if (!event) throw noEvent();
        const all = reads.entries(event.id);
        return {
          event,
          entries: all.filter((row) => row.memberId === memberId).map(reads.entryView),
          openEntries: all.filter((row) => row.status === 'open').length,
        };
      });
    },

    /** A page of the live (else last) event's entries, in number order. */
    listEventEntries(marketId: number, request: PageRequest = {}): Result<{ event: EventRow; page: KeysetPage<EntryView> }> {
      return runRead(db, () => {
        const event = reads.liveEvent(marketId) ?? reads.lastEvent(marketId);
        if (!event) throw noEvent();
        const page = readPage<EntryView>(
          {
            forward: (after, limit) => reads.entriesPage(event.id, 'forward', after ?? 0, limit),
            backward: (before, limit) => reads.entriesPage(event.id, 'backward', before, limit),
          },
          request,
        );
        return { event, page };
      });
    },

    /**
     * The live event's want list in TradeMaximizer's format: exactly what a close now would solve
     * (open entries of members not banned, item wants expanded to the entries giving them).
     */
    exportEventWantList(marketId: number): Result<{ event: EventRow; text: string; entries: number }> {
      return runRead(db, () => {
        const event = reads.liveEvent(marketId);
        if (!event) throw noEvent();
        const isBanned = (memberId: number) => deps.readers.member(memberId)?.bannedAt != null;
        const itemIds = (entryId: number) => deps.readers.entryItems(entryId).map(({ item }) => item.id);
        const solved = solvedEntries(reads, event.id, isBanned, itemIds);
        return { event, text: wantListText(event.name, solved, (memberId) => deps.readers.member(memberId)?.displayName ?? 'member'), entries: solved.length };
      });
    },

    /** The loop cap a close uses in this market (`/admin config event-max-loop`), or null for none. */
    eventMaxLoop: (marketId: number): number | null => readTransaction(db, () => maxLoopOf(marketId)),
  };
}
