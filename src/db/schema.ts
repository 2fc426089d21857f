/**
 * The database schema: one market's catalog, holdings, offers, trades, ledger and outbox.
 *
 * Times are integer milliseconds since the epoch (the injected clock's unit). Quantities are
 * whole numbers; the CHECK constraints are the last line of defence behind the guarded UPDATEs
 * in `src/core`, so a bug can fail a transaction but never store a negative holding.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export const PLATFORMS = ['discord', 'telegram'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const SETTLEMENTS = ['instant', 'confirm'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

export const OFFER_STATUSES = [
  'active',
  'settling',
  'completed',
  'cancelled',
  'expired',
  'declined',
  'countered',
  'removed',
] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const OFFER_SIDES = ['give', 'want'] as const;
export type OfferSide = (typeof OFFER_SIDES)[number];

export const TRADE_STATUSES = ['pending', 'processing', 'completed', 'cancelled'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** Why a trade in settlement was cancelled (the transaction spec's TradeCancelReason). */
export const TRADE_CANCEL_REASONS = [
  'seller_rejected',
  'seller_accept_timeout',
  'cancelled_by_buyer',
  'cancelled_by_seller',
  'seller_confirm_timeout',
] as const;
export type TradeCancelReason = (typeof TRADE_CANCEL_REASONS)[number];

export const LEDGER_KINDS = ['grant', 'revoke', 'escrow', 'release', 'refund', 'swap'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const OUTBOX_STATUSES = ['pending', 'delivered', 'undeliverable'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Renders `'a', 'b'` for an IN (...) CHECK from one of the lists above. */
function sqlList(values: readonly string[]) {
  return sql.raw(values.map((value) => `'${value}'`).join(', '));
}

export const markets = sqliteTable(
  'markets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    /** Discord guild id or Telegram chat id, as text (Telegram ids exceed 2^31). */
    platformMarketId: text('platform_market_id').notNull(),
    title: text('title'),
    settlement: text('settlement', { enum: SETTLEMENTS }).notNull().default('instant'),
    /** Confirm settlement: hours the owner has to accept the taker (seller_accept_timeout). */
    acceptHours: integer('accept_hours').notNull().default(24),
    /** Hours the owner has, once they accepted, to confirm the handover (seller_confirm_timeout). */
    confirmHours: integer('confirm_hours').notNull().default(72),
    /** Hours the taker has to confirm receipt before the trade completes by itself. */
    receiptHours: integer('receipt_hours').notNull().default(72),
    /** Whether loops of open offers execute by themselves here (src/core/loops); on unless an admin turns it off. */
    loops: integer('loops', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at').notNull(),
    // Limits against abuse (src/core/limits.ts), each set with /admin config.
    /** Commands a member may send within `rate_seconds`. */
    rateCommands: integer('rate_commands').notNull().default(10),
    rateSeconds: integer('rate_seconds').notNull().default(30),
    /** Open offers a member may have at once. */
    maxOpenOffers: integer('max_open_offers').notNull().default(20),
    /** Hours a member must have been in the market before posting or accepting; 0: no gate. */
    newcomerHours: integer('newcomer_hours').notNull().default(0),
    /** Days a member's platform account must have existed (where the platform says); 0: no gate. */
    accountDays: integer('account_days').notNull().default(0),
    /** Math-trade events: the longest loop (in items) an event's close may execute; null for no cap. */
    eventMaxLoop: integer('event_max_loop'),
  },
  (table) => [
    uniqueIndex('markets_platform_id_unique').on(table.platform, table.platformMarketId),
    check('markets_platform_check', sql`${table.platform} IN (${sqlList(PLATFORMS)})`),
    check('markets_settlement_check', sql`${table.settlement} IN (${sqlList(SETTLEMENTS)})`),
  ],
);

export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    platformUserId: text('platform_user_id').notNull(),
    /** Cached for display only; identity is always the platform user id. */
    displayName: text('display_name').notNull(),
    /** Lower-cased @username where the platform has one, so `@alice` can name a member. */
    username: text('username'),
    bannedAt: integer('banned_at'),
    banReason: text('ban_reason'),
    /**
     * Set when the platform refused a direct message for good (Telegram 403, Discord 50007): the
     * member has been told once in the market's chat, and their notifications wait until they
     * open a private chat with the bot.
     */
    unreachableSince: integer('unreachable_since'),
    createdAt: integer('created_at').notNull(),
    /** Whether the member is told about new offers giving what they wish for (`/want alerts`). */
    wishAlerts: integer('wish_alerts', { mode: 'boolean' }).notNull().default(true),
    /** When the member was last sent a digest of wished-for offers in this market. */
    wishDigestAt: integer('wish_digest_at'),
    /** When the member joined the market's group or server, where the platform says (Discord); else null. */
    joinedAt: integer('joined_at'),
    /** When the member's platform account was created, where the platform says (Discord); else null. */
    accountCreatedAt: integer('account_created_at'),
    /**
     * The rate limit: until when the member has been told they are sending commands too fast, so
     * they are told once, not at every further command.
     */
    rateToldUntil: integer('rate_told_until'),
  },
  (table) => [
    uniqueIndex('members_market_user_unique').on(table.marketId, table.platformUserId),
    index('members_market_username_idx').on(table.marketId, table.username),
  ],
);

