CREATE TABLE `command_turns` (
	`member_id` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `command_turns_member_at_idx` ON `command_turns` (`member_id`,`at`);--> statement-breakpoint
ALTER TABLE `markets` ADD `rate_commands` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `rate_seconds` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `max_open_offers` integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `newcomer_hours` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `markets` ADD `account_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `joined_at` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `account_created_at` integer;--> statement-breakpoint
ALTER TABLE `members` ADD `rate_told_until` integer;--> statement-breakpoint
CREATE INDEX `offers_active_owner_idx` ON `offers` (`owner_id`) WHERE "offers"."status" = 'active';