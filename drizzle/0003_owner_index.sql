DROP INDEX `offers_owner_status_idx`;--> statement-breakpoint
CREATE INDEX `offers_owner_idx` ON `offers` (`owner_id`,`id`);