export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    emoji: text('emoji'),
    description: text('description'),
    createdAt: integer('created_at').notNull(),
    /**
     * Set while the item is archived: out of the catalog, so no new offer or grant may name it.
     * Archiving waits until nobody holds or offers it; trades and the ledger keep referring to it,
     * and its slug stays taken.
     */
    archivedAt: integer('archived_at'),
  },
  (table) => [uniqueIndex('items_market_slug_unique').on(table.marketId, table.slug)],
);

export const inventories = sqliteTable(
  'inventories',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.memberId, table.itemId] }),
    check('inventories_quantity_check', sql`${table.quantity} >= 0`),
  ],
);

export const offers = sqliteTable(
  'offers',
  {
    /** Also the number members type (`#1042`). */
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => members.id),
    /** Set for a directed offer: only this member may accept, decline or counter it. */
    targetId: integer('target_id').references(() => members.id),
    status: text('status', { enum: OFFER_STATUSES }).notNull().default('active'),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    /** When the offer left `active` for a terminal state (the seed's completed_at, for every ending). */
    closedAt: integer('closed_at'),
    acceptedById: integer('accepted_by_id').references(() => members.id),
    /** Why it was closed when someone other than the taker closed it, e.g. an admin's reason. */
    closeReason: text('close_reason'),
    /**
     * Set on a counter-offer: the offer it answers. A counter is directed at that offer's owner;
     * following this link backwards gives the thread of a negotiation.
     */
    counterToId: integer('counter_to_id').references((): AnySQLiteColumn => offers.id),
    /**
     * Whether the loop step (src/core/loops) ran for the offer as it is open now, as a count of
     * its openings: positive (n) while the step has yet to run for its n-th opening, negative (-n)
     * once it ran. Posting leaves the default 1; whatever moves an offer back to `active` must
     * make it due again in the same transaction (`loopCheckDueAgain` in
     * src/core/loops/loop-checks.ts); the step marks only the opening it checked. The loop sweep
     * walks the partial index of due open offers below, so it costs what awaits a check.
     */
    loopCheck: integer('loop_check').notNull().default(1),
  },
  (table) => [
    check('offers_status_check', sql`${table.status} IN (${sqlList(OFFER_STATUSES)})`),
    // The expiry sweep reads due offers in expiry order: only active rows are in this index, so
    // its cost follows the number of live offers that are due, not the history.
    index('offers_active_expiry_idx').on(table.expiresAt).where(sql`${table.status} = 'active'`),
    // The market listing walks a market's live offers newest first.
    index('offers_active_market_idx').on(table.marketId, table.id).where(sql`${table.status} = 'active'`),
    // A member's own offers, newest first. Not keyed on status: a key that changes with every
    // state change would make each expiry rewrite this index's pages for every owner.
    index('offers_owner_idx').on(table.ownerId, table.id),
    // A member's open offers, counted at every post against the market's cap (src/core/limits.ts).
    index('offers_active_owner_idx').on(table.ownerId).where(sql`${table.status} = 'active'`),
    // At most one open counter per member per offer, held by the database itself (two processes
    // countering at once cannot both pass an application check); also how an ending offer finds
    // its open counters.
    uniqueIndex('offers_open_counter_unique')
      .on(table.counterToId, table.ownerId)
      .where(sql`${table.status} = 'active' AND ${table.counterToId} IS NOT NULL`),
    // Open offers whose loop step has not run yet, by market, oldest first: what the loop sweep
    // reads. Partial, so its size follows the offers awaiting a check, not the market.
    index('offers_loop_check_due_idx').on(table.marketId, table.id).where(sql`${table.status} = 'active' AND ${table.loopCheck} > 0`),
    // /search without words lists a market's live offers ending soonest first, a page at a time
    // from an (expiry, id) position: one range of this index.
    index('offers_active_market_expiry_idx').on(table.marketId, table.expiresAt, table.id).where(sql`${table.status} = 'active'`),
  ],
);

