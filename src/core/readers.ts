/**
 * Prepared reads shared by several operations: members, offers with their lines, holdings.
 * Built once per core, so the hot paths never re-compile SQL.
 */
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { eventEntries, eventEntryItems, inventories, items, members, offerLines, offers, trades, type OfferSide } from '../db/schema.js';
import type { CoreContext } from './context.js';
import { Refusal } from './errors.js';
import type { ReputationApi } from './reputation.js';
import type { ItemAmount, MemberRef, OfferView } from './types.js';

const p = sql.placeholder;
/** How far back a card follows a negotiation; a longer thread shows its latest steps. */
const MAX_THREAD_SHOWN = 10;

export type OfferRow = typeof offers.$inferSelect;

export interface Readers {
  member(memberId: number): MemberRef | undefined;
  offerRow(offerId: number): OfferRow | undefined;
  /** The offer's lines with their items, `give` first. */
  offerLines(offerId: number): Array<ItemAmount & { side: OfferSide }>;
  offerView(row: OfferRow): OfferView;
  /** How many of one item a member holds (0 when none). */
  holding(memberId: number, itemId: number): number;
  /** The items of a math-trade event entry (src/core/events), by name. */
  entryItems(entryId: number): ItemAmount[];
  /** The entry a traded event entry was exchanged for, or null. */
  receivedEntry(entryId: number): number | null;
}

/** The columns of a {@link MemberRef}, for every query that reads members. */
export const memberColumns = {
  id: members.id,
  marketId: members.marketId,
  platformUserId: members.platformUserId,
  displayName: members.displayName,
  username: members.username,
  bannedAt: members.bannedAt,
  banReason: members.banReason,
  unreachableSince: members.unreachableSince,
  firstSeenAt: members.createdAt,
  joinedAt: members.joinedAt,
  accountCreatedAt: members.accountCreatedAt,
};

/** `reputation`: offer views carry their owner's, so cards and lists show it. */
export function createReaders({ db }: CoreContext, deps: { reputation: Pick<ReputationApi, 'getReputation'> }): Readers {
  const { reputation } = deps;
  const { orm } = db;
  const memberById = orm
    .select(memberColumns)
    .from(members)
    .where(eq(members.id, p('id')))
    .prepare();
  const offerById = orm.select().from(offers).where(eq(offers.id, p('id'))).prepare();
  const linesOfOffer = orm
    .select({
      side: offerLines.side,
      quantity: offerLines.quantity,
      id: items.id,
      slug: items.slug,
      name: items.name,
      emoji: items.emoji,
    })
    .from(offerLines)
    .innerJoin(items, eq(items.id, offerLines.itemId))
    .where(eq(offerLines.offerId, p('offerId')))
    .orderBy(asc(offerLines.side), asc(items.name))
    .prepare();
  // A cancelled settlement leaves its trade behind and reopens the offer: the offer's trade is the one that did not fall through.
  const tradeOfOffer = orm
    .select({ id: trades.id })
    .from(trades)
    .where(and(eq(trades.offerId, p('offerId')), ne(trades.status, 'cancelled')))
    .prepare();
  const counterToOf = orm.select({ counterToId: offers.counterToId }).from(offers).where(eq(offers.id, p('id'))).prepare();
  const holdingOf = orm
    .select({ quantity: inventories.quantity })
    .from(inventories)
    .where(and(eq(inventories.memberId, p('memberId')), eq(inventories.itemId, p('itemId'))))
    .prepare();

  const member = (memberId: number) => memberById.get({ id: memberId });
  const lines = (offerId: number) =>
    linesOfOffer.all({ offerId }).map(({ side, quantity, id, slug, name, emoji }) => ({
      side,
      quantity,
      item: { id, slug, name, emoji },
    }));
  const requireMember = (memberId: number): MemberRef => {
    const found = member(memberId);
    if (!found) throw new Error(`member ${memberId} referenced by an offer does not exist`);
    return found;
  };

  /** The offers `counterTo` answers, oldest first; a thread is short, so one read per step is cheap. */
  const threadBefore = (counterTo: number | null): number[] => {
    const thread: number[] = [];
    for (let id = counterTo; id !== null && thread.length < MAX_THREAD_SHOWN; id = counterToOf.get({ id })?.counterToId ?? null) thread.unshift(id);
    return thread;
  };

  const itemsOfEntry = orm
    .select({ quantity: eventEntryItems.quantity, id: items.id, slug: items.slug, name: items.name, emoji: items.emoji })
    .from(eventEntryItems)
    .innerJoin(items, eq(items.id, eventEntryItems.itemId))
    .where(eq(eventEntryItems.entryId, p('entryId')))
    .orderBy(asc(items.name))
    .prepare();

  const receivedOf = orm.select({ id: eventEntries.receivedEntryId }).from(eventEntries).where(eq(eventEntries.id, p('entryId'))).prepare();

  return {
    member,
    receivedEntry: (entryId) => receivedOf.get({ entryId })?.id ?? null,
    entryItems: (entryId) => itemsOfEntry.all({ entryId }).map(({ quantity, id, slug, name, emoji }) => ({ item: { id, slug, name, emoji }, quantity })),
    offerRow: (offerId) => offerById.get({ id: offerId }),
    offerLines: lines,
    offerView(row) {
      const all = lines(row.id);
      const amounts = (side: OfferSide) =>
        all.filter((line) => line.side === side).map(({ item, quantity }) => ({ item, quantity }));
      return {
        id: row.id,
        marketId: row.marketId,
        owner: requireMember(row.ownerId),
        target: row.targetId === null ? null : requireMember(row.targetId),
        status: row.status,
        note: row.note,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
        closedAt: row.closedAt,
        acceptedBy: row.acceptedById === null ? null : requireMember(row.acceptedById),
        // Only an accepted offer has a trade: the others skip the lookup.
        tradeId: row.acceptedById === null ? null : (tradeOfOffer.get({ offerId: row.id })?.id ?? null),
        closeReason: row.closeReason,
        counterTo: row.counterToId,
        thread: threadBefore(row.counterToId),
        give: amounts('give'),
        want: amounts('want'),
        ownerReputation: reputation.getReputation(row.ownerId),
      };
    },
    holding: (memberId, itemId) => holdingOf.get({ memberId, itemId })?.quantity ?? 0,
  };
}

/** The member, which must belong to `marketId`: anything else is a caller's bug, so it throws. */
export function requireMemberOf(readers: Readers, marketId: number, memberId: number): MemberRef {
  const member = readers.member(memberId);
  if (!member || member.marketId !== marketId) throw new Error(`member ${memberId} does not belong to market ${marketId}`);
  return member;
}

/**
 * Refuses a member who is banned; used by every operation a banned member may not do. A member
 * of another market acting here is a caller's bug, not a member's mistake, so it throws.
 */
export function refuseIfBanned(member: MemberRef | undefined, marketId: number): asserts member is MemberRef {
  if (!member) throw new Error('acting member does not exist');
  if (member.marketId !== marketId) throw new Error(`member ${member.id} does not belong to market ${marketId}`);
  if (member.bannedAt !== null) throw new Refusal({ code: 'banned', reason: member.banReason });
}
