/**
 * Bans: a banned member can no longer post, accept, decline or be offered to, and their open
 * offers are taken off the market with their escrow refunded.
 */
import { and, desc, eq, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import { members, offers } from '../db/schema.js';
import type { CloseOfferApi, ClosedOffer } from './close-offer.js';
import { runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { MAX_REASON_LENGTH } from './close-offer.js';
import { recordModeration } from './moderation-log.js';
import { readTransaction } from './context.js';
import { readPage, type KeysetPage, type PageRequest } from './paging.js';
import { memberColumns, requireMemberOf, type Readers } from './readers.js';
import type { MemberRef } from './types.js';

const p = sql.placeholder;

export function createModeration(ctx: CoreContext, deps: { readers: Readers; closeOffer: CloseOfferApi }) {
  const { db, clock } = ctx;
  const { readers, closeOffer } = deps;
  const setBan = db.orm
    .update(members)
    .set({ bannedAt: sql`${p('now')}`, banReason: sql`${p('reason')}` })
    .where(eq(members.id, p('id')))
    .prepare();
  const clearBan = db.orm
    .update(members)
    .set({ bannedAt: null, banReason: null })
    .where(and(eq(members.id, p('id')), sql`${members.bannedAt} IS NOT NULL`))
    .prepare();
  // `/admin bans`: newest ban first. A page cursor is a member's number; its ban time places it.
  const banned = and(eq(members.marketId, p('marketId')), isNotNull(members.bannedAt));
  const bansFrom = (direction: 'older' | 'newer') => {
    const at = sql`(SELECT banned_at FROM members WHERE id = ${p('id')})`;
    const beyond: SQL | undefined =
      direction === 'older'
        ? or(sql`${members.bannedAt} < ${at}`, and(sql`${members.bannedAt} = ${at}`, sql`${members.id} < ${p('id')}`))
        : or(sql`${members.bannedAt} > ${at}`, and(sql`${members.bannedAt} = ${at}`, sql`${members.id} > ${p('id')}`));
    const order = direction === 'older' ? [desc(members.bannedAt), desc(members.id)] : [members.bannedAt, members.id];
    return db.orm.select(memberColumns).from(members).where(and(banned, beyond)).orderBy(...order).limit(p('limit')).prepare();
  };
  const newestBans = db.orm.select(memberColumns).from(members).where(banned).orderBy(desc(members.bannedAt), desc(members.id)).limit(p('limit')).prepare();
  const olderBans = bansFrom('older');
  const newerBans = bansFrom('newer');
  const openOffersOf = db.orm.select().from(offers).where(and(eq(offers.ownerId, p('ownerId')), eq(offers.status, 'active'))).prepare();

  return {
    /** Admin: the market's banned members, newest ban first, a page at a time (see {@link readPage}). */
    listBans(marketId: number, page: PageRequest = {}): KeysetPage<MemberRef> {
      return readTransaction(db, () =>
        readPage(
          {
            forward: (after, limit) => (after === undefined ? newestBans.all({ marketId, limit }) : olderBans.all({ marketId, id: after, limit })),
            backward: (before, limit) => newerBans.all({ marketId, id: before, limit }),
          },
          page,
        ),
      );
    },
    /** Admin: bans a member of this market and removes their open offers (refunding them); logged with the offers removed. */
    banMember(input: { marketId: number; adminId: number; memberId: number; reason?: string | null | undefined }): Result<{ removed: ClosedOffer[] }> {
      return runWrite(db, () => {
        const reason = input.reason?.trim() || null;
        if (reason && reason.length > MAX_REASON_LENGTH) throw new Refusal({ code: 'text_too_long', field: 'reason', max: MAX_REASON_LENGTH });
        const member = readers.member(input.memberId);
        if (!member || member.marketId !== input.marketId) throw new Error('banned member is not in this market');
        // Authority over a market is checked by the command layer; an admin of another market
        // acting here is a caller's bug, as for grants.
        requireMemberOf(readers, input.marketId, input.adminId);
        setBan.run({ id: member.id, now: clock(), reason });
        const removed = openOffersOf
          .all({ ownerId: member.id })
          .map((row) => closeOffer.closeAsRemoved(row, input.adminId, reason ?? 'owner banned', { banned: true }));
        const detail = removed.length ? { removedOffers: removed.map(({ offer }) => offer.id) } : null;
        recordModeration(ctx, { marketId: input.marketId, adminId: input.adminId, action: 'ban', memberId: member.id, reason, detail });
        return { removed };
      });
    },
    /** Admin (`adminId`; null for the operator): lifts a ban. Logged in the moderation log. */
    unbanMember(input: { marketId: number; adminId: number | null; memberId: number }): Result<void> {
      return runWrite(db, () => {
        const member = readers.member(input.memberId);
        if (!member || member.marketId !== input.marketId) throw new Error('unbanned member is not in this market');
        if (input.adminId !== null) requireMemberOf(readers, input.marketId, input.adminId);
        if (clearBan.run({ id: member.id }).changes !== 1) throw new Refusal({ code: 'not_banned', memberName: member.displayName });
        recordModeration(ctx, { marketId: input.marketId, adminId: input.adminId, action: 'unban', memberId: member.id, detail: { bannedAt: member.bannedAt, banReason: member.banReason } });
      });
    },
  };
}
