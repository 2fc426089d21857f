/**
 * The inbox: platform updates written down as they are taken, before the platform is told they
 * arrived, so a crash loses none of them. An adapter records each fetched batch, marks an update
 * done once handled, and at start runs again what the last run took and never started.
 *
 * Started means claimed (`handled-updates.ts`): a command is claimed right before it runs, so an
 * update claimed before a crash is never run again (at most once), and one still in the inbox
 * unclaimed is run now (at least once): together, exactly once for every command that was taken
 * but not yet started.
 */
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
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
  const markDone = db.orm
    .update(inbox)
    .set({ doneAt: sql`${p('now')}` })
    .where(and(eq(inbox.platform, p('platform')), eq(inbox.updateKey, p('key')), isNull(inbox.doneAt)))
    .prepare();

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

    /** Marks an update handled: a restart does not run it again, and housekeeping may prune it. */
    finishUpdate(platform: Platform, key: string): void {
      db.writeTransaction(() => markDone.run({ platform, key, now: clock() }));
    },

    /**
     * What a restart must run, in the platform's order: the updates taken and not finished by the
     * last run, less those it had started (claimed), which are marked done here and never run
     * again. Call once at start, before taking new updates.
     */
    takeUnfinishedUpdates(platform: Platform): Array<InboxUpdate & { receivedAt: number }> {
      return db.writeTransaction(() => {
        const rows = db.orm
          .select({
            key: inbox.updateKey,
            seq: inbox.seq,
            payload: inbox.payload,
            receivedAt: inbox.receivedAt,
            claimed: handledUpdates.handledAt,
          })
          .from(inbox)
          .leftJoin(handledUpdates, and(eq(handledUpdates.platform, inbox.platform), eq(handledUpdates.updateKey, inbox.updateKey)))
          .where(and(eq(inbox.platform, platform), isNull(inbox.doneAt)))
          .orderBy(asc(inbox.seq))
          .all();
        const now = clock();
        for (const row of rows) if (row.claimed !== null) markDone.run({ platform, key: row.key, now });
        return rows.filter((row) => row.claimed === null).map(({ key, seq, payload, receivedAt }) => ({ key, seq, payload, receivedAt }));
      });
    },

    /** Forgets updates finished longer than `ageMs` ago (platforms do not hand out updates that old again). */
    pruneInbox(ageMs: number): number {
      return db.writeTransaction(() => db.orm.delete(inbox).where(lte(inbox.doneAt, clock() - ageMs)).run().changes);
    },
  };
}
