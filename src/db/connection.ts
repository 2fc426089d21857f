/**
 * Opens the SQLite database the way every process of the bot must: same pragmas on every
 * connection, migrations applied, and one way to write. This folder is the only code that talks
 * to the driver (better-sqlite3); the layering check (test/layering.test.ts) holds everyone else
 * to the {@link Database} handle.
 */
import BetterSqlite3 from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyMigrations } from './migrate.js';
import * as schema from './schema.js';

export type Orm = BetterSQLite3Database<typeof schema>;

/**
 * The database as the rest of the bot sees it: drizzle for queries, and a named function for each
 * thing that needs the driver itself. Raw driver calls stay in this folder, so the SQL elsewhere
 * stays portable and a move to another database touches only src/db.
 */
export interface Database {
  /** drizzle over the connection; every query of the core goes through it. */
  readonly orm: Orm;
  /**
   * Runs `work` in a transaction that begins IMMEDIATE: the write lock is taken before the first
   * read, so whatever `work` reads to decide its writes cannot change underneath it, and several
   * processes queue on `busy_timeout` instead of failing on a lock upgrade. `work` must be
   * synchronous. A throw rolls everything back. Nested calls become savepoints.
   */
  writeTransaction<T>(work: () => T): T;
  /**
   * {@link writeTransaction} whose commit is on the disk when it returns (`synchronous = FULL` for
   * this one commit; with the connection's usual NORMAL, a commit survives the process dying but
   * not a power cut). For a write that something outside the database relies on at once: the
   * inbox, written before Telegram is told the updates arrived. It costs an fsync.
   */
  durableWriteTransaction<T>(work: () => T): T;
  /**
   * Runs `work` in one read (DEFERRED) transaction, so its several statements see one moment of
   * the database even while other processes write; in WAL mode it never blocks a writer.
   * `work` must be synchronous.
   */
  readTransaction<T>(work: () => T): T;
  /**
   * Whether a transaction is open on this connection now: for writes that must never stand alone
   * (the moderation log, written with the admin action it records) to refuse to run outside one.
   */
  inTransaction(): boolean;
  /**
   * Folds the write-ahead log back into the database file. PASSIVE never waits for readers or
   * writers (what it cannot fold in now, a later checkpoint will); TRUNCATE waits, then empties
   * the log file.
   */
  checkpoint(mode?: 'PASSIVE' | 'TRUNCATE'): WalCheckpoint;
  /** Copies the live database into `file` with SQLite's online backup API, while others keep writing. */
  backup(file: string): Promise<void>;
  /** Whether the database has a table of this name (to tell a Trading post database from another file). */
  hasTable(name: string): boolean;
  close(): void;
}

/** SQLite's answer to a checkpoint, in pages (frames) of the write-ahead log. */
export interface WalCheckpoint {
  /** 1 when a reader or writer kept the checkpoint from finishing. */
  busy: number;
  /** Frames in the log; -1 when the database is not in WAL mode. */
  log: number;
  /** Frames folded into the database file; -1 when the database is not in WAL mode. */
  checkpointed: number;
}

/**
 * What {@link openDatabase} returns: the handle, plus the raw connection for the tests and the
 * benchmark, which set up odd states and inspect the file directly. The bot itself passes the
 * handle on as a {@link Database}, which has no way to the driver.
 */
export interface DatabaseWithDriver extends Database {
  readonly sqlite: BetterSqlite3.Database;
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

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): DatabaseWithDriver {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  applyMigrations(sqlite);
  return { sqlite, ...handleOver(sqlite) };
}

/**
 * Opens an existing database for the operator commands (backup, audit, health check): never
 * creates the file and never migrates it, so pointing one at the wrong path changes nothing.
 * The connection's settings are left as the bot set them (WAL is a property of the file).
 */
export function openExistingDatabase(path: string, options: { readonly?: boolean; busyTimeoutMs: number }): Database {
  const sqlite = new BetterSqlite3(path, { readonly: options.readonly ?? false, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  return handleOver(sqlite);
}

function handleOver(sqlite: BetterSqlite3.Database): Database {
  // One wrapped function per kind of transaction, so better-sqlite3 prepares BEGIN once.
  const wrapped = sqlite.transaction((work: () => unknown) => work());
  const immediate = wrapped.immediate;
  const deferred = wrapped.deferred;
  return {
    orm: drizzle({ client: sqlite, schema }),
    writeTransaction: <T>(work: () => T) => immediate(work) as T,
    durableWriteTransaction<T>(work: () => T): T {
      // Synchronous is read at commit; nested inside another transaction it would not apply.
      if (sqlite.inTransaction) throw new Error('durableWriteTransaction cannot run inside another transaction');
      const usual = sqlite.pragma('synchronous', { simple: true }) as number;
      sqlite.pragma('synchronous = FULL');
      try {
        return immediate(work) as T;
      } finally {
        sqlite.pragma(`synchronous = ${usual}`);
      }
    },
    readTransaction: <T>(work: () => T) => deferred(work) as T,
    inTransaction: () => sqlite.inTransaction,
    checkpoint(mode = 'PASSIVE') {
      const [result] = sqlite.pragma(`wal_checkpoint(${mode})`) as WalCheckpoint[];
      // SQLite always answers with one row; this only satisfies the type.
      return result ?? { busy: 0, log: -1, checkpointed: -1 };
    },
    async backup(file) {
      await sqlite.backup(file);
    },
    hasTable: (name) => sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined,
    close: () => sqlite.close(),
  };
}
