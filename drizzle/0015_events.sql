CREATE TABLE `event_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	`receiver_id` integer,
	`received_entry_id` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`receiver_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`received_entry_id`) REFERENCES `event_entries`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "event_entries_status_check" CHECK("event_entries"."status" IN ('open', 'withdrawn', 'traded', 'refunded'))
);
--> statement-breakpoint
CREATE INDEX `event_entries_event_idx` ON `event_entries` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `event_entries_member_idx` ON `event_entries` (`member_id`,`event_id`);--> statement-breakpoint
CREATE TABLE `event_entry_items` (
	`entry_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`held` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`entry_id`, `item_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `event_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "event_entry_items_quantity_check" CHECK("event_entry_items"."quantity" BETWEEN 1 AND 1000000),
	CONSTRAINT "event_entry_items_held_check" CHECK("event_entry_items"."held" BETWEEN 0 AND "event_entry_items"."quantity")
);
--> statement-breakpoint
CREATE INDEX `event_entry_items_item_idx` ON `event_entry_items` (`item_id`);--> statement-breakpoint
CREATE TABLE `event_wants` (
	`entry_id` integer NOT NULL,
	`position` integer NOT NULL,
	`rank` integer NOT NULL,
	`wanted_entry_id` integer,
	`wanted_item_id` integer,
	PRIMARY KEY(`entry_id`, `position`),
	FOREIGN KEY (`entry_id`) REFERENCES `event_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`wanted_entry_id`) REFERENCES `event_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`wanted_item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "event_wants_target_check" CHECK(("event_wants"."wanted_entry_id" IS NULL) <> ("event_wants"."wanted_item_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`opened_by_id` integer NOT NULL,
	`chat_id` text,
	`opened_at` integer NOT NULL,
	`closes_at` integer,
	`closed_at` integer,
	`items_traded` integer,
	`members_trading` integer,
	`loops` integer,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "events_status_check" CHECK("events"."status" IN ('open', 'closing', 'closed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_one_live_unique` ON `events` (`market_id`) WHERE "events"."status" <> 'closed';--> statement-breakpoint
CREATE INDEX `events_due_idx` ON `events` (`closes_at`) WHERE "events"."status" <> 'closed';--> statement-breakpoint
-- Hand-edited: trades.offer_id becomes nullable (an event's exchange settles no offer), which
-- SQLite can only do by rebuilding the table. The PRAGMAs below are no-ops inside the migration's
-- transaction: src/db/migrate.ts switches foreign keys off around it and runs foreign_key_check
-- before commit. The INSERT copies every existing column (event_entry_id is new).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_trades` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`offer_id` integer,
	`owner_id` integer NOT NULL,
	`taker_id` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`accepted_at` integer,
	`confirmed_at` integer,
	`completed_at` integer,
	`cancel_reason` text,
	`due_at` integer,
	`rating_by_owner` integer,
	`comment_by_owner` text,
	`rating_by_taker` integer,
	`comment_by_taker` text,
	`loop_id` integer,
	`event_entry_id` integer,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taker_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`loop_id`) REFERENCES `offer_loops`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_entry_id`) REFERENCES `event_entries`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trades_source_check" CHECK(("__new_trades"."offer_id" IS NULL) <> ("__new_trades"."event_entry_id" IS NULL)),
	CONSTRAINT "trades_status_check" CHECK("__new_trades"."status" IN ('pending', 'processing', 'completed', 'cancelled')),
	CONSTRAINT "trades_rating_by_owner_check" CHECK("__new_trades"."rating_by_owner" BETWEEN 1 AND 5),
	CONSTRAINT "trades_rating_by_taker_check" CHECK("__new_trades"."rating_by_taker" BETWEEN 1 AND 5),
	CONSTRAINT "trades_cancel_reason_check" CHECK("__new_trades"."cancel_reason" IN ('seller_rejected', 'seller_accept_timeout', 'cancelled_by_buyer', 'cancelled_by_seller', 'seller_confirm_timeout'))
);
--> statement-breakpoint
INSERT INTO `__new_trades`("id", "market_id", "offer_id", "owner_id", "taker_id", "status", "created_at", "accepted_at", "confirmed_at", "completed_at", "cancel_reason", "due_at", "rating_by_owner", "comment_by_owner", "rating_by_taker", "comment_by_taker", "loop_id") SELECT "id", "market_id", "offer_id", "owner_id", "taker_id", "status", "created_at", "accepted_at", "confirmed_at", "completed_at", "cancel_reason", "due_at", "rating_by_owner", "comment_by_owner", "rating_by_taker", "comment_by_taker", "loop_id" FROM `trades`;--> statement-breakpoint
DROP TABLE `trades`;--> statement-breakpoint
ALTER TABLE `__new_trades` RENAME TO `trades`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `trades_offer_unique` ON `trades` (`offer_id`) WHERE "trades"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX `trades_due_idx` ON `trades` (`due_at`) WHERE "trades"."status" IN ('pending', 'processing');--> statement-breakpoint
CREATE INDEX `trades_owner_idx` ON `trades` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `trades_taker_idx` ON `trades` (`taker_id`,`id`);--> statement-breakpoint
-- Hand-written: dropping the old table dropped its trigger (0012); recreated as it was.
CREATE TRIGGER `cards_follow_trade_step` AFTER UPDATE OF `status`, `confirmed_at` ON `trades`
WHEN NEW.`status` <> OLD.`status` OR NEW.`confirmed_at` IS NOT OLD.`confirmed_at`
BEGIN
  UPDATE `cards` SET `version` = `version` + 1 WHERE `subject_kind` = 'trade' AND `subject_id` = NEW.`id` AND `follows` = 1;
END;--> statement-breakpoint
ALTER TABLE `ledger` ADD `from_entry_id` integer REFERENCES event_entries(id);--> statement-breakpoint
ALTER TABLE `ledger` ADD `to_entry_id` integer REFERENCES event_entries(id);--> statement-breakpoint
ALTER TABLE `markets` ADD `event_max_loop` integer;