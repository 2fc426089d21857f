CREATE TABLE `heartbeats` (
	`process` text PRIMARY KEY NOT NULL,
	`platforms` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `members` ADD `unreachable_since` integer;