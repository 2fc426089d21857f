/**
 * Delivering the outbox, as the delivery job sees it.
 *
 * A sender claims one row at a time, right before sending it: a guarded UPDATE sets the row's
 * lease (`lease_until = now + lease`) only if nobody holds it, inside an IMMEDIATE transaction,
 * so two processes never hold the same row. The lease deadline is also the claim's token: every
 * record afterwards (delivered, retry later, rejected, member unreachable) matches `lease_until`
 * as well as the status, so a sender that outlived its lease cannot overwrite what the row's new
 * holder did. The token is unique per row: a new claim comes after the old lease ran out, so its
 * deadline is later (only a wall clock set back by more than a lease could repeat one).
 *
 * What this gives: a row is sent by one holder at a time, as long as a send ends within the
 * lease (the platform clients' timeouts are set well below it). It is sent again only after its
 * holder failed to record a send the platform had taken: the process died in between, or the
 * request failed after the platform had it and was recorded as a retry.
 *
 * A member the platform refuses to let the bot write to is marked unreachable; their rows stay
 * pending, held back until they are reachable again, and one market notice (an outbox row of its
 * own, see {@link MarketNotice}) is queued in the same transaction. `undeliverable` is final:
 * the platform refused that message for good, or a market notice could not be posted.
 */