/**
 * The terms of an offer, one row per side and item. Offers are immutable once posted, so these
 * rows are never rewritten except `held`: the quantity currently in escrow for this line
 * (the given items from posting until the offer closes), and `open`.
 */
export const offerLines = sqliteTable(
  'offer_lines',
  {
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id),
    side: text('side', { enum: OFFER_SIDES }).notNull(),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    quantity: integer('quantity').notNull(),
    held: integer('held').notNull().default(0),
    /**
     * 1 while the offer is `active`, 0 once it left that state: a copy of the offer's status kept
     * on its lines so the item-filtered listing can walk only live lines (see the index below).
     * Posting writes 1; every UPDATE that moves an offer out of `active` clears its lines in the
     * same transaction (`closeLines` in src/core/offer-lines.ts).
     */
    open: integer('open').notNull().default(1),
  },
  (table) => [
    primaryKey({ columns: [table.offerId, table.side, table.itemId] }),
    check('offer_lines_side_check', sql`${table.side} IN (${sqlList(OFFER_SIDES)})`),
    check('offer_lines_quantity_check', sql`${table.quantity} BETWEEN 1 AND 1000000`),
    check('offer_lines_held_check', sql`${table.held} BETWEEN 0 AND ${table.quantity}`),
    // Listing offers that give or want one item, newest first. Partial, so its cost follows the
    // item's live offers, not every offer that ever named the item.
    index('offer_lines_open_item_idx').on(table.itemId, table.offerId).where(sql`${table.open} = 1`),
    // Loop matching: the live lines that want (or give) one item, within a quantity bound, are
    // one range of this index, so a search costs the offers that share its items, not the market.
    index('offer_lines_open_side_item_idx')
      .on(table.side, table.itemId, table.quantity, table.offerId)
      .where(sql`${table.open} = 1`),
  ],
);

/**
 * A loop of offers that executed together (src/core/loops): each of its offers became a
 * completed trade whose `loop_id` names this row.
 */
