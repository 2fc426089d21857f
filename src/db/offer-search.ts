/**
 * Full-text search over open offers: SQLite FTS5, and the only place its SQL is written.
 *
 * `offer_search` holds one row per active offer (rowid = offer id) with three columns: the
 * offer's items (name and description of both sides; a slug is its name's words, which the
 * tokenizer makes of the name anyway), its note, and its owner (display name and @username). It is contentless (`content=''`): the text lives in the tables it comes
 * from, and the index alone costs a fraction of a copy; `contentless_delete=1` lets a row go.
 *
 * Triggers keep it in step inside the very transaction that changes an offer, its lines, an item
 * or an owner's name, so no code path can forget it: an offer is indexed while it is `active`
 * (posted, or back from settlement) and dropped when it leaves that state (accepted, cancelled,
 * expired, removed...). The SQL below is appended by hand to the drizzle migration that created
 * it (drizzle cannot express virtual tables); `test/core/search.test.ts` checks they are the same.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Orm } from './connection.js';

/** What an offer is found by, one row per offer, for the index and its triggers. */
const SOURCE = `SELECT o.id AS id,
  (SELECT group_concat(i.name || ' ' || coalesce(i.description, ''), ' ')
     FROM offer_lines l JOIN items i ON i.id = l.item_id WHERE l.offer_id = o.id) AS items,
  coalesce(o.note, '') AS note,
  m.display_name || ' ' || coalesce(m.username, '') AS owner
FROM offers o JOIN members m ON m.id = o.owner_id`;

/** Re-indexes the active offers picked by `where` (on `o`): drop their rows, write them again. */
const reindex = (where: string) => `DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE ${where});
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE ${where} AND o.status = 'active');`;

/** The hand-written part of migration 0018_search, statement by statement. */
export const OFFER_SEARCH_MIGRATION: readonly string[] = [
  `CREATE VIRTUAL TABLE offer_search USING fts5(items, note, owner, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3')`,
  `CREATE VIEW offer_search_source AS ${SOURCE}`,
  `CREATE TRIGGER offer_search_posted AFTER INSERT ON offers WHEN NEW.status = 'active' BEGIN
  ${reindex('o.id = NEW.id')}
END`,
  `CREATE TRIGGER offer_search_line_added AFTER INSERT ON offer_lines BEGIN
  ${reindex('o.id = NEW.offer_id')}
END`,
  `CREATE TRIGGER offer_search_status AFTER UPDATE OF status ON offers WHEN OLD.status IS NOT NEW.status BEGIN
  ${reindex('o.id = NEW.id')}
END`,
  `CREATE TRIGGER offer_search_item_changed AFTER UPDATE OF name, slug, description ON items BEGIN
  ${reindex(`o.id IN (SELECT l.offer_id FROM offer_lines l WHERE l.item_id = NEW.id AND l.open = 1)`)}
END`,
  `CREATE TRIGGER offer_search_owner_renamed AFTER UPDATE OF display_name, username ON members
  WHEN OLD.display_name IS NOT NEW.display_name OR OLD.username IS NOT NEW.username BEGIN
  ${reindex('o.owner_id = NEW.id')}
END`,
  `INSERT INTO offer_search(rowid, items, note, owner) SELECT s.id, s.items, s.note, s.owner FROM offer_search_source s JOIN offers o ON o.id = s.id WHERE o.status = 'active'`,
];

/**
 * A full-text query from words: each word a group of alternatives, all groups required. A word is
 * matched as a prefix (`appl` finds apple); its alternatives (catalog names it may be a typo of)
 * as phrases. Words are letters and digits only (the caller slugs them), quoted all the same.
 */
export function matchExpression(groups: ReadonlyArray<{ word: string; alternatives: readonly string[] }>): string {
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  return groups.map(({ word, alternatives }) => `(${[`${quote(word)}*`, ...alternatives.map(quote)].join(' OR ')})`).join(' AND ');
}

/** Whether any open offer of the market matches `expression`: stops at the first, no ranking. */
export function anyMatch(orm: Orm, expression: string, marketId: number): boolean {
  return (
    orm.all(sql`SELECT o.id FROM offer_search CROSS JOIN offers o WHERE offer_search MATCH ${expression} AND o.id = offer_search.rowid AND o.market_id = ${marketId} LIMIT 1`).length > 0
  );
}

