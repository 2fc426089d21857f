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

/** Like {@link runWrite} for reads that may refuse: no transaction, same result shape. */
export function runRead<T>(work: () => T): Result<T> {
  try {
    return ok(work());
  } catch (error) {
    if (error instanceof Refusal) return fail(error.error);
    throw error;
  }
}
