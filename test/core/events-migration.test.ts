// The events migration rebuilds `trades` (offer_id becomes nullable): on a database with trades in
// settlement, escrow and ledger rows pointing at them, and a trade card, every row and column comes
// through, the foreign keys still hold, and the card trigger dropped with the old table is back.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTradeCore } from '../../src/core/trade-core.js';
import { openDatabase } from '../../src/db/connection.js';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../src/db/migrate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database file as it was before the events migration, with the committed migrations before it. */
function databaseBeforeEvents(): { folder: string; path: string } {
  const folder = mkdtempSync(join(tmpdir(), 'trading-post-migrations-'));
  dirs.push(folder);
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((entry) => entry.tag.endsWith('_events'));
  expect(upTo).toBeGreaterThan(0);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
  return { folder, path: join(folder, 'old.db') };
}

describe('the events migration', () => {
  it('rebuilds trades with every row, column, reference and trigger intact', () => {
    const { folder, path } = databaseBeforeEvents();
    const sqlite = new Sqlite(path);
    sqlite.pragma('foreign_keys = ON');
    applyMigrations(sqlite, folder);
    sqlite.exec(`
      INSERT INTO markets (id, platform, platform_market_id, created_at, settlement) VALUES (1, 'telegram', '-1', 0, 'confirm');
      INSERT INTO members (id, market_id, platform_user_id, display_name, created_at) VALUES (1, 1, '1', 'owner', 0), (2, 1, '2', 'taker', 0);
      INSERT INTO items (id, market_id, slug, name, created_at) VALUES (1, 1, 'apple', 'apple', 0), (2, 1, 'pear', 'pear', 0);
      INSERT INTO ledger (market_id, item_id, kind, quantity, to_member_id, created_at) VALUES (1, 1, 'grant', 2, 1, 0), (1, 2, 'grant', 3, 2, 0);
      INSERT INTO inventories (member_id, item_id, quantity) VALUES (1, 1, 0), (2, 2, 0);
      INSERT INTO offers (id, market_id, owner_id, status, created_at, expires_at, accepted_by_id) VALUES (7, 1, 1, 'settling', 0, 99, 2);
      INSERT INTO offer_lines (offer_id, side, item_id, quantity, held, open) VALUES (7, 'give', 1, 2, 2, 0), (7, 'want', 2, 3, 0, 0);
      INSERT INTO ledger (market_id, item_id, kind, quantity, from_member_id, to_offer_id, created_at) VALUES (1, 1, 'escrow', 2, 1, 7, 1);
      INSERT INTO trades (id, market_id, offer_id, owner_id, taker_id, status, created_at, accepted_at, due_at, comment_by_owner)
        VALUES (5, 1, 7, 1, 2, 'processing', 2, 3, 1000, 'kept');
      INSERT INTO trade_escrow (trade_id, item_id, held) VALUES (5, 2, 3);
      INSERT INTO ledger (market_id, item_id, kind, quantity, from_member_id, to_trade_id, created_at) VALUES (1, 2, 'escrow', 3, 2, 5, 2);
      INSERT INTO cards (platform, chat_id, message_id, market_id, subject_kind, subject_id, follows) VALUES ('telegram', '-1', '9', 1, 'trade', 5, 1);`);
    const before = sqlite.prepare('SELECT * FROM trades').all();
    sqlite.close();

    const db = openDatabase(path);
    // Every column and value kept (later migrations may add columns of their own).
    expect(db.sqlite.prepare('SELECT * FROM trades').all()).toEqual([expect.objectContaining({ ...(before[0] as object), event_entry_id: null })]);
    expect(db.sqlite.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    // The ledger's and the escrow's references still name the trade: deleting it is refused.
    expect(() => db.sqlite.prepare('DELETE FROM trades WHERE id = 5').run()).toThrow(/FOREIGN KEY/);
    const core = createTradeCore({ db });
    expect(core.audit().ok).toBe(true);
    // The card follows its trade again: a step bumps its version.
    db.sqlite.prepare("UPDATE trades SET confirmed_at = 4 WHERE id = 5").run();
    expect(db.sqlite.prepare("SELECT version FROM cards WHERE subject_id = 5").get()).toEqual({ version: 1 });
    // A trade must name an offer or an event entry, not neither.
    expect(() => db.sqlite.prepare("INSERT INTO trades (market_id, owner_id, taker_id, status, created_at) VALUES (1, 1, 2, 'completed', 0)").run()).toThrow(/CHECK/);
    db.close();
  });
});
