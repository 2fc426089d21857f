CREATE TABLE `wish_matches` (
	`member_id` integer NOT NULL,
	`offer_id` integer NOT NULL,
	`matched_at` integer NOT NULL,
	`alerted_at` integer,
	PRIMARY KEY(`member_id`, `offer_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `wish_matches_waiting_idx` ON `wish_matches` (`member_id`) WHERE "wish_matches"."alerted_at" IS NULL;--> statement-breakpoint
CREATE TABLE `wishes` (
	`member_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`quantity` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `item_id`),
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `items`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "wishes_quantity_check" CHECK("wishes"."quantity" IS NULL OR "wishes"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX `wishes_item_idx` ON `wishes` (`item_id`);--> statement-breakpoint
ALTER TABLE `members` ADD `wish_alerts` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `members` ADD `wish_digest_at` integer;