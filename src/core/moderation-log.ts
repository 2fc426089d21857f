/**
 * The moderation log: who did what to whom, when and why, for every admin action.
 *
 * A row is written by {@link recordModeration} inside the transaction of the action it records,
 * so the two stand or fall together: an action that is refused or fails leaves no row, and a row
 * that cannot be written undoes the action. Reading it is `/admin log`, newest first.
 */
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { items, members, moderationLog, type ModerationAction } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { readTransaction } from './context.js';
import { readPage, type KeysetPage, type PageRequest } from './paging.js';

export { MODERATION_ACTIONS, type ModerationAction } from '../db/schema.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** What a log row's `detail` holds: a plain JSON object. */
export type ModerationDetail = { [key: string]: JsonValue };

/** One admin action, as the caller records it. Targets it did not touch are left out. */
export interface ModerationEntry {
  marketId: number;
  /** The acting admin (a member of the market); null when the operator acted (a CLI, a setting). */
  adminId: number | null;
  action: ModerationAction;
  /** The member acted on (granted to, banned, whose offer was removed). */
  memberId?: number | null | undefined;
  itemId?: number | null | undefined;
  offerId?: number | null | undefined;
  tradeId?: number | null | undefined;
  reason?: string | null | undefined;
  /** What the columns do not say: items and quantities, a setting's old and new value. */
  detail?: ModerationDetail | null | undefined;
}

/**
 * Writes one row of the moderation log, inside the caller's write transaction, and returns its
 * number. It throws when no transaction is open: a row written on its own could outlive a failed
 * action, or an action could commit without its row, and that is a bug, not a refusal.
 */
export function recordModeration(ctx: Pick<CoreContext, 'db' | 'clock'>, entry: ModerationEntry): number {
  const { db, clock } = ctx;
  if (!db.inTransaction()) throw new Error(`recordModeration(${entry.action}) must run inside the admin action's transaction`);
  const [row] = db.orm
    .insert(moderationLog)
    .values({
      marketId: entry.marketId,
      adminId: entry.adminId,
      action: entry.action,
      memberId: entry.memberId ?? null,
      itemId: entry.itemId ?? null,
      offerId: entry.offerId ?? null,
      tradeId: entry.tradeId ?? null,
      reason: entry.reason ?? null,
      detail: entry.detail ?? null,
      createdAt: clock(),
    })
    .returning({ id: moderationLog.id })
    .all();
  if (!row) throw new Error('moderation log insert returned nothing');
  return row.id;
}

/** One row of the log as `/admin log` shows it, names read at the moment of reading. */
export interface ModerationLogEntry {
  id: number;
  action: ModerationAction;
  /** Null: the operator. */
  admin: { id: number; displayName: string } | null;
  member: { id: number; displayName: string } | null;
  item: { id: number; name: string; emoji: string | null } | null;
  offerId: number | null;
  tradeId: number | null;
  reason: string | null;
  detail: ModerationDetail | null;
  createdAt: number;
}

export function createModerationLog({ db }: CoreContext) {
  const admins = alias(members, 'admins');
  const targets = alias(members, 'targets');
  const p = sql.placeholder;
  const select = () =>
    db.orm
      .select({
        id: moderationLog.id,
        action: moderationLog.action,
        adminId: moderationLog.adminId,
        adminName: admins.displayName,
        memberId: moderationLog.memberId,
        memberName: targets.displayName,
        itemId: moderationLog.itemId,
        itemName: items.name,
        itemEmoji: items.emoji,
        offerId: moderationLog.offerId,
        tradeId: moderationLog.tradeId,
        reason: moderationLog.reason,
        detail: moderationLog.detail,
        createdAt: moderationLog.createdAt,
      })
      .from(moderationLog)
      .leftJoin(admins, eq(admins.id, moderationLog.adminId))
      .leftJoin(targets, eq(targets.id, moderationLog.memberId))
      .leftJoin(items, eq(items.id, moderationLog.itemId));
  type Row = Awaited<ReturnType<ReturnType<typeof select>['all']>>[number];
  // Newest first: "after" an entry is older than it. One pair of statements per filter, so each
  // walks its own index (market, id) or (market, member, id).
  const walkers = (where: ReturnType<typeof and>) => ({
    older: select().where(and(where, lt(moderationLog.id, p('id')))).orderBy(desc(moderationLog.id)).limit(p('limit')).prepare(),
    newer: select().where(and(where, gt(moderationLog.id, p('id')))).orderBy(moderationLog.id).limit(p('limit')).prepare(),
  });
  const wholeLog = walkers(eq(moderationLog.marketId, p('marketId')));
  const memberLog = walkers(and(eq(moderationLog.marketId, p('marketId')), eq(moderationLog.memberId, p('memberId'))));

  const view = (row: Row): ModerationLogEntry => ({
    id: row.id,
    action: row.action,
    admin: row.adminId === null ? null : { id: row.adminId, displayName: row.adminName ?? '?' },
    member: row.memberId === null ? null : { id: row.memberId, displayName: row.memberName ?? '?' },
    item: row.itemId === null ? null : { id: row.itemId, name: row.itemName ?? '?', emoji: row.itemEmoji },
    offerId: row.offerId,
    tradeId: row.tradeId,
    reason: row.reason,
    detail: (row.detail as ModerationDetail | null) ?? null,
    createdAt: row.createdAt,
  });

  return {
    /**
     * A page of the market's moderation log, newest first, optionally only the actions on one
     * member. The cursor is a log row's number; see {@link readPage}.
     */
    listModerationLog(marketId: number, options: { memberId?: number | undefined } & PageRequest = {}): KeysetPage<ModerationLogEntry> {
      const { memberId } = options;
      const { older, newer } = memberId === undefined ? wholeLog : memberLog;
      const filter = memberId === undefined ? { marketId } : { marketId, memberId };
      return readTransaction(db, () =>
        readPage(
          {
            forward: (after, limit) => older.all({ ...filter, id: after ?? Number.MAX_SAFE_INTEGER, limit }).map(view),
            backward: (before, limit) => newer.all({ ...filter, id: before, limit }).map(view),
          },
          options,
        ),
      );
    },
  };
}
