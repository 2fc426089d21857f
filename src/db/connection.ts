/**
 * Opens the SQLite database the way every process of the bot must: same pragmas on every
 * connection, migrations applied, and one way to write.
 */
import BetterSqlite3 from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyMigrations } from './migrate.js';
import * as schema from './schema.js';

export type Orm = BetterSQLite3Database<typeof schema>;

export interface Database {
  /** The raw connection, for pragmas, backups and the benchmark baseline. */
  readonly sqlite: BetterSqlite3.Database;
  /** drizzle over the same connection; every query of the core goes through it. */
  readonly orm: Orm;
  /**
   * Runs `work` in a transaction that begins IMMEDIATE: the write lock is taken before the first
   * read, so whatever `work` reads to decide its writes cannot change underneath it, and several
   * processes queue on `busy_timeout` instead of failing on a lock upgrade. `work` must be
   * synchronous. A throw rolls everything back. Nested calls become savepoints.
   */
  writeTransaction<T>(work: () => T): T;
  close(): void;
}

export interface OpenDatabaseOptions {
  /**
   * How long a writer waits for another process's lock before giving up, in ms. Writes here last
   * milliseconds, so the default is generous yet short enough that a member's command, which
   * blocks while it waits, still gets its answer inside Discord's 3-second window.
   */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 2_000;

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  applyMigrations(sqlite);

  const orm = drizzle({ client: sqlite, schema });
  // One wrapped function for every write, so better-sqlite3 prepares BEGIN IMMEDIATE once.
  const immediate = sqlite.transaction((work: () => unknown) => work()).immediate;
  return {
    sqlite,
    orm,
    writeTransaction: <T>(work: () => T) => immediate(work) as T,
    close: () => sqlite.close(),
  };
}
