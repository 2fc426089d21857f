/**
 * Queues notifications in the outbox. Called inside the write transaction of the change being
 * reported, so the message exists exactly when the change does.
 *
 * Most rows are direct messages to their recipient. A {@link MarketNotice} is posted in the
 * market's chat instead; its recipient is the member it is about.
 */
import { sql } from 'drizzle-orm';
import { outbox } from '../db/schema.js';
import type { CoreContext } from './context.js';
import type { ItemAmount, OfferStatus, TradeCancelReason } from './types.js';
import type { WishedOffer } from './wishes.js';

const p = sql.placeholder;

/** An item as it is written into a notification: enough to render it without the catalog. */
export interface NotifiedItem {
  slug: string;
  name: string;
  emoji: string | null;
  quantity: number;
}

export type Notification =
  | { kind: 'offer_accepted'; offerId: number; tradeId: number; takerName: string; received: NotifiedItem[]; gave: NotifiedItem[] }
  | { kind: 'trade_completed'; offerId: number; tradeId: number; ownerName: string; received: NotifiedItem[]; gave: NotifiedItem[] }
  | { kind: 'offer_expired'; offerId: number; returned: NotifiedItem[] }
  /** No longer queued (an owner is not told about their own cancel); rows queued before may still wait. */
  | { kind: 'offer_cancelled'; offerId: number; returned: NotifiedItem[] }
  | { kind: 'offer_declined'; offerId: number; targetName: string; returned: NotifiedItem[] }
  | { kind: 'offer_removed'; offerId: number; reason: string; returned: NotifiedItem[]; /** Removed because its owner was banned. */ banned?: boolean }
  | { kind: 'offer_directed'; offerId: number; ownerName: string; give: NotifiedItem[]; want: NotifiedItem[]; expiresAt: number }
  | { kind: 'trade_rated'; tradeId: number; raterName: string; stars: number; comment: string | null }
  | { kind: 'wish_matches'; offers: WishedOffer[] }
  /**
   * A counter to the recipient's offer `originalId`: `offerId` is the counter, made to them.
   * `returned` is set when the original closed with it (it was made to the counterer alone).
   */
  | {
      kind: 'counter_received';
      offerId: number;
      originalId: number;
      counterName: string;
      give: NotifiedItem[];
      want: NotifiedItem[];
      expiresAt: number;
      returned: NotifiedItem[] | null;
    }
  /** The recipient's counter `offerId` ended because the offer it answered ended (`originalStatus`). */
  | { kind: 'counter_ended'; offerId: number; originalId: number; originalStatus: OfferStatus; returned: NotifiedItem[] }
  | SettlementNotification
  | LoopCompleted
  | EventEntryTraded
  | EventEntryRefunded;

/**
 * A math-trade event closed and the recipient's entry traded (src/core/events): what they gave
 * and to whom, what they got for it and from whom (rating `gotTradeId` rates `gotFrom`).
 */
export interface EventEntryTraded {
  kind: 'event_entry_traded';
  eventName: string;
  entryId: number;
  gave: NotifiedItem[];
  gaveTo: string;
  got: NotifiedItem[];
  gotFrom: string;
  gotTradeId: number;
}

/** A math-trade event closed and nothing matched the recipient's entry (or they were banned): it came back. */
export interface EventEntryRefunded {
  kind: 'event_entry_refunded';
  eventName: string;
  entryId: number;
  returned: NotifiedItem[];
  banned: boolean;
}

/**
 * An owner's offer closed in a loop (src/core/loops): what they gave and to whom, what they got and
 * from whom, the trade of each, and everyone in the loop (`members`, in loop order).
 */
export interface LoopCompleted {
  kind: 'loop_completed';
  loopId: number;
  offerId: number;
  size: number;
  gave: NotifiedItem[];
  gaveTo: string;
  gaveTradeId: number;
  got: NotifiedItem[];
  gotFrom: string;
  /** The trade in which this owner received: rating it rates `gotFrom`. */
  gotTradeId: number;
  members: string[];
}


