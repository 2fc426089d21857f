/**
 * Wishlists and their alerts (seed 000: "tell members about matches").
 *
 * A member wishes for items, each with an amount or "any amount". When a public offer opens that
 * gives a wished item (at least the wished amount), the match is written in the transaction that
 * opened the offer, once per member and offer. A digest job then tells each member, at most once
 * per {@link WISH_DIGEST_EVERY_MS} per market, about every match since the last digest whose offer
 * is still open, in one notification through the outbox. A member with alerts off, the owner of
 * the offer and a banned member are never matched.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { items, members, offerLines, offers, wishes, wishMatches } from '../db/schema.js';
import type { CatalogApi } from './catalog.js';
import { readTransaction, runWrite, type CoreContext } from './context.js';
import { Refusal, type Result } from './errors.js';
import { notifiedItems, type NotifiedItem, type Outbox } from './outbox.js';
import { refuseIfBanned, type Readers } from './readers.js';
import type { ItemRef, OfferView } from './types.js';

/** The most items one member may wish for in one market. */
export const MAX_WISHES = 50;
/** A member gets at most one digest of wished-for offers per market this often. */
export const WISH_DIGEST_EVERY_MS = 5 * 60_000;
/** The most offers one digest names; the rest wait for the next one. */
export const MAX_OFFERS_PER_DIGEST = 10;

/** A wish as typed: an item, and how many (null: any amount). */
export interface WishRequest {
  name: string;
  quantity: number | null;
}

export interface Wish {
  item: ItemRef;
  quantity: number | null;
}

/** An offer in a digest, as the member reads it. */
export interface WishedOffer {
  offerId: number;
  ownerName: string;
  give: NotifiedItem[];
  want: NotifiedItem[];
  /** The member holds everything the offer wants: one press takes it. */
  holdsAll: boolean;
}

const p = sql.placeholder;

