/**
 * The conservation audit: replays the ledger and compares it with what the tables hold.
 *
 * For every member and item, the ledger's movements in and out must equal the inventory; for
 * every offer line and every trade in settlement, they must equal what is held in escrow; and per
 * market and item, grants - revokes must equal inventories + offer escrow + trade escrow. Any mismatch is reported, never repaired:
 * a difference means a bug, and the ledger is the evidence.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connection.js';

export type AuditDifference =
  | { kind: 'inventory'; memberId: number; itemId: number; expected: number; actual: number }
  | { kind: 'escrow'; offerId: number; itemId: number; expected: number; actual: number }
  | { kind: 'total'; marketId: number; itemId: number; expected: number; actual: number }
  | { kind: 'escrow_on_closed_offer'; offerId: number; itemId: number; held: number }
  | { kind: 'trade_escrow'; tradeId: number; itemId: number; expected: number; actual: number }
  | { kind: 'escrow_on_ended_trade'; tradeId: number; itemId: number; held: number }
  | { kind: 'malformed_ledger_row'; ledgerId: number; reason: string }
  | { kind: 'entry_escrow'; entryId: number; itemId: number; expected: number; actual: number }
  | { kind: 'escrow_on_closed_entry'; entryId: number; itemId: number; held: number };

export interface AuditTotal {
  marketId: number;
  itemId: number;
  slug: string;
  granted: number;
  revoked: number;
  inInventories: number;
  /** Offer escrow and trade escrow together. */
  inEscrow: number;
}

export interface AuditReport {
  ok: boolean;
  differences: AuditDifference[];
  totals: AuditTotal[];
  ledgerRows: number;
}

/**
 * Runs the audit over every market, or over one (`marketId`: `/admin audit`), in one read
 * transaction so the picture is consistent. Only reads: the audit command runs it over a
 * read-only connection.
 */
