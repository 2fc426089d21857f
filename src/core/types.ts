/** Plain data the core hands out. Adapters render these; nothing here knows a chat platform. */
import type { OfferStatus, Platform, Settlement, TradeCancelReason, TradeStatus } from '../db/schema.js';
import type { Reputation } from './reputation.js';

/**
 * The domain's vocabularies, for commands, jobs and adapters to name without reaching past the
 * core. They are defined beside the tables in src/db/schema.ts because the CHECK constraints are
 * generated from the same lists, and the database layer imports nothing above it.
 */
export { OFFER_STATUSES, PLATFORMS, SETTLEMENTS, TRADE_CANCEL_REASONS, TRADE_STATUSES } from '../db/schema.js';
export type { OfferStatus, Platform, Settlement, TradeCancelReason, TradeStatus };

/** Milliseconds since the epoch; injected so tests and the sweep control time. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

export interface Market {
  id: number;
  platform: Platform;
  platformMarketId: string;
  title: string | null;
  settlement: Settlement;
}

export interface MemberRef {
  id: number;
  marketId: number;
  platformUserId: string;
  displayName: string;
  username: string | null;
  bannedAt: number | null;
  banReason: string | null;
  /** Set while the platform refuses direct messages to this member (see the outbox delivery). */
  unreachableSince: number | null;
  /** When the bot first saw the member in the market. */
  firstSeenAt: number;
  /** When the member joined the market's group or server, where the platform says; else null. */
  joinedAt: number | null;
  /** When the member's platform account was created, where the platform says; else null. */
  accountCreatedAt: number | null;
}

export interface ItemRef {
  id: number;
  slug: string;
  name: string;
  emoji: string | null;
}

export interface CatalogItem extends ItemRef {
  description: string | null;
  /** When the item was archived (out of the catalog for new offers and grants); null while it is in. */
  archivedAt: number | null;
}

export interface ItemAmount {
  item: ItemRef;
  quantity: number;
}

/** What a member asked for, before it is matched against the catalog. */
export interface ItemRequest {
  name: string;
  quantity: number;
}

export interface OfferView {
  id: number;
  marketId: number;
  owner: MemberRef;
  target: MemberRef | null;
  status: OfferStatus;
  note: string | null;
  createdAt: number;
  expiresAt: number;
  closedAt: number | null;
  acceptedBy: MemberRef | null;
  /** The trade an accepted offer became (the number `/rate` takes); null until it is accepted. */
  tradeId: number | null;
  closeReason: string | null;
  /** The offer this one counters (answers with other terms); null for an offer posted as such. */
  counterTo: number | null;
  /**
   * The negotiation before this offer, oldest first, ending with {@link counterTo}: `[12, 13]`
   * for a counter to #13, which countered #12. Empty for an offer that counters nothing.
   */
  thread: number[];
  /** What the owner gives (held in escrow while the offer is active). */
  give: ItemAmount[];
  /** What the owner wants in return. */
  want: ItemAmount[];
  /** The owner's reputation as it stands now (reputation.ts), shown on cards and lists so members know whom they deal with. */
  ownerReputation: Reputation;
}

export interface TradeView {
  id: number;
  /** The offer it settled; null for an exchange of a math-trade event. */
  offerId: number | null;
  /** The event entry the owner gave, for an event's exchange; null otherwise. */
  eventEntryId: number | null;
  marketId: number;
  owner: MemberRef;
  taker: MemberRef;
  status: TradeStatus;
  createdAt: number;
  /** Confirm settlement: when the owner accepted the taker. */
  acceptedAt: number | null;
  /** Confirm settlement: when the owner confirmed the handover. */
  confirmedAt: number | null;
  completedAt: number | null;
  /** Why a trade in settlement was cancelled; null otherwise. */
  cancelReason: TradeCancelReason | null;
  /** While in settlement: when the current step times out. */
  dueAt: number | null;
  /** What the owner gave the taker. */
  ownerGave: ItemAmount[];
  /** What the taker gave the owner. */
  takerGave: ItemAmount[];
  ratingByOwner: number | null;
  commentByOwner: string | null;
  ratingByTaker: number | null;
  commentByTaker: string | null;
}

