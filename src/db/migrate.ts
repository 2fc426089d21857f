/**
 * Applies the committed drizzle-kit migrations in `drizzle/`.
 *
 * drizzle-orm's own `migrate()` reads which migrations ran before it opens its (deferred)
 * transaction, so two bots starting together on a fresh file can both try to create the same
 * tables. This runner reads and writes drizzle's bookkeeping table inside one IMMEDIATE
 * transaction instead: the second process waits, then finds nothing left to do. The table
 * layout is drizzle's, so drizzle-kit tooling still understands the database.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The committed `drizzle/` folder: found by walking up from this file, so it is the same folder
 * whether the code runs from `src/` (tsx) or compiled from `dist/src/`.
 */
function findMigrationsFolder(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'drizzle', 'meta', '_journal.json'))) return join(dir, 'drizzle');
    if (dirname(dir) === dir) throw new Error('the drizzle/ migrations folder was not found above src/db');
  }
}

export const MIGRATIONS_FOLDER = findMigrationsFolder();

export function applyMigrations(sqlite: BetterSqlite3.Database, migrationsFolder = MIGRATIONS_FOLDER): number {
  const migrations = readMigrationFiles({ migrationsFolder });
  const run = sqlite.transaction(() => {
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
    const last = sqlite
      .prepare<[], { created_at: number }>(`SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1`)
      .get();
    const record = sqlite.prepare(`INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)`);
    let applied = 0;
    for (const migration of migrations) {
      if (last && Number(last.created_at) >= migration.folderMillis) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) sqlite.exec(statement);
      }
      record.run(migration.hash, migration.folderMillis);
      applied += 1;
    }
    const broken = sqlite.prepare('PRAGMA foreign_key_check').all();
    if (broken.length > 0) throw new Error(`a migration left ${broken.length} broken foreign key(s): ${JSON.stringify(broken.slice(0, 3))}`);
    return applied;
  });
  // A migration that rebuilds a table (SQLite's only way to change a column) drops the old table
  // while other tables still point at it: SQLite's procedure is foreign keys off around the
  // transaction (the PRAGMA is a no-op inside one) and a foreign_key_check before commit.
  const enforced = sqlite.pragma('foreign_keys', { simple: true }) === 1;
  if (enforced) sqlite.pragma('foreign_keys = OFF');
  try {
    return run.immediate();
  } finally {
    if (enforced) sqlite.pragma('foreign_keys = ON');
  }
}
