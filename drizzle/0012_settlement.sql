CREATE TABLE `trade_escrow` (
	`trade_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`held` integer NOT NULL,
	PRIMARY KEY(`trade_id`, `item_id`),
	FOREIGN KEY (`trade_id`) REFERENCES `trades`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trade_escrow_held_check" CHECK("trade_escrow"."held" >= 0)
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_trades` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`offer_id` integer NOT NULL,
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
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taker_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "trades_status_check" CHECK("__new_trades"."status" IN ('pending', 'processing', 'completed', 'cancelled')),
	CONSTRAINT "trades_rating_by_owner_check" CHECK("__new_trades"."rating_by_owner" BETWEEN 1 AND 5),
	CONSTRAINT "trades_rating_by_taker_check" CHECK("__new_trades"."rating_by_taker" BETWEEN 1 AND 5),
	CONSTRAINT "trades_cancel_reason_check" CHECK("__new_trades"."cancel_reason" IN ('seller_rejected', 'seller_accept_timeout', 'cancelled_by_buyer', 'cancelled_by_seller', 'seller_confirm_timeout'))
);
--> statement-breakpoint
-- Hand-edited: drizzle-kit selected the new columns from the old table too; they start empty.
INSERT INTO `__new_trades`("id", "market_id", "offer_id", "owner_id", "taker_id", "status", "created_at", "completed_at", "rating_by_owner", "comment_by_owner", "rating_by_taker", "comment_by_taker") SELECT "id", "market_id", "offer_id", "owner_id", "taker_id", "status", "created_at", "completed_at", "rating_by_owner", "comment_by_owner", "rating_by_taker", "comment_by_taker" FROM `trades`;--> statement-breakpoint
DROP TABLE `trades`;--> statement-breakpoint
ALTER TABLE `__new_trades` RENAME TO `trades`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `trades_offer_unique` ON `trades` (`offer_id`) WHERE "trades"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX `trades_due_idx` ON `trades` (`due_at`) WHERE "trades"."status" IN ('pending', 'processing');--> statement-breakpoint
CREATE INDEX `trades_owner_idx` ON `trades` (`owner_id`,`id`);--> statement-breakpoint
CREATE INDEX `trades_taker_idx` ON `trades` (`taker_id`,`id`);--> statement-breakpoint
ALTER TABLE `ledger` ADD `from_trade_id` integer REFERENCES trades(id);--> statement-breakpoint
ALTER TABLE `ledger` ADD `to_trade_id` integer REFERENCES trades(id);--> statement-breakpoint
ALTER TABLE `markets` ADD `accept_hours` integer DEFAULT 24 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `confirm_hours` integer DEFAULT 72 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `receipt_hours` integer DEFAULT 72 NOT NULL;--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers): a trade card follows its trade as an offer
-- card follows its offer (0008). Each settlement step changes the status or the handover time.
CREATE TRIGGER `cards_follow_trade_step` AFTER UPDATE OF `status`, `confirmed_at` ON `trades`
WHEN NEW.`status` <> OLD.`status` OR NEW.`confirmed_at` IS NOT OLD.`confirmed_at`
BEGIN
  UPDATE `cards` SET `version` = `version` + 1 WHERE `subject_kind` = 'trade' AND `subject_id` = NEW.`id` AND `follows` = 1;
END;
