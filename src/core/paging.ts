/**
 * Keyset paging, shared by every list (the market, a member's offers and trades, the catalog).
 *
 * A page starts right after, or right before, an entry another page showed, named by its id:
 * `WHERE <position> < ? ORDER BY <position> DESC LIMIT n + 1`, never `OFFSET`. So a page costs
 * the same however deep it is (an index seek, then n rows), and entries added or closed between
 * two reads neither repeat on the next page nor push an older one out of sight.
 */

/** Entries per page. Small enough that a page of clipped lines fits every platform's message. */
export const PAGE_SIZE = 10;

/** Where a page starts: right after, or right before, the entry with this id, in the list's order. */
export type PageCursor = { after: number } | { before: number };

/** Which page to read: the first without a cursor; `size` entries (default {@link PAGE_SIZE}, at most {@link MAX_PAGE_SIZE}). */
export interface PageRequest {
  cursor?: PageCursor | undefined;
  size?: number | undefined;
}

/** The most entries one read returns, whoever asks (autocomplete asks for Discord's 25 choices). */
export const MAX_PAGE_SIZE = 25;

/** One page, and the cursors of the pages around it: null where the list ends. */
export interface KeysetPage<T> {
  entries: T[];
  previous: PageCursor | null;
  next: PageCursor | null;
}

/** How one list reads its rows; each reads at most `limit` and may stop early. */
export interface KeysetReader<T extends { id: number }> {
  /** Entries in list order from the start, or from right after the entry `after`. */
  forward(after: number | undefined, limit: number): T[];
  /** Entries in reverse list order from right before the entry `before`. */
  backward(before: number, limit: number): T[];
}

const cursorId = (cursor: PageCursor) => ('after' in cursor ? cursor.after : cursor.before);

/**
 * Reads the page a request names (the first page without a cursor). Going back near the start
 * shows the first page itself, so pages always line up from the start; a cursor past everything
 * left (what followed it has closed) shows the first page too. Whether a page has neighbours is
 * asked, not guessed, with one more one-row read. Call inside one read transaction, so the rows
 * and the neighbours are of one moment.
 *
 * A cursor id that is not a whole number from 1, or a size out of range, is a caller's bug (the
 * commands check what members send), so it throws: SQLite would fail on NaN or Infinity anyway.
 */
export function readPage<T extends { id: number }>(read: KeysetReader<T>, request: PageRequest = {}): KeysetPage<T> {
  const { cursor, size = PAGE_SIZE } = request;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new RangeError(`a page holds 1 to ${MAX_PAGE_SIZE} entries, not ${size}`);
  if (cursor) {
    const id = cursorId(cursor);
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`a page cursor must be an entry id, not ${id}`);
  }
  const first = () => readPage(read, { size });
  if (cursor && 'before' in cursor) {
    const rows = read.backward(cursor.before, size + 1);
    if (rows.length <= size) return first();
    const entries = rows.slice(0, size).reverse();
    const head = entries[0] as T;
    const tail = entries[entries.length - 1] as T;
    return { entries, previous: { before: head.id }, next: read.forward(tail.id, 1).length ? { after: tail.id } : null };
  }
  const after = cursor?.after;
  const rows = read.forward(after, size + 1);
  const entries = rows.slice(0, size);
  const head = entries[0];
  const tail = entries[entries.length - 1];
  if (after !== undefined && !head) return first();
  return {
    entries,
    previous: after !== undefined && head && read.backward(head.id, 1).length ? { before: head.id } : null,
    next: rows.length > size && tail ? { after: tail.id } : null,
  };
}

/** The same page with each entry turned into what the list shows (views are built only for the page). */
export const mapPage = <T, U>(page: KeysetPage<T>, view: (entry: T) => U): KeysetPage<U> => ({ ...page, entries: page.entries.map(view) });
