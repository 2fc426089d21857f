CREATE TABLE `offer_cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`offer_id` integer NOT NULL,
	`platform` text NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`shown_version` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`offer_id`) REFERENCES `offers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offer_cards_message_idx` ON `offer_cards` (`platform`,`chat_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `offer_cards_offer_idx` ON `offer_cards` (`offer_id`);--> statement-breakpoint
CREATE INDEX `offer_cards_stale_idx` ON `offer_cards` (`platform`,`id`) WHERE "offer_cards"."version" <> "offer_cards"."shown_version";--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers): every path that changes an offer's status
-- marks its cards stale in the same transaction, so no path can forget to.
CREATE TRIGGER `offer_cards_follow_status` AFTER UPDATE OF `status` ON `offers` WHEN NEW.`status` <> OLD.`status`
BEGIN
  UPDATE `offer_cards` SET `version` = `version` + 1 WHERE `offer_id` = NEW.`id`;
END;
