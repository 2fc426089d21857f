/**
 * Delivering the outbox. Rows are claimed with a lease inside an IMMEDIATE transaction, so two
 * processes never hold the same row; a sender that dies mid-send loses its lease and another
 * process (or its own restart) sends the row again, so a crash between sending and recording can
 * repeat a message at most once per lease.
 */
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { markets, members, outbox, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';
import type { Notification } from './outbox.js';

const p = sql.placeholder;

export interface ClaimedNotification {
  id: number;
  notification: Notification;
  /** How many times this row has been claimed, this time included. */
  attempts: number;
  platform: Platform;
  marketId: number;
  /** The market's chat (Telegram group id, Discord guild id). */
  marketPlatformId: string;
  recipientId: number;
  recipientPlatformUserId: string;
  recipientName: string;
}

export function createNotifications({ db, clock }: CoreContext) {
  const { orm } = db;
  const take = orm
    .update(outbox)
    .set({ leaseUntil: sql`${p('leaseUntil')}`, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, p('id')), eq(outbox.status, 'pending'), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, p('now')))))
    .prepare();
  const finish = orm
    .update(outbox)
    .set({ status: 'delivered', deliveredAt: sql`${p('now')}`, leaseUntil: null, lastError: null })
    .where(and(eq(outbox.id, p('id')), eq(outbox.status, 'pending')))
    .prepare();
  const postpone = orm
    .update(outbox)
    .set({ nextAttemptAt: sql`${p('at')}`, leaseUntil: null, lastError: sql`${p('error')}` })
    .where(and(eq(outbox.id, p('id')), eq(outbox.status, 'pending')))
    .prepare();
  const giveUp = orm
    .update(outbox)
    .set({ status: 'undeliverable', leaseUntil: null, lastError: sql`${p('error')}` })
    .where(and(eq(outbox.id, p('id')), eq(outbox.status, 'pending')))
    .prepare();
  const markUnreachable = orm
    .update(members)
    .set({ unreachableSince: sql`${p('now')}` })
    .where(and(eq(members.id, p('id')), isNull(members.unreachableSince)))
    .prepare();

  return {
    /**
     * Leases up to `limit` due notifications for members of markets on `platforms` (the ones this
     * process can deliver to), skipping members known to be unreachable.
     */
    claimNotifications(options: { platforms: readonly Platform[]; limit: number; leaseMs: number }): ClaimedNotification[] {
      if (options.platforms.length === 0) return [];
      return db.writeTransaction(() => {
        const now = clock();
        const due = orm
          .select({
            id: outbox.id,
            payload: outbox.payload,
            attempts: outbox.attempts,
            platform: markets.platform,
            marketId: markets.id,
            marketPlatformId: markets.platformMarketId,
            recipientId: members.id,
            recipientPlatformUserId: members.platformUserId,
            recipientName: members.displayName,
          })
          .from(outbox)
          .innerJoin(members, eq(members.id, outbox.recipientId))
          .innerJoin(markets, eq(markets.id, outbox.marketId))
          .where(
            and(
              eq(outbox.status, 'pending'),
              lte(outbox.nextAttemptAt, now),
              or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now)),
              isNull(members.unreachableSince),
              inArray(markets.platform, [...options.platforms]),
            ),
          )
          .orderBy(outbox.nextAttemptAt, outbox.id)
          .limit(options.limit)
          .all();
        const claimed: ClaimedNotification[] = [];
        for (const { payload, ...row } of due) {
          if (take.run({ id: row.id, now, leaseUntil: now + options.leaseMs }).changes !== 1) continue;
          claimed.push({ ...row, attempts: row.attempts + 1, notification: JSON.parse(payload) as Notification });
        }
        return claimed;
      });
    },

    /** The notification reached its member. */
    markDelivered(id: number): void {
      db.writeTransaction(() => finish.run({ id, now: clock() }));
    },

    /** A transient failure: try again after `delayMs`. */
    retryLater(id: number, delayMs: number, error: string): void {
      db.writeTransaction(() => postpone.run({ id, at: clock() + delayMs, error: error.slice(0, 500) }));
    },

    /**
     * The platform refuses direct messages to this member for good. The row becomes undeliverable
     * and the member unreachable; returns true the first time, when the member should be told in
     * the market's chat.
     */
    markUnreachable(id: number, recipientId: number, error: string): boolean {
      return db.writeTransaction(() => {
        giveUp.run({ id, error: error.slice(0, 500) });
        return markUnreachable.run({ id: recipientId, now: clock() }).changes === 1;
      });
    },

    /** The platform refuses this one message for good (the member may still be reachable). */
    markRejected(id: number, error: string): void {
      db.writeTransaction(() => giveUp.run({ id, error: error.slice(0, 500) }));
    },

    /**
     * The member opened a private chat with the bot: they are reachable again on every market of
     * this platform, and what could not be delivered is queued again. Returns how many rows.
     */
    markReachable(platform: Platform, platformUserId: string): number {
      return db.writeTransaction(() => {
        const ids = orm
          .select({ id: members.id })
          .from(members)
          .innerJoin(markets, eq(markets.id, members.marketId))
          .where(and(eq(markets.platform, platform), eq(members.platformUserId, platformUserId)))
          .all()
          .map((row) => row.id);
        if (ids.length === 0) return 0;
        orm.update(members).set({ unreachableSince: null }).where(inArray(members.id, ids)).run();
        return orm
          .update(outbox)
          .set({ status: 'pending', nextAttemptAt: clock(), lastError: null })
          .where(and(eq(outbox.status, 'undeliverable'), inArray(outbox.recipientId, ids)))
          .run().changes;
      });
    },

    /** Deletes delivered notifications older than `ageMs`; returns how many. */
    pruneDelivered(ageMs: number): number {
      return db.writeTransaction(
        () => orm.delete(outbox).where(and(eq(outbox.status, 'delivered'), lte(outbox.deliveredAt, clock() - ageMs))).run().changes,
      );
    },

    /** Counts of the outbox by status, for logs and tests. */
    outboxCounts(): Record<string, number> {
      const rows = orm.select({ status: outbox.status, n: sql<number>`count(*)` }).from(outbox).groupBy(outbox.status).all();
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    },
  };
}