/** What a search reads: a market's live offers, narrowed by conditions on `o` (the offers row). */
export interface SearchScope {
  marketId: number;
  now: number;
  /**
   * The offers of the most selective filter (a subquery of offer ids, see {@link ownerOffers},
   * {@link openLineOffers}): a search without words reads these and sorts them, rather than
   * walking the whole market in expiry order looking for them.
   */
  drive?: SQL | undefined;
  /** SQL conditions on `o`, all required (the other filters). */
  conditions: readonly SQL[];
}

/** Where a page starts, as an offer id in the list's order; none for the first page. */
export type SearchBound = { after?: number | undefined } | { before: number };

const scopeWhere = (scope: SearchScope, withDrive = true) =>
  sql.join(
    [sql`o.market_id = ${scope.marketId}`, sql`o.status = 'active'`, sql`o.expires_at > ${scope.now}`, ...(withDrive && scope.drive ? [offerAmong(scope.drive)] : []), ...scope.conditions],
    sql` AND `,
  );

/**
 * Every offer id matching `expression` in `scope`, best match first (bm25: items weigh most, then
 * owner, then note), then ending soonest, then oldest. All of them, since a rank is known only
 * once every match is scored: the caller pages through the list it is given.
 *
 * CROSS JOIN makes SQLite read the index first and look each hit's offer up: left to itself, it
 * may walk the market's offers and probe the index once per offer, a thousand times slower.
 */
export function rankedOfferIds(orm: Orm, expression: string, scope: SearchScope): number[] {
  const rows = orm.all<{ id: number }>(sql`SELECT o.id AS id FROM offer_search CROSS JOIN offers o
    WHERE offer_search MATCH ${expression} AND o.id = offer_search.rowid AND ${scopeWhere(scope)}
    ORDER BY bm25(offer_search, 4.0, 1.0, 2.0), o.expires_at, o.id`);
  return rows.map((row) => row.id);
}

/**
 * Up to `limit` offer ids in `scope` without words: ending soonest first, then oldest, from the
 * (expiry, id) position of the bound offer. With a driving filter, its offers are read first and
 * sorted (CROSS JOIN keeps that order of work); else the market is walked along
 * offers_active_market_expiry_idx, which is already in this order.
 */
export function soonestOfferIds(orm: Orm, scope: SearchScope, bound: SearchBound, limit: number): number[] {
  const from = scope.drive ? sql`(${scope.drive}) c CROSS JOIN offers o` : sql`offers o`;
  const where = scope.drive ? sql`o.id = c.id AND ${scopeWhere(scope, false)}` : scopeWhere(scope);
  const position = (id: number) => sql`(SELECT b.expires_at, b.id FROM offers b WHERE b.id = ${id})`;
  const rows =
    'before' in bound
      ? orm.all<{ id: number }>(sql`SELECT o.id AS id FROM ${from} WHERE ${where} AND (o.expires_at, o.id) < ${position(bound.before)} ORDER BY o.expires_at DESC, o.id DESC LIMIT ${limit}`)
      : bound.after === undefined
        ? orm.all<{ id: number }>(sql`SELECT o.id AS id FROM ${from} WHERE ${where} ORDER BY o.expires_at, o.id LIMIT ${limit}`)
        : orm.all<{ id: number }>(sql`SELECT o.id AS id FROM ${from} WHERE ${where} AND (o.expires_at, o.id) > ${position(bound.after)} ORDER BY o.expires_at, o.id LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** The ids of the offers with an open line on `side` with this item (offer_lines_open_side_item_idx). */
export const openLineOffers = (side: 'give' | 'want', itemId: number): SQL =>
  sql`SELECT l.offer_id AS id FROM offer_lines l WHERE l.side = ${side} AND l.item_id = ${itemId} AND l.open = 1`;

/** The ids of this member's offers, in any state (offers_owner_idx). */
export const ownerOffers = (memberId: number): SQL => sql`SELECT b.id AS id FROM offers b WHERE b.owner_id = ${memberId}`;

/** Condition: the offer is among the ids `offers` selects. */
export const offerAmong = (offers: SQL): SQL => sql`o.id IN (${offers})`;

/** Condition: the offer's owner is among the member ids `members` selects. */
export const ownerAmong = (members: SQL): SQL => sql`o.owner_id IN (${members})`;
