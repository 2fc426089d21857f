// Opening the database: folder creation, pragmas, migrations, and the CHECK constraints.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
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
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
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
