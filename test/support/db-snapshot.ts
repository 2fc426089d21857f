/**
 * Everything a trade can change, read from the database file: compared before and after an
 * action that must change nothing (a refused or forged press).
 */
import type { DatabaseWithDriver } from '../../src/db/connection.js';

const TRADE_STATE = ['markets', 'items', 'inventories', 'offers', 'offer_lines', 'trades', 'ledger', 'outbox', 'cards'] as const;

export function tradeState(db: DatabaseWithDriver): Record<string, unknown[]> {
  return Object.fromEntries(TRADE_STATE.map((table) => [table, db.sqlite.prepare(`SELECT * FROM ${table} ORDER BY 1`).all()]));
}