export function createWishes(ctx: CoreContext, deps: { catalog: CatalogApi; readers: Readers; outbox: Outbox }) {
  const { db, clock } = ctx;
  const { orm } = db;
  const { catalog, readers, outbox } = deps;
  const wishesOf = orm
    .select({ quantity: wishes.quantity, id: items.id, slug: items.slug, name: items.name, emoji: items.emoji })
    .from(wishes)
    .innerJoin(items, eq(items.id, wishes.itemId))
    .where(eq(wishes.memberId, p('memberId')))
    .orderBy(asc(items.slug))
    .prepare();
  const upsertWish = orm
    .insert(wishes)
    .values({ memberId: p('memberId'), itemId: p('itemId'), quantity: p('quantity'), createdAt: p('now') })
    .onConflictDoUpdate({ target: [wishes.memberId, wishes.itemId], set: { quantity: sql`excluded.quantity` } })
    .prepare();

  /**
   * Whether an offer line gives enough for a wish: any amount, or at least the amount wished.
   * Shared by the match written when an offer opens and the offers `/want add` answers with.
   */
  const covers = sql`(${wishes.quantity} IS NULL OR ${wishes.quantity} <= ${offerLines.quantity})`;

  const list = (memberId: number): Wish[] =>
    wishesOf.all({ memberId }).map(({ quantity, ...item }) => ({ item, quantity }));

  /** Open public offers of others that give something the member wishes for, newest first. */
  const openMatches = (marketId: number, memberId: number, limit: number): OfferView[] => {
    const now = clock();
    const rows = orm
      .selectDistinct({ id: offers.id })
      .from(offers)
      .innerJoin(offerLines, and(eq(offerLines.offerId, offers.id), eq(offerLines.side, 'give')))
      .innerJoin(wishes, and(eq(wishes.itemId, offerLines.itemId), eq(wishes.memberId, memberId)))
      .where(and(eq(offers.marketId, marketId), eq(offers.status, 'active'), sql`${offers.expiresAt} > ${now}`, isNull(offers.targetId), sql`${offers.ownerId} <> ${memberId}`, covers))
      .orderBy(sql`${offers.id} DESC`)
      .limit(limit)
      .all();
    return rows.map(({ id }) => readers.offerRow(id)).filter((row) => row !== undefined).map((row) => readers.offerView(row));
  };

  /** Whether the member holds everything the offer wants. */
  const holdsAll = (memberId: number, offer: OfferView) => offer.want.every(({ item, quantity }) => readers.holding(memberId, item.id) >= quantity);

  return {
    /**
     * Adds wishes (or changes the amount of one already there). Refuses a banned member, an
     * unknown or archived item (nothing new can offer it), and more than {@link MAX_WISHES}.
     * Returns the wishlist as it now is.
     */
    addWishes(input: { marketId: number; memberId: number; wishes: readonly WishRequest[] }): Result<Wish[]> {
      return runWrite(db, () => {
        refuseIfBanned(readers.member(input.memberId), input.marketId);
        const resolved = input.wishes.map((wish) => ({ wish, item: catalog.resolve(input.marketId, [{ name: wish.name, quantity: wish.quantity ?? 1 }], 'items', 'offer')[0]!.item }));
        const now = clock();
        for (const { wish, item } of resolved) upsertWish.run({ memberId: input.memberId, itemId: item.id, quantity: wish.quantity, now });
        const after = list(input.memberId);
        if (after.length > MAX_WISHES) throw new Refusal({ code: 'too_many_wishes', max: MAX_WISHES });
        return after;
      });
    },

    /** Removes wishes by item name; refuses a name that is not on the list. Returns what was removed. */
    removeWishes(input: { marketId: number; memberId: number; names: readonly string[] }): Result<Wish[]> {
      return runWrite(db, () => {
        const current = list(input.memberId);
        const removed: Wish[] = [];
        for (const name of input.names) {
          const item = catalog.findItem(input.marketId, name);
          const wish = item && current.find((candidate) => candidate.item.id === item.id);
          if (!wish) throw new Refusal({ code: 'not_wished', name, wished: current.map((w) => w.item.name) });
          orm.delete(wishes).where(and(eq(wishes.memberId, input.memberId), eq(wishes.itemId, wish.item.id))).run();
          removed.push(wish);
        }
        return removed;
      });
    },

    /** The member's wishlist, by item. */
    listWishes: (memberId: number): Wish[] => readTransaction(db, () => list(memberId)),

    /** Whether the member is alerted; turning alerts off drops the matches not yet sent. */
    wishAlertsOn: (memberId: number): boolean => orm.select({ on: members.wishAlerts }).from(members).where(eq(members.id, memberId)).get()?.on ?? false,
    setWishAlerts(memberId: number, on: boolean): void {
      db.writeTransaction(() => {
        orm.update(members).set({ wishAlerts: on }).where(eq(members.id, memberId)).run();
        if (!on) orm.delete(wishMatches).where(and(eq(wishMatches.memberId, memberId), isNull(wishMatches.alertedAt))).run();
      });
    },

    /** Open offers that already give what the member wishes for, with whether they hold what each wants. */
    wishedOffers(marketId: number, memberId: number, limit = MAX_OFFERS_PER_DIGEST): Array<{ offer: OfferView; holdsAll: boolean }> {
      return readTransaction(db, () => openMatches(marketId, memberId, limit).map((offer) => ({ offer, holdsAll: holdsAll(memberId, offer) })));
    },

    /**
     * Writes who should hear about an offer that just opened. For use inside the transaction that
     * opens it: a public offer only (a directed one is for its target alone, who is told anyway).
     */
    recordWishMatches(offer: { id: number; ownerId: number; targetId: number | null }): void {
      if (offer.targetId !== null) return;
      orm.run(sql`
        INSERT OR IGNORE INTO wish_matches (member_id, offer_id, matched_at)
        SELECT DISTINCT wishes.member_id, ${offer.id}, ${clock()}
        FROM offer_lines
        JOIN wishes ON wishes.item_id = offer_lines.item_id
        JOIN members ON members.id = wishes.member_id
        WHERE offer_lines.offer_id = ${offer.id} AND offer_lines.side = 'give' AND ${covers}
          AND members.id <> ${offer.ownerId} AND members.banned_at IS NULL AND members.wish_alerts = 1`);
    },

    /**
     * Sends the digests that are due: for each member with matches waiting whose last digest in
     * the market is old enough, one notification naming the matched offers still open. Every
     * waiting match is marked taken in the same transaction as the notification, so a digest is
     * written once across processes. Returns the number of digests written.
     */
    sendWishDigests(): number {
      const waiting = orm.selectDistinct({ memberId: wishMatches.memberId }).from(wishMatches).where(isNull(wishMatches.alertedAt)).all();
      let sent = 0;
      for (const { memberId } of waiting) if (db.writeTransaction(() => digestFor(memberId))) sent += 1;
      return sent;
    },
  };

  /** Writes one member's digest if it is due; true if a notification was written. */
  function digestFor(memberId: number): boolean {
    const now = clock();
    const member = orm.select().from(members).where(eq(members.id, memberId)).get();
    if (!member) return false;
    const waiting = orm
      .select({ offerId: wishMatches.offerId })
      .from(wishMatches)
      .where(and(eq(wishMatches.memberId, memberId), isNull(wishMatches.alertedAt)))
      .orderBy(asc(wishMatches.offerId))
      .all()
      .map((row) => readers.offerRow(row.offerId)!);
    const taken = (rows: typeof waiting) =>
      rows.length > 0 && orm.update(wishMatches).set({ alertedAt: now }).where(and(eq(wishMatches.memberId, memberId), inArray(wishMatches.offerId, rows.map((row) => row.id)))).run();
    // A member banned, or who turned alerts off, since the match was written hears nothing.
    if (member.bannedAt !== null || !member.wishAlerts) {
      taken(waiting);
      return false;
    }
    if (member.wishDigestAt !== null && now - member.wishDigestAt < WISH_DIGEST_EVERY_MS) return false;
    // An offer that closed meanwhile is not worth a message; the rest beyond one digest wait for the next.
    const open = waiting.filter((row) => row.status === 'active' && row.expiresAt > now);
    const told = open.slice(0, MAX_OFFERS_PER_DIGEST);
    taken([...waiting.filter((row) => !open.includes(row)), ...told]);
    if (told.length === 0) return false;
    orm.update(members).set({ wishDigestAt: now }).where(eq(members.id, memberId)).run();
    outbox.enqueue(member.marketId, memberId, `wishes:${memberId}:${now}`, { kind: 'wish_matches', offers: told.map((row) => wishedOffer(memberId, readers.offerView(row))) });
    return true;
  }

  function wishedOffer(memberId: number, offer: OfferView): WishedOffer {
    return { offerId: offer.id, ownerName: offer.owner.displayName, give: notifiedItems(offer.give), want: notifiedItems(offer.want), holdsAll: holdsAll(memberId, offer) };
  }
}

export type WishesApi = ReturnType<typeof createWishes>;