export const offerLoops = sqliteTable('offer_loops', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  marketId: integer('market_id')
    .notNull()
    .references(() => markets.id),
  /** How many offers (and trades) the loop closed, 2 to 4. */
  size: integer('size').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** The record of an accepted offer; the items exchanged are the offer's lines. */
export const trades = sqliteTable(
  'trades',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    /** The offer it settled; null for an exchange of a math-trade event (`eventEntryId`). */
    offerId: integer('offer_id').references(() => offers.id),
    /** The offer's owner (the seed's seller). */
    ownerId: integer('owner_id')
      .notNull()
      .references(() => members.id),
    /** The member who accepted (the seed's buyer). */
    takerId: integer('taker_id')
      .notNull()
      .references(() => members.id),
    status: text('status', { enum: TRADE_STATUSES }).notNull(),
    createdAt: integer('created_at').notNull(),
    /** Confirm settlement: when the owner accepted the taker (pending -> processing). */
    acceptedAt: integer('accepted_at'),
    /** Confirm settlement: when the owner confirmed the handover. */
    confirmedAt: integer('confirmed_at'),
    completedAt: integer('completed_at'),
    cancelReason: text('cancel_reason', { enum: TRADE_CANCEL_REASONS }),
    /**
     * While in settlement: when the current step times out. Fixed when the step begins, from the
     * market's hours at that moment, so changing the settings never moves a running deadline.
     */
    dueAt: integer('due_at'),
    /** The owner's rating of the taker (seed: seller_rating), 1-5. */
    ratingByOwner: integer('rating_by_owner'),
    commentByOwner: text('comment_by_owner'),
    /** The taker's rating of the owner (seed: buyer_rating), 1-5. */
    ratingByTaker: integer('rating_by_taker'),
    commentByTaker: text('comment_by_taker'),
    /** When each rating was given, shown with the review on the profile (null for ratings from before it was kept). */
    ratedByOwnerAt: integer('rated_by_owner_at'),
    ratedByTakerAt: integer('rated_by_taker_at'),
    /**
     * Set when the offer closed in a loop instead of by an accept: the taker is then the member
     * who received the offer's items (the owner of the next offer in the loop), and what the
     * owner got came from the previous offer's owner.
     */
    loopId: integer('loop_id').references(() => offerLoops.id),
    /**
     * Set for an exchange of a math-trade event: the owner gave this entry, whole, to the taker,
     * and got the entry's `receivedEntryId` (from someone else in the loop) for it.
     */
    eventEntryId: integer('event_entry_id').references((): AnySQLiteColumn => eventEntries.id),
  },
  (table) => [
    // A trade settles an offer or exchanges an event entry, never both, never neither.
    check('trades_source_check', sql`(${table.offerId} IS NULL) <> (${table.eventEntryId} IS NULL)`),
    check('trades_status_check', sql`${table.status} IN (${sqlList(TRADE_STATUSES)})`),
    check('trades_rating_by_owner_check', sql`${table.ratingByOwner} BETWEEN 1 AND 5`),
    check('trades_rating_by_taker_check', sql`${table.ratingByTaker} BETWEEN 1 AND 5`),
    check('trades_cancel_reason_check', sql`${table.cancelReason} IN (${sqlList(TRADE_CANCEL_REASONS)})`),
    // One trade per offer that did not fall through: a cancelled settlement reopens its offer,
    // which may then be taken again.
    uniqueIndex('trades_offer_unique').on(table.offerId).where(sql`${table.status} <> 'cancelled'`),
    // The settlement sweep reads due trades in deadline order, walking only trades in settlement.
    index('trades_due_idx').on(table.dueAt).where(sql`${table.status} IN ('pending', 'processing')`),
    index('trades_owner_idx').on(table.ownerId, table.id),
    index('trades_taker_idx').on(table.takerId, table.id),
  ],
);

/**
 * The taker's side of a trade in confirm settlement: what they hold in escrow for the owner
 * until the trade completes (released to the owner) or is cancelled (refunded to the taker).
 */
export const tradeEscrow = sqliteTable(
  'trade_escrow',
  {
    tradeId: integer('trade_id')
      .notNull()
      .references(() => trades.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    held: integer('held').notNull(),
  },
  (table) => [primaryKey({ columns: [table.tradeId, table.itemId] }), check('trade_escrow_held_check', sql`${table.held} >= 0`)],
);

/**
 * Append-only record of every item movement. Each row moves `quantity` of one item from a place
 * to a place; a place is a member's inventory, an offer's escrow, a trade's escrow, or outside
 * the market (all columns null: a grant comes from outside, a revoke goes there). Replaying it gives every
 * inventory and every escrow, which is what the audit checks.
 */
export const ledger = sqliteTable(
  'ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    quantity: integer('quantity').notNull(),
    fromMemberId: integer('from_member_id').references(() => members.id),
    fromOfferId: integer('from_offer_id').references(() => offers.id),
    toMemberId: integer('to_member_id').references(() => members.id),
    toOfferId: integer('to_offer_id').references(() => offers.id),
    fromTradeId: integer('from_trade_id').references(() => trades.id),
    toTradeId: integer('to_trade_id').references(() => trades.id),
    /** A math-trade event entry's escrow (src/core/events): what a member entered, until the close. */
    fromEntryId: integer('from_entry_id').references((): AnySQLiteColumn => eventEntries.id),
    toEntryId: integer('to_entry_id').references((): AnySQLiteColumn => eventEntries.id),
    /** Who caused the movement (the admin for a grant, the taker for a swap); null for the clock. */
    actorId: integer('actor_id').references(() => members.id),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    check('ledger_kind_check', sql`${table.kind} IN (${sqlList(LEDGER_KINDS)})`),
    check('ledger_quantity_check', sql`${table.quantity} > 0`),
  ],
);

/**
 * Notifications, written in the same transaction as the change they report and delivered later.
 * `eventKey` is unique so one event can never be queued twice for the same member.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').notNull(),
    /** JSON: everything needed to render the message later, in any language. */
    payload: text('payload').notNull(),
    eventKey: text('event_key').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** A sender holds the row until this time; another process may take it over afterwards. */
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (table) => [
    check('outbox_status_check', sql`${table.status} IN (${sqlList(OUTBOX_STATUSES)})`),
    uniqueIndex('outbox_event_unique').on(table.eventKey),
    index('outbox_pending_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index('outbox_recipient_idx').on(table.recipientId, table.id),
  ],
);

