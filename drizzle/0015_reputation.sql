CREATE TABLE `hidden_reviews` (
	`trade_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`hidden_by` integer NOT NULL,
	`reason` text,
	`hidden_at` integer NOT NULL,
	`unhidden_by` integer,
	`unhidden_at` integer,
	PRIMARY KEY(`trade_id`, `author_id`),
	FOREIGN KEY (`trade_id`) REFERENCES `trades`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`hidden_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unhidden_by`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `trades` ADD `rated_by_owner_at` integer;--> statement-breakpoint
ALTER TABLE `trades` ADD `rated_by_taker_at` integer;