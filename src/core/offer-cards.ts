/**
 * Where each offer's card is shown, so the card can follow the offer. A database trigger marks an
 * offer's cards stale whenever its status changes, on every path (accept, cancel, expiry, an
 * admin's removal, a ban); the card job and the adapters read the stale ones here, edit the
 * messages and record what they showed.
 *
 * Two processes may edit the same stale card at once: the edit is idempotent (both render the
 * offer as it is), so no lease is needed.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { offerCards, offers, type Platform } from '../db/schema.js';
import type { CoreContext } from './context.js';

export interface CardLocation {
  platform: Platform;
  /** Telegram chat id, or Discord channel id. */
  chatId: string;
  messageId: string;
}

/** What a remembered message shows: the offer, and the market the offer (and so the message) belongs to. */
export interface CardRecord {
  offerId: number;
  marketId: number;
}

export interface StaleCard extends CardLocation {
  id: number;
  offerId: number;
  /** The offer's version this card will show once edited. */
  version: number;
}

const p = sql.placeholder;

export function createOfferCards({ db }: CoreContext) {
  const { orm } = db;
  const record = orm
    .insert(offerCards)
    .values({
      offerId: sql`${p('offerId')}`,
      platform: sql`${p('platform')}`,
      chatId: sql`${p('chatId')}`,
      messageId: sql`${p('messageId')}`,
      // A card rendered as open just before its offer closed is stale from the start.
      version: sql`CASE WHEN (SELECT ${offers.status} FROM ${offers} WHERE ${offers.id} = ${p('offerId')}) = 'active' THEN 0 ELSE 1 END`,
    })
    .onConflictDoNothing()
    .prepare();
  const staleColumns = {
    id: offerCards.id,
    offerId: offerCards.offerId,
    platform: offerCards.platform,
    chatId: offerCards.chatId,
    messageId: offerCards.messageId,
    version: offerCards.version,
  };
  const stale = ne(offerCards.version, offerCards.shownVersion);
  const staleOfPlatform = orm
    .select(staleColumns)
    .from(offerCards)
    .where(and(eq(offerCards.platform, sql`${p('platform')}`), stale))
    .orderBy(offerCards.id)
    .limit(p('limit'))
    .prepare();
  const staleOfOffer = orm
    .select(staleColumns)
    .from(offerCards)
    .where(and(eq(offerCards.offerId, p('offerId')), eq(offerCards.platform, sql`${p('platform')}`), stale))
    .prepare();
  const shown = orm
    .update(offerCards)
    .set({ shownVersion: sql`${p('version')}` })
    .where(and(eq(offerCards.id, p('id')), eq(offerCards.version, p('version'))))
    .prepare();
  // A card that shows an ending has nothing left to follow.
  const dropEnded = orm
    .delete(offerCards)
    .where(
      and(
        eq(offerCards.id, p('id')),
        eq(offerCards.version, p('version')),
        sql`(SELECT ${offers.status} FROM ${offers} WHERE ${offers.id} = ${offerCards.offerId}) <> 'active'`,
      ),
    )
    .prepare();
  const forget = orm.delete(offerCards).where(eq(offerCards.id, p('id'))).prepare();
  const recordAt = orm
    .select({ offerId: offerCards.offerId, marketId: offers.marketId })
    .from(offerCards)
    .innerJoin(offers, eq(offers.id, offerCards.offerId))
    .where(and(eq(offerCards.platform, sql`${p('platform')}`), eq(offerCards.chatId, p('chatId')), eq(offerCards.messageId, p('messageId'))))
    .prepare();

  return {
    /** Remembers that `location` shows the card of `offerId` (as it is now). */
    recordCard(offerId: number, location: CardLocation): void {
      db.writeTransaction(() => record.run({ offerId, ...location }));
    },

    /**
     * The offer a message was sent to show, as the bot recorded it when it sent the message, with
     * that offer's market: the only record a press on the message may act on or show. Nothing for
     * a message the bot never recorded, or whose card already shows an ending.
     */
    cardAt(location: CardLocation): CardRecord | undefined {
      return recordAt.get({ platform: location.platform, chatId: location.chatId, messageId: location.messageId });
    },

    /** Cards of `platform` showing an outdated state, oldest first; of one offer if `offerId` is given. */
    staleCards(platform: Platform, options: { offerId?: number; limit?: number } = {}): StaleCard[] {
      if (options.offerId !== undefined) return staleOfOffer.all({ offerId: options.offerId, platform });
      return staleOfPlatform.all({ platform, limit: options.limit ?? 50 });
    },

    /**
     * Records that `card` now shows its offer at `card.version`. A newer change that came in the
     * meantime keeps the card stale, so it is edited again.
     */
    cardShown(card: StaleCard): void {
      db.writeTransaction(() => {
        if (dropEnded.run({ id: card.id, version: card.version }).changes === 0) shown.run({ id: card.id, version: card.version });
      });
    },

    /** Forgets a card whose message is gone (deleted, or in a chat the bot left). */
    forgetCard(cardId: number): void {
      db.writeTransaction(() => forget.run({ id: cardId }));
    },
  };
}