/**
 * The market a platform account last used, so commands sent in a private chat (which belongs to
 * no market) act on it. Telegram needs this; Discord always knows its guild.
 */
export const currentMarkets = sqliteTable(
  'current_markets',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    platformUserId: text('platform_user_id').notNull(),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    updatedAt: integer('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.platform, table.platformUserId] })],
);

/**
 * Each running bot process writes here every few seconds: that it is alive, and whether its
 * platform connections are up. The container health check reads it (and so also proves the
 * database answers).
 */
export const heartbeats = sqliteTable('heartbeats', {
  /** `hostname:pid`. */
  process: text('process').primaryKey(),
  /** JSON: `{ "telegram": true, "discord": false }`, the state of each platform this process runs. */
  platforms: text('platforms').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Platform updates already taken in hand. Telegram hands an update out again if the bot died
 * before confirming it; an update whose key is here is not run a second time (a command is
 * done at most once: a crash can cost a member their answer, never a duplicate post or grant).
 */
export const handledUpdates = sqliteTable(
  'handled_updates',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    updateKey: text('update_key').notNull(),
    handledAt: integer('handled_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.platform, table.updateKey] }), index('handled_updates_time_idx').on(table.handledAt)],
);

/**
 * Every platform update the bot has taken, written before the platform is told it was received
 * (Telegram counts an update as delivered once the bot asks for the next ones, long before a
 * member's command in a busy group gets its turn). After a crash the bot runs again what is here
 * and was never started: an update is started when its key is claimed in `handled_updates`.
 *
 * A row stays after its update ran, until housekeeping prunes it: a batch Telegram hands out
 * again, because the confirmation never left the dead process, is then recognised and not run a
 * second time.
 */
export const inbox = sqliteTable(
  'inbox',
  {
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    updateKey: text('update_key').notNull(),
    /** The platform's order (Telegram's `update_id`): updates are run again in this order. */
    seq: integer('seq').notNull(),
    /** The update as the platform sent it (JSON). */
    payload: text('payload').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.platform, table.updateKey] }), index('inbox_time_idx').on(table.receivedAt)],
);

/**
 * The bot's messages that carry buttons or follow a record, and what each was sent to show: the
 * only thing a press on the message may act on or show, and the market it belongs to (a private
 * chat or DM belongs to no market by itself).
 *
 * `subject_kind` is a record (`offer`, `trade`, with `subject_id`) or, for a list, the command
 * that made it (`market`, `myoffers`, ...; no id): its page buttons re-run that command only.
 * A card that `follows` its record is edited whenever the record changes: a trigger (migration
 * 0008) bumps `version` when an offer's status changes, and a card whose `shown_version` lags is
 * stale and the card job edits it. A card that shows its record's ending has no buttons left and
 * never changes again, so its row is dropped.
 */
export const cards = sqliteTable(
  'cards',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    /** Telegram chat id, or Discord channel id. */
    chatId: text('chat_id').notNull(),
    messageId: text('message_id').notNull(),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    subjectKind: text('subject_kind').notNull(),
    subjectId: integer('subject_id'),
    follows: integer('follows', { mode: 'boolean' }).notNull(),
    version: integer('version').notNull().default(0),
    shownVersion: integer('shown_version').notNull().default(0),
  },
  (table) => [
    uniqueIndex('cards_message_idx').on(table.platform, table.chatId, table.messageId),
    index('cards_subject_idx').on(table.subjectKind, table.subjectId),
    index('cards_stale_idx').on(table.platform, table.id).where(sql`${table.version} <> ${table.shownVersion}`),
  ],
);

/** What a member wishes for in a market (`/want add`): an item, and how many (null: any amount). */
export const wishes = sqliteTable(
  'wishes',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    quantity: integer('quantity'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.memberId, table.itemId] }),
    check('wishes_quantity_check', sql`${table.quantity} IS NULL OR ${table.quantity} > 0`),
    // Who wishes for an item: read for every offer posted.
    index('wishes_item_idx').on(table.itemId),
  ],
);