/**
 * Confirm settlement, one message per step, to the side whose turn it is (or, for an ending, to
 * each side that did not cause it). `dueAt` is when the recipient's own step times out.
 */
export type SettlementNotification =
  /** To the owner: a taker holds the wanted items in escrow; accept or reject them. */
  | { kind: 'settlement_requested'; tradeId: number; offerId: number; takerName: string; held: NotifiedItem[]; dueAt: number }
  /** To the taker: the owner accepted; the handover is next. */
  | { kind: 'settlement_accepted'; tradeId: number; offerId: number; ownerName: string; dueAt: number }
  /** To the taker: the owner says they handed the items over; confirm receipt before `dueAt` or it completes by itself. */
  | { kind: 'settlement_handed_over'; tradeId: number; offerId: number; ownerName: string; received: NotifiedItem[]; dueAt: number }
  | { kind: 'settlement_completed'; tradeId: number; offerId: number; otherName: string; received: NotifiedItem[]; gave: NotifiedItem[]; byTimeout: boolean }
  /**
   * The trade fell through: `returned` is what came back to the recipient's inventory (the taker's
   * escrow; nothing for the owner, whose items stay with the offer). `offer` says what became of it.
   */
  | {
      kind: 'settlement_cancelled';
      tradeId: number;
      offerId: number;
      reason: TradeCancelReason;
      otherName: string;
      returned: NotifiedItem[];
      /** What became of the offer: open again, expired, removed (its owner is banned), or ended (a counter whose original closed). */
      offer: SettledOfferFate;
    };

/** What became of an offer whose settlement fell through. */
export type SettledOfferFate = 'open' | 'expired' | 'removed' | 'ended';

/**
 * Said in the market's chat, not to the member: "I cannot send you private messages". Queued in
 * the transaction that marks the member unreachable, so it is neither lost nor said twice.
 */
export interface MarketNotice {
  kind: 'unreachable_notice';
  /** The member's name when they became unreachable. */
  memberName: string;
}

/**
 * A math-trade event's result, posted in the chat it was opened in (`chatId`; the market's own chat
 * where there is none). Its recipient is the admin who opened the event.
 */
export interface EventSummary {
  kind: 'event_summary';
  chatId: string | null;
  eventId: number;
  eventName: string;
  itemsTraded: number;
  membersTrading: number;
  loops: number;
  entries: number;
}

/** What an outbox row holds. */
export type OutboxMessage = Notification | MarketNotice | EventSummary;

export const isMarketNotice = (message: OutboxMessage): message is MarketNotice => message.kind === 'unreachable_notice';
/** A post in a chat rather than a direct message (a notice, or an event's summary). */
export const isChatPost = (message: OutboxMessage): message is MarketNotice | EventSummary => message.kind === 'unreachable_notice' || message.kind === 'event_summary';

export const notifiedItems = (amounts: ItemAmount[]): NotifiedItem[] =>
  amounts.map(({ item, quantity }) => ({ slug: item.slug, name: item.name, emoji: item.emoji, quantity }));

export interface Outbox {
  /**
   * Queues `notification` for one member (a market notice: about one member). `eventKey` names
   * the event; queuing the same key twice keeps the first, so a member is never told the same
   * thing twice.
   */
  enqueue(marketId: number, recipientId: number, eventKey: string, notification: OutboxMessage): void;
}

export function createOutbox({ db, clock }: CoreContext): Outbox {
  const insert = db.orm
    .insert(outbox)
    .values({
      marketId: p('marketId'),
      recipientId: p('recipientId'),
      kind: p('kind'),
      payload: p('payload'),
      eventKey: p('eventKey'),
      nextAttemptAt: p('now'),
      createdAt: p('now'),
    })
    .onConflictDoNothing({ target: outbox.eventKey })
    .prepare();
  return {
    enqueue(marketId, recipientId, eventKey, notification) {
      const now = clock();
      insert.run({ marketId, recipientId, kind: notification.kind, payload: JSON.stringify(notification), eventKey, now });
    },
  };
}
