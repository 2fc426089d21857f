/**
 * The inbox: platform updates written down as they are taken, before the platform is told they
 * arrived, so a crash loses none of them. An adapter records each fetched batch, and at start runs
 * again what the last run took and never started.
 *
 * Started means claimed (`handled-updates.ts`): an adapter claims each update when its turn comes,
 * right before running it. So an update claimed before a crash is never run again (at most once),
 * and one still unclaimed is run at the next start (at least once): together, exactly once for
 * every update that was taken but not yet started.
 */
import { and, asc, eq, exists, isNull, lte, sql } from 'drizzle-orm';
import { handledUpdates, inbox, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';

const p = sql.placeholder;

/** One update as the adapter took it. */
export interface InboxUpdate {
  /** The platform's id for it (as `claimUpdate` is given it). */
  key: string;
  /** The platform's order (Telegram's `update_id`). */
  seq: number;
  /** The update itself, serialised by the adapter; handed back as is. */
  payload: string;
}

export function createInbox({ db, clock }: CoreContext) {
  const insert = db.orm
    .insert(inbox)
    .values({ platform: p('platform'), updateKey: p('key'), seq: p('seq'), payload: p('payload'), receivedAt: p('now') })
    .onConflictDoNothing()
    .prepare();
  /** The claim of an inbox row, if it was started. */
  const itsClaim = and(eq(handledUpdates.platform, inbox.platform), eq(handledUpdates.updateKey, inbox.updateKey));

  return {
    /**
     * Writes a fetched batch down, in one transaction that is on the disk when this returns (the
     * platform is told next), and gives back the updates to handle: those not in the inbox yet. One
     * already there was taken before (a batch handed out again because its confirmation died with
     * the process) and is handled, or being handled, from the inbox.
     */
    receiveUpdates<T extends InboxUpdate>(platform: Platform, updates: readonly T[]): T[] {
      if (updates.length === 0) return [];
      const now = clock();
      return db.durableWriteTransaction(() => updates.filter((update) => insert.run({ platform, key: update.key, seq: update.seq, payload: update.payload, now }).changes === 1));
    },

    /**
     * What a restart must run, in the platform's order: the updates taken and never started
     * (claimed). Call at start, before taking new updates.
     */
    unstartedUpdates(platform: Platform): Array<InboxUpdate & { receivedAt: number }> {
      return db.readTransaction(() =>
        db.orm
          .select({ key: inbox.updateKey, seq: inbox.seq, payload: inbox.payload, receivedAt: inbox.receivedAt })
          .from(inbox)
          .leftJoin(handledUpdates, itsClaim)
          .where(and(eq(inbox.platform, platform), isNull(handledUpdates.updateKey)))
          .orderBy(asc(inbox.seq))
          .all(),
      );
    },

    /**
     * Forgets updates received longer than `ageMs` ago that have run (platforms do not hand out
     * updates that old again). One never started stays until a start runs it. Prune before the
     * claims: a row whose claim is gone would look unstarted.
     */
    pruneInbox(ageMs: number): number {
      return db.writeTransaction(() => {
        const started = db.orm.select({ one: sql`1` }).from(handledUpdates).where(itsClaim);
        return db.orm.delete(inbox).where(and(lte(inbox.receivedAt, clock() - ageMs), exists(started))).run().changes;
      });
    },
  };
}
