/**
 * Expected failures of the trade core, returned as values.
 *
 * Each has a stable `code` (the message catalog keys its sentences on it) and the data needed to
 * explain it to a member. Exceptions are kept for bugs and broken invariants.
 */
import type { OfferStatus, TradeCancelReason, TradeStatus } from '../db/schema.js';
import type { ItemUse } from './item-use.js';
import type { ItemRef } from './types.js';

export interface Shortage {
  item: ItemRef;
  /** How many more the member would need. */
  missing: number;
  /** How many the member holds now. */
  have: number;
}

export type TradeError =
  | { code: 'items_short'; shortages: Shortage[] }
  | { code: 'no_items'; side: 'give' | 'want' | 'items' }
  | { code: 'invalid_quantity'; name: string; quantity: number }
  | { code: 'unknown_item'; name: string; suggestions: string[] }
  | { code: 'item_on_both_sides'; item: ItemRef }
  | { code: 'too_many_items'; max: number }
  | { code: 'invalid_hours'; hours: number; min: number; max: number }
  | { code: 'text_too_long'; field: 'note' | 'comment' | 'reason' | 'name' | 'description'; max: number }
  | { code: 'offer_not_found'; offerId: number }
  | { code: 'offer_not_active'; offerId: number; status: OfferStatus }
  | { code: 'offer_expired'; offerId: number }
  | { code: 'own_offer'; offerId: number }
  | { code: 'not_offer_owner'; offerId: number }
  | { code: 'not_open_to_you'; offerId: number }
  /**
   * Declining is for the member a directed offer was made to. `offer` says what the offer is to
   * the one who tried: open to everyone, their own, or made to someone else.
   */
  | { code: 'not_the_target'; offerId: number; offer: 'public' | 'own' | 'directed_elsewhere' }
  | { code: 'reason_required'; offerId: number }
  | { code: 'target_is_self' }
  | { code: 'banned'; reason: string | null }
  /** A banned member tried to rate: a ban takes away rating, so the sentence says so. */
  | { code: 'banned_rater'; reason: string | null }
  | { code: 'member_banned'; memberName: string }
  | { code: 'trade_not_found'; tradeId: number }
  | { code: 'not_trade_party'; tradeId: number }
  | { code: 'trade_not_completed'; tradeId: number; status: TradeStatus }
  | { code: 'already_rated'; tradeId: number }
  | { code: 'stars_out_of_range'; stars: number }
  | { code: 'invalid_item_name'; name: string }
  /** The name holds a word the text commands read as a keyword (`to` in "Ticket to Ride"). */
  | { code: 'item_name_keyword'; name: string; word: string }
  /** `archived`: the name belongs to an archived item, which can be brought back instead. */
  | { code: 'item_exists'; slug: string; archived?: true }
  /**
   * An archived item named where new items are promised: `offer` (a side of a new offer) or
   * `grant`. Open offers, holdings and revokes still take it.
   */
  | { code: 'item_archived'; item: ItemRef; use: 'offer' | 'grant' }
  | { code: 'item_already_archived'; name: string; slug: string }
  /** Archiving waits until nobody holds the item and nothing open names it: who still does, counted, the first few named. */
  | ({ code: 'item_in_use'; item: ItemRef } & ItemUse)
  | { code: 'item_not_archived'; name: string; slug: string }
  | { code: 'item_not_found'; name: string; suggestions: string[] }
  | { code: 'not_banned'; memberName: string }
  | { code: 'too_many_wishes'; max: number }
  | { code: 'not_wished'; name: string; wished: string[] }
  /** `/admin config`: a value the setting does not take; `allowed` says what it takes. */
  | { code: 'invalid_setting_value'; setting: string; value: string; allowed: string }
  /** A settlement step on a trade that is not in settlement (ended, or settled instantly). */
  | { code: 'trade_not_in_settlement'; tradeId: number; status: TradeStatus; cancelReason: TradeCancelReason | null }
  /** The trade waits for the other side's step, not the caller's. */
  | { code: 'not_your_step'; tradeId: number; waitingFor: 'owner' | 'taker'; step: SettlementStepName }
  /** Only the offer's owner may reject the taker. */
  | { code: 'not_trade_owner'; tradeId: number }
  /** Rejecting is for a pending trade; once the owner accepted the taker, they withdraw instead. */
  | { code: 'trade_already_accepted'; tradeId: number }
  /** Nobody may withdraw once the owner confirmed the handover: the taker confirms receipt, or time does. */
  | { code: 'trade_handed_over'; tradeId: number }
  /** Countering is for anyone but the owner of a public offer, or the member a directed one was made to. */
  | { code: 'cannot_counter'; offerId: number; offer: 'own' | 'directed_elsewhere' }
  /** One open counter per member per offer: `counterId` is the member's open one. */
  | { code: 'counter_exists'; offerId: number; counterId: number }
  /** Accepting counter `offerId` while the offer it answers (`originalId`) has run out its time. */
  | { code: 'counter_original_ended'; offerId: number; originalId: number }
  /** `/admin review-hide` and `review-unhide`: the trade has no review (by that author, when named). */
  | { code: 'review_not_found'; tradeId: number; authorName: string | null }
  /** Both sides reviewed the trade: the admin must say whose review. */
  | { code: 'review_author_needed'; tradeId: number; authors: string[]; action: 'hide' | 'unhide' }
  | { code: 'review_already_hidden'; tradeId: number; authorName: string | null }
  | { code: 'review_not_hidden'; tradeId: number; authorName: string | null }
  /** Accepting counter `offerId` while the offer it answers (`originalId`) is being settled with another member: it waits until that ends. */
  | { code: 'counter_original_in_settlement'; offerId: number; originalId: number }
  /** A math-trade event's refusal (src/core/events); the problem says which. */
  | { code: 'event'; problem: EventProblem }
  // Limits against abuse (limits.ts).
  /** The member has `max` offers open already: one must close before another opens. */
  | { code: 'open_offer_cap'; max: number }
  /** The newcomer gate: in the market fewer than `hours`, or an account younger than `days`; lifted at `until`. */
  | { code: 'newcomer'; gate: 'market'; hours: number; until: number }
  | { code: 'newcomer'; gate: 'account'; days: number; until: number };

/** Why an event operation cannot be done. */
export type EventProblem =
  | { kind: 'no_event' }
  | { kind: 'event_exists'; name: string }
  | { kind: 'event_closing'; name: string }
  | { kind: 'entry_not_found'; entryId: number }
  | { kind: 'not_your_entry'; entryId: number }
  | { kind: 'entry_not_open'; entryId: number; status: string }
  | { kind: 'too_many_entries'; max: number }
  | { kind: 'too_many_wants'; max: number }
  | { kind: 'no_wants' }
  /** A want that names neither an entry of the event nor a catalog item. */
  | { kind: 'unknown_want'; text: string }
  | { kind: 'own_entry_wanted'; entryId: number };

/** The step a trade in settlement waits for: the owner accepts the taker, hands over, the taker confirms receipt. */
export type SettlementStepName = 'accept' | 'handover' | 'receipt';

export type TradeErrorCode = TradeError['code'];

export type Result<T> = { ok: true; value: T } | { ok: false; error: TradeError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: TradeError): { ok: false; error: TradeError } => ({ ok: false, error });

/**
 * Thrown inside a write transaction to roll it back and hand `error` to the caller as a value.
 * Only `runWrite` catches it; anything else that throws is a bug.
 */
export class Refusal extends Error {
  constructor(readonly error: TradeError) {
    super(error.code);
  }
}
