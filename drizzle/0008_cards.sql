CREATE TABLE `cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` text NOT NULL,
	`market_id` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` integer,
	`follows` integer NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`shown_version` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_message_idx` ON `cards` (`platform`,`chat_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `cards_subject_idx` ON `cards` (`subject_kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `cards_stale_idx` ON `cards` (`platform`,`id`) WHERE "cards"."version" <> "cards"."shown_version";--> statement-breakpoint
-- Hand-written: the cards of migration 0006 carry over, with the market of their offer.
INSERT INTO `cards` (`platform`, `chat_id`, `message_id`, `market_id`, `subject_kind`, `subject_id`, `follows`, `version`, `shown_version`)
SELECT `offer_cards`.`platform`, `offer_cards`.`chat_id`, `offer_cards`.`message_id`, `offers`.`market_id`, 'offer', `offer_cards`.`offer_id`, 1, `offer_cards`.`version`, `offer_cards`.`shown_version`
FROM `offer_cards` JOIN `offers` ON `offers`.`id` = `offer_cards`.`offer_id`;
--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers): every path that changes an offer's status
-- marks the cards that follow it stale in the same transaction, so no path can forget to.
CREATE TRIGGER `cards_follow_offer_status` AFTER UPDATE OF `status` ON `offers` WHEN NEW.`status` <> OLD.`status`
BEGIN
  UPDATE `cards` SET `version` = `version` + 1 WHERE `subject_kind` = 'offer' AND `subject_id` = NEW.`id` AND `follows` = 1;
END;
