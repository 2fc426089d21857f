CREATE TABLE `handled_updates` (
	`platform` text NOT NULL,
	`update_key` text NOT NULL,
	`handled_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `update_key`)
);
--> statement-breakpoint
CREATE INDEX `handled_updates_time_idx` ON `handled_updates` (`handled_at`);