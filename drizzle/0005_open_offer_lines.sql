DROP INDEX `offer_lines_item_idx`;--> statement-breakpoint
ALTER TABLE `offer_lines` ADD `open` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Backfill (hand-written): the new column defaults to 1, so lines of offers that already left
-- 'active' are closed here, before the index over open lines is built.
UPDATE `offer_lines` SET `open` = 0 WHERE `offer_id` IN (SELECT `id` FROM `offers` WHERE `status` != 'active');--> statement-breakpoint
CREATE INDEX `offer_lines_open_item_idx` ON `offer_lines` (`item_id`,`offer_id`) WHERE "offer_lines"."open" = 1;