import { and, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { markets, members, outbox, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { createOutbox, type EventSummary, type MarketNotice, type OutboxMessage } from './outbox.js';

const p = sql.placeholder;
const NOTICE: MarketNotice['kind'] = 'unreachable_notice';
/** A time in a query: a value, or a prepared statement's placeholder. */
type Instant = number | ReturnType<typeof sql.placeholder>;

/** A row this process holds: send it, then record the outcome with this object. */
export interface ClaimedNotification {
  id: number;
  /** The claim's token: the lease deadline written on the row. */
  lease: number;
  notification: OutboxMessage;
  /** How many times this row has been claimed, this time included. */
  attempts: number;
  platform: Platform;
  marketId: number;
  /** The market's chat (Telegram group id, Discord guild id). */
  marketPlatformId: string;
  /** The market's name, as the notification names it. */
  marketTitle: string | null;
  recipientId: number;
  recipientPlatformUserId: string;
  recipientName: string;
}

/** A row due now; {@link createNotifications}'s `claimNotification` decides whether it is ours. */
export interface DueNotification {
  id: number;
  platform: Platform;
}

export function createNotifications(ctx: CoreContext) {
  const { db, clock } = ctx;
  const { orm } = db;
  const outboxQueue = createOutbox(ctx);

  // A direct message waits while its member is unreachable; a notice about them is only worth
  // posting while they still are.
  const memberUnreachable = sql`EXISTS (SELECT 1 FROM ${members} WHERE ${members.id} = ${outbox.recipientId} AND ${members.unreachableSince} IS NOT NULL)`;
  // An event's summary goes to a chat, not to its recipient: it never waits for them.
  const SUMMARY: EventSummary['kind'] = 'event_summary';
  const sendable = or(
    and(ne(outbox.kind, NOTICE), ne(outbox.kind, SUMMARY), sql`NOT ${memberUnreachable}`),
    and(eq(outbox.kind, NOTICE), memberUnreachable),
    eq(outbox.kind, SUMMARY),
  );
  const free = (now: Instant) => or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now));
  const due = (now: Instant) => and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), free(now), sendable);
  /** The row is still held by the claim whose token is `lease`. */
  const held = and(eq(outbox.id, p('id')), eq(outbox.status, 'pending'), eq(outbox.leaseUntil, p('lease')));

  const take = orm
    .update(outbox)
    .set({ leaseUntil: sql`${p('lease')}`, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, p('id')), due(p('now'))))
    .prepare();
  const claimedRow = orm
    .select({
      id: outbox.id,
      payload: outbox.payload,
      attempts: outbox.attempts,
      platform: markets.platform,
      marketId: markets.id,
      marketPlatformId: markets.platformMarketId,
      marketTitle: markets.title,
      recipientId: members.id,
      recipientPlatformUserId: members.platformUserId,
      recipientName: members.displayName,
    })
    .from(outbox)
    .innerJoin(members, eq(members.id, outbox.recipientId))
    .innerJoin(markets, eq(markets.id, outbox.marketId))
    .where(eq(outbox.id, p('id')))
    .prepare();
  const finish = orm
    .update(outbox)
    .set({ status: 'delivered', deliveredAt: sql`${p('now')}`, leaseUntil: null, lastError: null })
    .where(held)
    .prepare();
  const postpone = orm
    .update(outbox)
    .set({ nextAttemptAt: sql`${p('at')}`, leaseUntil: null, lastError: sql`${p('error')}` })
    .where(held)
    .prepare();
  const giveUp = orm
    .update(outbox)
    .set({ status: 'undeliverable', leaseUntil: null, lastError: sql`${p('error')}` })
    .where(held)
    .prepare();
  /** Back to waiting, without a new due time: the member's unreachable mark holds it now. */
  const release = orm
    .update(outbox)
    .set({ leaseUntil: null, lastError: sql`${p('error')}` })
    .where(held)
    .prepare();
  const markUnreachable = orm
    .update(members)
    .set({ unreachableSince: sql`${p('now')}` })
    .where(and(eq(members.id, p('id')), isNull(members.unreachableSince)))
    .prepare();

  // Direct messages held back because the platform will not let the bot write to their member.
  const waitingFor = orm
    .select({ id: outbox.id })
    .from(outbox)
    .innerJoin(members, eq(members.id, outbox.recipientId))
    .innerJoin(markets, eq(markets.id, outbox.marketId))
    .where(
      and(
        eq(markets.platform, sql`${p('platform')}`),
        eq(members.platformUserId, p('user')),
        isNotNull(members.unreachableSince),
        eq(outbox.status, 'pending'),
        ne(outbox.kind, NOTICE),
        free(p('now')),
      ),
    )
    .orderBy(outbox.id)
    .limit(p('limit'))
    .prepare();
  const takeWaiting = orm
    .update(outbox)
    .set({ leaseUntil: sql`${p('lease')}`, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.id, p('id')), eq(outbox.status, 'pending'), free(p('now'))))
    .prepare();

  const recorded = (work: () => { changes: number }) => db.writeTransaction(work).changes === 1;
  const reason = (error: string) => error.slice(0, 500);

  return {
    /**
     * Up to `limit` rows due now for markets on `platforms` (the ones this process can deliver
     * to), oldest due first. Nothing is held: claim each right before sending it.
     */
    dueNotifications(options: { platforms: readonly Platform[]; limit: number }): DueNotification[] {
      if (options.platforms.length === 0) return [];
      return orm
        .select({ id: outbox.id, platform: markets.platform })
        .from(outbox)
        .innerJoin(markets, eq(markets.id, outbox.marketId))
        .where(and(due(clock()), inArray(markets.platform, [...options.platforms])))
        .orderBy(outbox.nextAttemptAt, outbox.id)
        .limit(options.limit)
        .all();
    },

    /**
     * Leases one row for `leaseMs` if it is still due and nobody holds it; undefined when another
     * process has it, has sent it, or its member became unreachable meanwhile.
     */
    claimNotification(id: number, leaseMs: number): ClaimedNotification | undefined {
      return db.writeTransaction(() => {
        const now = clock();
        const lease = now + leaseMs;
        if (take.run({ id, now, lease }).changes !== 1) return undefined;
        const { payload, ...row } = claimedRow.get({ id })!;
        return { ...row, lease, notification: JSON.parse(payload) as OutboxMessage };
      });
    },

    /**
     * Leases up to `limit` direct messages waiting for a platform account the platform will not let
     * the bot write to (DMs closed), oldest first, to be shown another way: in an answer only that
     * member sees, on their next interaction. Record each shown one with `markDelivered`.
     */
    claimWaitingFor(platform: Platform, platformUserId: string, leaseMs: number, limit = 5): ClaimedNotification[] {
      return db.writeTransaction(() => {
        const now = clock();
        const lease = now + leaseMs;
        return waitingFor.all({ platform, user: platformUserId, now, limit }).flatMap(({ id }) => {
          if (takeWaiting.run({ id, now, lease }).changes !== 1) return [];
          const { payload, ...row } = claimedRow.get({ id })!;
          return [{ ...row, lease, notification: JSON.parse(payload) as OutboxMessage }];
        });
      });
    },

    // Each record below applies only while `claim` still holds the row, and says whether it did.

    /** The notification reached its member (or the market's chat). */
    markDelivered(claim: ClaimedNotification): boolean {
      return recorded(() => finish.run({ id: claim.id, lease: claim.lease, now: clock() }));
    },

    /** A transient failure: try again after `delayMs`. */
    retryLater(claim: ClaimedNotification, delayMs: number, error: string): boolean {
      return recorded(() => postpone.run({ id: claim.id, lease: claim.lease, at: clock() + delayMs, error: reason(error) }));
    },

    /** This message can never be sent (the member may still be reachable): set aside for good. */
    markRejected(claim: ClaimedNotification, error: string): boolean {
      return recorded(() => giveUp.run({ id: claim.id, lease: claim.lease, error: reason(error) }));
    },

    /**
     * The platform refuses direct messages to the claim's member. The member becomes unreachable
     * and their rows wait (this one included); the first time, in the same transaction, a notice
     * for the market's chat is queued: one per unreachable period, whatever happens to the post.
     */
    markUnreachable(claim: ClaimedNotification, error: string): boolean {
      return db.writeTransaction(() => {
        const now = clock();
        // The platform's answer is about the member, whoever holds the row by now.
        if (markUnreachable.run({ id: claim.recipientId, now }).changes === 1) {
          outboxQueue.enqueue(claim.marketId, claim.recipientId, `member:${claim.recipientId}:unreachable:${now}`, {
            kind: NOTICE,
            memberName: claim.recipientName,
          });
        }
        return release.run({ id: claim.id, lease: claim.lease, error: reason(error) }).changes === 1;
      });
    },

    /**
     * Every row for `platform` that nobody holds waits at least `delayMs` more, without counting
     * an attempt: the platform asked the bot to slow down, and sending them would only run into
     * the same limit. Returns how many rows.
     */
    holdBack(platform: Platform, delayMs: number, error: string): number {
      return db.writeTransaction(() => {
        const now = clock();
        const ofPlatform = sql`${outbox.marketId} IN (SELECT ${markets.id} FROM ${markets} WHERE ${markets.platform} = ${platform})`;
        return orm
          .update(outbox)
          .set({ nextAttemptAt: sql`max(${outbox.nextAttemptAt}, ${now + delayMs})`, lastError: reason(error) })
          .where(and(eq(outbox.status, 'pending'), free(now), ofPlatform))
          .run().changes;
      });
    },

    /**
     * The member opened a private chat with the bot (or, on Discord, used it again): if they were
     * unreachable, they are reachable again on every market of this platform, their waiting rows
     * are due now, and a notice about them not yet posted is dropped. Rows the platform rejected
     * for good stay set aside. Returns how many rows are due again.
     */
    markReachable(platform: Platform, platformUserId: string): number {
      const unreachable = () =>
        orm
          .select({ id: members.id })
          .from(members)
          .innerJoin(markets, eq(markets.id, members.marketId))
          .where(and(eq(markets.platform, platform), eq(members.platformUserId, platformUserId), isNotNull(members.unreachableSince)))
          .all()
          .map((row) => row.id);
      // Called for every private message: almost always nobody is unreachable, and a plain read
      // says so without taking the database's write lock.
      if (unreachable().length === 0) return 0;
      return db.writeTransaction(() => {
        const now = clock();
        const ids = unreachable();
        if (ids.length === 0) return 0;
        orm.update(members).set({ unreachableSince: null }).where(inArray(members.id, ids)).run();
        const waiting = and(eq(outbox.status, 'pending'), inArray(outbox.recipientId, ids));
        orm
          .update(outbox)
          .set({ status: 'undeliverable', lastError: 'not posted: the member can receive direct messages again' })
          .where(and(waiting, eq(outbox.kind, NOTICE), free(now)))
          .run();
        return orm
          .update(outbox)
          .set({ nextAttemptAt: sql`min(${outbox.nextAttemptAt}, ${now})` })
          .where(and(waiting, ne(outbox.kind, NOTICE)))
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
