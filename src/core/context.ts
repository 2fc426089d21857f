/** What every core operation is built from: the database and the clock. */
import type { Database } from '../db/connection.js';
import { Refusal, fail, ok, type Result } from './errors.js';
import type { Clock } from './types.js';

export interface CoreContext {
  db: Database;
  clock: Clock;
}

/**
 * Runs `work` as one IMMEDIATE write transaction and returns its result as a value. `work`
 * refuses by throwing a {@link Refusal}, which rolls back whatever it already wrote.
 */
export function runWrite<T>(db: Database, work: () => T): Result<T> {
  try {
    return ok(db.writeTransaction(work));
  } catch (error) {
    if (error instanceof Refusal) return fail(error.error);
    throw error;
  }
}

/**
 * Runs `work` in one read (DEFERRED) transaction, so its several statements see one moment of the
 * database even while other processes write; in WAL mode it never blocks a writer.
 */
export function readTransaction<T>(db: Database, work: () => T): T {
  return db.readTransaction(work);
}

/** Like {@link runWrite} for reads that may refuse: one read transaction, same result shape. */
export function runRead<T>(db: Database, work: () => T): Result<T> {
  try {
    return ok(readTransaction(db, work));
  } catch (error) {
    if (error instanceof Refusal) return fail(error.error);
    throw error;
  }
}
