CREATE TABLE `inbox` (
	`platform` text NOT NULL,
	`update_key` text NOT NULL,
	`seq` integer NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `update_key`)
);
--> statement-breakpoint
CREATE INDEX `inbox_time_idx` ON `inbox` (`received_at`);