/**
 * An open offer that gives what a member wishes for, written in the transaction that opened the
 * offer. One row per member and offer: a member is told about an offer once. `alerted_at` is set
 * when a digest took it (sent, or dropped because the offer had closed meanwhile).
 */
export const wishMatches = sqliteTable(
  'wish_matches',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    offerId: integer('offer_id')
      .notNull()
      .references(() => offers.id),
    matchedAt: integer('matched_at').notNull(),
    alertedAt: integer('alerted_at'),
  },
  (table) => [
    primaryKey({ columns: [table.memberId, table.offerId] }),
    index('wish_matches_waiting_idx').on(table.memberId).where(sql`${table.alertedAt} IS NULL`),
  ],
);

/* ---- Math-trade events (src/core/events) ---- */

export const EVENT_STATUSES = ['open', 'closing', 'closed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const ENTRY_STATUSES = ['open', 'withdrawn', 'traded', 'refunded'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/**
 * A math-trade event of a market: open while members enter items and rank wishes, `closing` once
 * its close began (entries and wishes are frozen; a restart finishes the close), `closed` after.
 */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    name: text('name').notNull(),
    status: text('status', { enum: EVENT_STATUSES }).notNull().default('open'),
    openedById: integer('opened_by_id')
      .notNull()
      .references(() => members.id),
    /** The chat the event was opened in (Telegram chat id, Discord channel id): the summary goes there. */
    chatId: text('chat_id'),
    openedAt: integer('opened_at').notNull(),
    /** When the close job closes it by itself; null: only `/event close` does. */
    closesAt: integer('closes_at'),
    closedAt: integer('closed_at'),
    /** The result, once closed: items traded, members trading, loops. */
    itemsTraded: integer('items_traded'),
    membersTrading: integer('members_trading'),
    loops: integer('loops'),
  },
  (table) => [
    check('events_status_check', sql`${table.status} IN (${sqlList(EVENT_STATUSES)})`),
    // One event at a time per market, held by the database itself.
    uniqueIndex('events_one_live_unique').on(table.marketId).where(sql`${table.status} <> 'closed'`),
    // The close job reads events that are due (or whose close was cut short), soonest first.
    index('events_due_idx').on(table.closesAt).where(sql`${table.status} <> 'closed'`),
  ],
);

/** One member's entry in an event: items given whole to one receiver. The id is the number members type. */
export const eventEntries = sqliteTable(
  'event_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status', { enum: ENTRY_STATUSES }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
    closedAt: integer('closed_at'),
    /** Once traded: who received it, and the entry its owner got for it. */
    receiverId: integer('receiver_id').references(() => members.id),
    receivedEntryId: integer('received_entry_id').references((): AnySQLiteColumn => eventEntries.id),
  },
  (table) => [
    check('event_entries_status_check', sql`${table.status} IN (${sqlList(ENTRY_STATUSES)})`),
    index('event_entries_event_idx').on(table.eventId, table.id),
    index('event_entries_member_idx').on(table.memberId, table.eventId),
  ],
);

/** The items of an entry; `held` is what sits in the entry's escrow (all of it while open, none after). */
export const eventEntryItems = sqliteTable(
  'event_entry_items',
  {
    entryId: integer('entry_id')
      .notNull()
      .references(() => eventEntries.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    quantity: integer('quantity').notNull(),
    held: integer('held').notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.entryId, table.itemId] }),
    check('event_entry_items_quantity_check', sql`${table.quantity} BETWEEN 1 AND 1000000`),
    check('event_entry_items_held_check', sql`${table.held} BETWEEN 0 AND ${table.quantity}`),
    index('event_entry_items_item_idx').on(table.itemId),
  ],
);

/**
 * What a member would take for an entry, best first: another entry, or an item (standing for every
 * entry that gives it, expanded at the close). `rank` counts the `;` before it.
 */
export const eventWants = sqliteTable(
  'event_wants',
  {
    entryId: integer('entry_id')
      .notNull()
      .references(() => eventEntries.id),
    position: integer('position').notNull(),
    rank: integer('rank').notNull(),
    wantedEntryId: integer('wanted_entry_id').references(() => eventEntries.id),
    wantedItemId: integer('wanted_item_id').references(() => items.id),
  },
  (table) => [
    primaryKey({ columns: [table.entryId, table.position] }),
    check('event_wants_target_check', sql`(${table.wantedEntryId} IS NULL) <> (${table.wantedItemId} IS NULL)`),
  ],
);

