CREATE TABLE `offer_loops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `markets` ADD `loops` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `offers` ADD `loop_check` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `offers_loop_check_due_idx` ON `offers` (`market_id`,`id`) WHERE "offers"."status" = 'active' AND "offers"."loop_check" > 0;--> statement-breakpoint
ALTER TABLE `trades` ADD `loop_id` integer REFERENCES offer_loops(id);--> statement-breakpoint
CREATE INDEX `offer_lines_open_side_item_idx` ON `offer_lines` (`side`,`item_id`,`quantity`,`offer_id`) WHERE "offer_lines"."open" = 1;