export function auditLedger(db: Pick<Database, 'orm' | 'readTransaction'>, marketId?: number): AuditReport {
  // One market's rows: every place belongs to a market through its own row (a member, an offer,
  // a trade, an entry's event, an item), so a market is audited without reading the others.
  const scoped = (column: string) => (marketId === undefined ? sql`1 = 1` : sql`${sql.raw(column)} = ${marketId}`);
  // DEFERRED: a read transaction never blocks writers in WAL mode, yet sees one snapshot.
  return db.readTransaction(() => {
    const { orm } = db;
    const differences: AuditDifference[] = [];

    const malformed = orm.all<{ id: number; kind: string }>(sql`
      SELECT id, kind FROM ledger WHERE ${scoped('market_id')} AND (
        (kind = 'grant' AND (from_member_id IS NOT NULL OR from_offer_id IS NOT NULL OR from_trade_id IS NOT NULL OR from_entry_id IS NOT NULL OR to_member_id IS NULL)) OR
        (kind = 'revoke' AND (to_member_id IS NOT NULL OR to_offer_id IS NOT NULL OR to_trade_id IS NOT NULL OR to_entry_id IS NOT NULL OR from_member_id IS NULL)) OR
        (kind NOT IN ('grant', 'revoke') AND (
          (from_member_id IS NOT NULL) + (from_offer_id IS NOT NULL) + (from_trade_id IS NOT NULL) + (from_entry_id IS NOT NULL) <> 1 OR
          (to_member_id IS NOT NULL) + (to_offer_id IS NOT NULL) + (to_trade_id IS NOT NULL) + (to_entry_id IS NOT NULL) <> 1)))`);
    for (const row of malformed) {
      differences.push({ kind: 'malformed_ledger_row', ledgerId: row.id, reason: `a ${row.kind} must move between exactly the places its kind names` });
    }

    // Replays the ledger per place and compares it with the table in SQL, so only differences
    // ever reach JavaScript: the audit's memory does not grow with the database.
    const ledgerOfMarket = scoped('market_id');
    const places = {
      member: {
        flows: sql`SELECT to_member_id AS a, item_id AS b, quantity AS q FROM ledger WHERE to_member_id IS NOT NULL AND ${ledgerOfMarket}
                UNION ALL SELECT from_member_id, item_id, -quantity FROM ledger WHERE from_member_id IS NOT NULL AND ${ledgerOfMarket}`,
        actual: sql`SELECT v.member_id AS a, v.item_id AS b, v.quantity AS q FROM inventories v JOIN members m ON m.id = v.member_id WHERE ${scoped('m.market_id')}`,
      },
      offer: {
        flows: sql`SELECT to_offer_id AS a, item_id AS b, quantity AS q FROM ledger WHERE to_offer_id IS NOT NULL AND ${ledgerOfMarket}
                UNION ALL SELECT from_offer_id, item_id, -quantity FROM ledger WHERE from_offer_id IS NOT NULL AND ${ledgerOfMarket}`,
        actual: sql`SELECT l.offer_id AS a, l.item_id AS b, l.held AS q FROM offer_lines l JOIN offers o ON o.id = l.offer_id WHERE l.side = 'give' AND ${scoped('o.market_id')}`,
      },
      trade: {
        flows: sql`SELECT to_trade_id AS a, item_id AS b, quantity AS q FROM ledger WHERE to_trade_id IS NOT NULL AND ${ledgerOfMarket}
                UNION ALL SELECT from_trade_id, item_id, -quantity FROM ledger WHERE from_trade_id IS NOT NULL AND ${ledgerOfMarket}`,
        actual: sql`SELECT e.trade_id AS a, e.item_id AS b, e.held AS q FROM trade_escrow e JOIN trades t ON t.id = e.trade_id WHERE ${scoped('t.market_id')}`,
      },
      entry: {
        flows: sql`SELECT to_entry_id AS a, item_id AS b, quantity AS q FROM ledger WHERE to_entry_id IS NOT NULL AND ${ledgerOfMarket}
                UNION ALL SELECT from_entry_id, item_id, -quantity FROM ledger WHERE from_entry_id IS NOT NULL AND ${ledgerOfMarket}`,
        actual: sql`SELECT x.entry_id AS a, x.item_id AS b, x.held AS q FROM event_entry_items x JOIN event_entries n ON n.id = x.entry_id JOIN events v ON v.id = n.event_id WHERE ${scoped('v.market_id')}`,
      },
    };
    const mismatches = (place: keyof typeof places) => {
      const { flows, actual } = places[place];
      return orm.all<{ a: number; b: number; expected: number; actual: number }>(sql`
        WITH expected AS (SELECT a, b, SUM(q) AS q FROM (${flows}) GROUP BY a, b),
             actual AS (${actual})
        SELECT e.a AS a, e.b AS b, e.q AS expected, coalesce(x.q, 0) AS actual
          FROM expected e LEFT JOIN actual x ON x.a = e.a AND x.b = e.b
          WHERE coalesce(x.q, 0) != e.q
        UNION ALL
        SELECT x.a, x.b, 0, x.q FROM actual x
          WHERE x.q != 0 AND NOT EXISTS (SELECT 1 FROM expected e WHERE e.a = x.a AND e.b = x.b)`);
    };
    for (const row of mismatches('member')) {
      differences.push({ kind: 'inventory', memberId: row.a, itemId: row.b, expected: row.expected, actual: row.actual });
    }
    for (const row of mismatches('offer')) {
      differences.push({ kind: 'escrow', offerId: row.a, itemId: row.b, expected: row.expected, actual: row.actual });
    }
    for (const row of mismatches('trade')) {
      differences.push({ kind: 'trade_escrow', tradeId: row.a, itemId: row.b, expected: row.expected, actual: row.actual });
    }
    for (const row of mismatches('entry')) {
      differences.push({ kind: 'entry_escrow', entryId: row.a, itemId: row.b, expected: row.expected, actual: row.actual });
    }
    for (const row of orm.all<{ entryId: number; itemId: number; held: number }>(sql`
      SELECT i.entry_id AS entryId, i.item_id AS itemId, i.held AS held
      FROM event_entry_items i JOIN event_entries e ON e.id = i.entry_id
      JOIN events v ON v.id = e.event_id
      WHERE i.held > 0 AND e.status <> 'open' AND ${scoped('v.market_id')}`)) {
      differences.push({ kind: 'escrow_on_closed_entry', ...row });
    }
    for (const row of orm.all<{ tradeId: number; itemId: number; held: number }>(sql`
      SELECT e.trade_id AS tradeId, e.item_id AS itemId, e.held AS held
      FROM trade_escrow e JOIN trades t ON t.id = e.trade_id
      WHERE e.held > 0 AND t.status NOT IN ('pending', 'processing') AND ${scoped('t.market_id')}`)) {
      differences.push({ kind: 'escrow_on_ended_trade', ...row });
    }

    for (const row of orm.all<{ offerId: number; itemId: number; held: number }>(sql`
      SELECT l.offer_id AS offerId, l.item_id AS itemId, l.held AS held
      FROM offer_lines l JOIN offers o ON o.id = l.offer_id
      WHERE l.held > 0 AND o.status NOT IN ('active', 'settling') AND ${scoped('o.market_id')}`)) {
      differences.push({ kind: 'escrow_on_closed_offer', ...row });
    }

    const totals = orm.all<AuditTotal>(sql`
      SELECT i.market_id AS marketId, i.id AS itemId, i.slug AS slug,
        coalesce(l.granted, 0) AS granted, coalesce(l.revoked, 0) AS revoked,
        coalesce(v.quantity, 0) AS inInventories, coalesce(e.quantity, 0) AS inEscrow
      FROM items i
      LEFT JOIN (
        SELECT item_id,
          SUM(CASE WHEN kind = 'grant' THEN quantity ELSE 0 END) AS granted,
          SUM(CASE WHEN kind = 'revoke' THEN quantity ELSE 0 END) AS revoked
        FROM ledger GROUP BY item_id
      ) l ON l.item_id = i.id
      LEFT JOIN (SELECT item_id, SUM(quantity) AS quantity FROM inventories GROUP BY item_id) v ON v.item_id = i.id
      LEFT JOIN (
        SELECT item_id, SUM(held) AS quantity FROM (
          SELECT item_id, held FROM offer_lines UNION ALL SELECT item_id, held FROM trade_escrow
          UNION ALL SELECT item_id, held FROM event_entry_items
        ) GROUP BY item_id
      ) e ON e.item_id = i.id
      WHERE ${scoped('i.market_id')}
      ORDER BY i.market_id, i.id`);
    for (const total of totals) {
      const expected = total.granted - total.revoked;
      const actual = total.inInventories + total.inEscrow;
      if (expected !== actual) differences.push({ kind: 'total', marketId: total.marketId, itemId: total.itemId, expected, actual });
    }
    const ledgerRows = orm.get<{ n: number }>(sql`SELECT count(*) AS n FROM ledger WHERE ${ledgerOfMarket}`)?.n ?? 0;
    return { ok: differences.length === 0, differences, totals, ledgerRows };
  });
}