/**
 * What admins may do, as the moderation log names it. No CHECK constraint: a new admin action
 * (another issue's) is one more name here, not a table rebuild.
 */
export const MODERATION_ACTIONS = [
  'grant',
  'revoke',
  'item_add',
  'item_edit',
  'item_archive',
  'item_unarchive',
  'offer_remove',
  'ban',
  'unban',
  'config',
  'review_hide',
  'review_unhide',
  'event_open',
  'event_close',
] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * The moderation log: one row per admin action, written in the same transaction as the action
 * (src/core/moderation-log.ts), so an action is never without its row nor a row without its
 * action. `admin_id` is null when the operator acted (a CLI, a setting) rather than a member.
 * The target columns say what the action touched; `detail` is JSON for the rest (items and
 * quantities, a setting's old and new value).
 */
export const moderationLog = sqliteTable(
  'moderation_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    adminId: integer('admin_id').references(() => members.id),
    action: text('action', { enum: MODERATION_ACTIONS }).notNull(),
    memberId: integer('member_id').references(() => members.id),
    itemId: integer('item_id').references(() => items.id),
    offerId: integer('offer_id').references(() => offers.id),
    tradeId: integer('trade_id').references(() => trades.id),
    reason: text('reason'),
    detail: text('detail', { mode: 'json' }),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    // `/admin log` pages a market's log newest first, or one member's.
    index('moderation_log_market_idx').on(table.marketId, table.id),
    index('moderation_log_member_idx').on(table.marketId, table.memberId, table.id),
  ],
);

/**
 * A review an admin took out of sight (`/admin review-hide`): the rating `author_id` wrote on
 * `trade_id` no longer counts toward the reputation of the one rated, nor shows on their profile.
 * The rating itself stays on the trade, so unhiding restores it exactly. Who hid it and why stay
 * here after an unhide (`unhidden_at` set), so the row is the review's moderation history.
 */
export const hiddenReviews = sqliteTable(
  'hidden_reviews',
  {
    tradeId: integer('trade_id')
      .notNull()
      .references(() => trades.id),
    authorId: integer('author_id')
      .notNull()
      .references(() => members.id),
    hiddenBy: integer('hidden_by')
      .notNull()
      .references(() => members.id),
    reason: text('reason'),
    hiddenAt: integer('hidden_at').notNull(),
    unhiddenBy: integer('unhidden_by').references(() => members.id),
    unhiddenAt: integer('unhidden_at'),
  },
  (table) => [primaryKey({ columns: [table.tradeId, table.authorId] })],
);

/**
 * Each rated member's reputation as src/core/reputation.ts computes it, rewritten in the same
 * transaction as every rating, hiding and unhiding that changes it, so cards, lists and the search
 * filter read one row instead of aggregating the member's trades. A member without a row was
 * rated by nobody (or only in hidden reviews) and stands at the prior.
 */
export const reputations = sqliteTable(
  'reputations',
  {
    memberId: integer('member_id')
      .primaryKey()
      .references(() => members.id),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    score: real('score').notNull(),
    /** Distinct members whose ratings count. */
    partners: integer('partners').notNull(),
    ratings: integer('ratings').notNull(),
  },
  // A filter on a minimum score walks the market's members from that score up.
  (table) => [index('reputations_market_score_idx').on(table.marketId, table.score)],
);

/**
 * A list's filter too large for a page button (Telegram's callback data holds 64 bytes), kept so
 * the button carries only its number (`search saved 42 page after-120`). `filter` is the command's
 * own JSON; the command reads it back and checks it as it checks what a member types. Rows are
 * written only for lists with more than one page, and pruned by age (housekeeping).
 */
export const savedFilters = sqliteTable(
  'saved_filters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    marketId: integer('market_id')
      .notNull()
      .references(() => markets.id),
    command: text('command').notNull(),
    filter: text('filter').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [index('saved_filters_created_idx').on(table.createdAt)],
);

/**
 * The rate limit's sliding window: one row per command a member was let through, kept for the
 * market's `rate_seconds` (older rows are pruned as the member's next command is counted). In the
 * database, not in memory, so the limit holds across processes and restarts.
 */
export const commandTurns = sqliteTable(
  'command_turns',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    at: integer('at').notNull(),
  },
  (table) => [index('command_turns_member_at_idx').on(table.memberId, table.at)],
);
