// Opening the database: folder creation, pragmas, migrations, and the CHECK constraints.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase } from '../../src/db/connection.js';
import { applyMigrations, MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { createTradeCore } from '../../src/core/trade-core.js';
import { readMigrationFiles } from 'drizzle-orm/migrator';

const dirs: string[] = [];
const freshPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'trading-post-db-'));
  dirs.push(dir);
  return join(dir, 'nested', 'deeper', 'trade.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('creates the file and its folders, sets the pragmas and applies the migrations once', () => {
    const path = freshPath();
    const db = openDatabase(path);
    expect(existsSync(path)).toBe(true);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(DEFAULT_BUSY_TIMEOUT_MS);
    const tables = db.sqlite.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['inventories', 'items', 'ledger', 'markets', 'members', 'offer_lines', 'offers', 'outbox', 'trades']));
    db.close();
    const again = openDatabase(path);
    const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
    expect(migrations.length).toBeGreaterThan(0);
    expect(again.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual({ n: migrations.length });
    again.close();
  });

  it('refuses a negative inventory at the database level, whatever the code does', () => {
    const db = openDatabase(freshPath());
    db.sqlite.exec(`
      INSERT INTO markets (platform, platform_market_id, created_at) VALUES ('telegram', '1', 0);
      INSERT INTO members (market_id, platform_user_id, display_name, created_at) VALUES (1, '1', 'a', 0);
      INSERT INTO items (market_id, slug, name, created_at) VALUES (1, 'apple', 'apple', 0);
      INSERT INTO inventories (member_id, item_id, quantity) VALUES (1, 1, 1);`);
    expect(() => db.sqlite.exec('UPDATE inventories SET quantity = -1')).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('rolls back a whole write transaction when it throws', () => {
    const db = openDatabase(freshPath());
    expect(() =>
      db.writeTransaction(() => {
        db.sqlite.exec("INSERT INTO markets (platform, platform_market_id, created_at) VALUES ('telegram', '1', 0)");
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM markets').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('migration 0005 (open offer lines)', () => {
  /** A database file as it was before migration `tag`: the committed migrations up to the one before. */
  function databaseBefore(tag: string): { folder: string; path: string } {
    const folder = mkdtempSync(join(tmpdir(), 'trading-post-migrations-'));
    dirs.push(folder);
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const upTo = journal.entries.findIndex((entry) => entry.tag.startsWith(tag));
    expect(upTo).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    return { folder, path: join(folder, 'old.db') };
  }

  it('carries the offer cards of 0006 over to the cards of 0008, with their market, still following their offers', () => {
    const { folder, path } = databaseBefore('0008_');
    const sqlite = new Sqlite(path);
    applyMigrations(sqlite, folder);
    sqlite.exec(`
      INSERT INTO markets (platform, platform_market_id, created_at) VALUES ('telegram', '1', 0), ('telegram', '2', 0);
      INSERT INTO members (market_id, platform_user_id, display_name, created_at) VALUES (2, '1', 'a', 0);
      INSERT INTO offers (id, market_id, owner_id, status, created_at, expires_at) VALUES (7, 2, 1, 'active', 0, 10);
      INSERT INTO offer_cards (offer_id, platform, chat_id, message_id) VALUES (7, 'telegram', '-2', '40');`);
    sqlite.close();

    const db = openDatabase(path);
    expect(db.sqlite.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'offer_cards%'").all()).toEqual([]);
    const core = createTradeCore({ db });
    const location = { platform: 'telegram' as const, chatId: '-2', messageId: '40' };
    expect(core.cardAt(location)).toEqual({ marketId: 2, subject: { kind: 'offer', id: 7 }, follows: true });
    db.sqlite.prepare("UPDATE offers SET status = 'cancelled' WHERE id = 7").run();
    expect(core.staleCards('telegram').map((card) => card.messageId)).toEqual(['40']);
    db.close();
  });

  it('marks the lines of offers that had already ended as closed, and those of active offers as open', () => {
    const { folder, path } = databaseBefore('0005_');
    const sqlite = new Sqlite(path);
    applyMigrations(sqlite, folder);
    sqlite.exec(`
      INSERT INTO markets (platform, platform_market_id, created_at) VALUES ('telegram', '1', 0);
      INSERT INTO members (market_id, platform_user_id, display_name, created_at) VALUES (1, '1', 'a', 0);
      INSERT INTO items (market_id, slug, name, created_at) VALUES (1, 'apple', 'apple', 0), (1, 'pear', 'pear', 0);
      INSERT INTO offers (id, market_id, owner_id, status, created_at, expires_at, closed_at) VALUES
        (1, 1, 1, 'active', 0, 10, NULL), (2, 1, 1, 'completed', 0, 10, 5), (3, 1, 1, 'expired', 0, 10, 10);
      INSERT INTO offer_lines (offer_id, side, item_id, quantity) VALUES
        (1, 'give', 1, 1), (1, 'want', 2, 1), (2, 'give', 1, 1), (2, 'want', 2, 1), (3, 'give', 1, 1), (3, 'want', 2, 1);`);
    sqlite.close();

    const db = openDatabase(path); // applies 0005 and anything after it
    const lines = db.sqlite.prepare('SELECT offer_id AS offerId, side, open FROM offer_lines ORDER BY offer_id, side').all();
    expect(lines).toEqual([
      { offerId: 1, side: 'give', open: 1 },
      { offerId: 1, side: 'want', open: 1 },
      { offerId: 2, side: 'give', open: 0 },
      { offerId: 2, side: 'want', open: 0 },
      { offerId: 3, side: 'give', open: 0 },
      { offerId: 3, side: 'want', open: 0 },
    ]);
    db.close();
  });
});
