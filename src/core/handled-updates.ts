/**
 * At-most-once handling of platform updates: an adapter claims an update's key before running
 * it, and skips an update it finds already claimed (one replayed after a crash).
 */
import { lte, sql } from 'drizzle-orm';
import { handledUpdates, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';

const p = sql.placeholder;

export function createHandledUpdates({ db, clock }: CoreContext) {
  const claim = db.orm
    .insert(handledUpdates)
    .values({ platform: p('platform'), updateKey: p('key'), handledAt: p('now') })
    .onConflictDoNothing()
    .prepare();
  return {
    /** True the first time `key` is claimed on `platform`; false for an update seen before. */
    claimUpdate(platform: Platform, key: string): boolean {
      return db.writeTransaction(() => claim.run({ platform, key, now: clock() }).changes === 1);
    },
    /** Forgets claims older than `ageMs` (platforms do not replay updates that old). */
    pruneHandledUpdates(ageMs: number): number {
      return db.writeTransaction(() => db.orm.delete(handledUpdates).where(lte(handledUpdates.handledAt, clock() - ageMs)).run().changes);
    },
  };
}
