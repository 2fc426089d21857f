CREATE TABLE `inventories` (
	`member_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`member_id`, `item_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "inventories_quantity_check" CHECK("inventories"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE `items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`emoji` text,
	`description` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `items_market_slug_unique` ON `items` (`market_id`,`slug`);--> statement-breakpoint
CREATE TABLE `ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`kind` text NOT NULL,
	`quantity` integer NOT NULL,
	`from_member_id` integer,
	`from_offer_id` integer,
	`to_member_id` integer,
	`to_offer_id` integer,
	`actor_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_kind_check" CHECK("ledger"."kind" IN ('grant', 'revoke', 'escrow', 'release', 'refund', 'swap')),
	CONSTRAINT "ledger_quantity_check" CHECK("ledger"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE `markets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`platform_market_id` text NOT NULL,
	`title` text,
	`settlement` text DEFAULT 'instant' NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "markets_platform_check" CHECK("markets"."platform" IN ('discord', 'telegram')),
	CONSTRAINT "markets_settlement_check" CHECK("markets"."settlement" IN ('instant', 'confirm'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `markets_platform_id_unique` ON `markets` (`platform`,`platform_market_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`platform_user_id` text NOT NULL,
	`display_name` text NOT NULL,
	`username` text,
	`banned_at` integer,
	`ban_reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_market_user_unique` ON `members` (`market_id`,`platform_user_id`);--> statement-breakpoint
CREATE INDEX `members_market_username_idx` ON `members` (`market_id`,`username`);--> statement-breakpoint
CREATE TABLE `offer_lines` (
	`offer_id` integer NOT NULL,
	`side` text NOT NULL,
	`item_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	`held` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`offer_id`, `side`, `item_id`),
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "offer_lines_side_check" CHECK("offer_lines"."side" IN ('give', 'want')),
	CONSTRAINT "offer_lines_quantity_check" CHECK("offer_lines"."quantity" BETWEEN 1 AND 1000000),
	CONSTRAINT "offer_lines_held_check" CHECK("offer_lines"."held" BETWEEN 0 AND "offer_lines"."quantity")
);
--> statement-breakpoint
CREATE INDEX `offer_lines_item_idx` ON `offer_lines` (`item_id`,`offer_id`);--> statement-breakpoint
CREATE TABLE `offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`owner_id` integer NOT NULL,
	`target_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`closed_at` integer,
	`accepted_by_id` integer,
	`close_reason` text,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`accepted_by_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "offers_status_check" CHECK("offers"."status" IN ('active', 'settling', 'completed', 'cancelled', 'expired', 'declined', 'countered', 'removed'))
);
--> statement-breakpoint
CREATE INDEX `offers_active_expiry_idx` ON `offers` (`expires_at`) WHERE "offers"."status" = 'active';--> statement-breakpoint
CREATE INDEX `offers_active_market_idx` ON `offers` (`market_id`,`id`) WHERE "offers"."status" = 'active';--> statement-breakpoint
CREATE INDEX `offers_owner_status_idx` ON `offers` (`owner_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`recipient_id` integer NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`event_key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recipient_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "outbox_status_check" CHECK("outbox"."status" IN ('pending', 'delivered', 'undeliverable'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_event_unique` ON `outbox` (`event_key`);--> statement-breakpoint
CREATE INDEX `outbox_pending_idx` ON `outbox` (`next_attempt_at`) WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_recipient_idx` ON `outbox` (`recipient_id`,`id`);--> statement-breakpoint
CREATE TABLE `trades` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`offer_id` integer NOT NULL,
	`owner_id` integer NOT NULL,
	`taker_id` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`completed_at` integer,
	`rating_by_owner` integer,
	`comment_by_owner` text,
	`rating_by_taker` integer,
	`comment_by_taker` text,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taker_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trades_status_check" CHECK("trades"."status" IN ('pending', 'processing', 'completed', 'cancelled')),
	CONSTRAINT "trades_rating_by_owner_check" CHECK("trades"."rating_by_owner" BETWEEN 1 AND 5),
	CONSTRAINT "trades_rating_by_taker_check" CHECK("trades"."rating_by_taker" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trades_offer_unique` ON `trades` (`offer_id`);--> statement-breakpoint
CREATE INDEX `trades_owner_idx` ON `trades` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `trades_taker_idx` ON `trades` (`taker_id`,`id`);