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
CREATE TABLE `reputations` (
	`member_id` integer PRIMARY KEY NOT NULL,
	`market_id` integer NOT NULL,
	`score` real NOT NULL,
	`partners` integer NOT NULL,
	`ratings` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reputations_market_score_idx` ON `reputations` (`market_id`,`score`);--> statement-breakpoint
ALTER TABLE `trades` ADD `rated_by_owner_at` integer;--> statement-breakpoint
ALTER TABLE `trades` ADD `rated_by_taker_at` integer;--> statement-breakpoint
-- Hand-written: the reputation of every member rated before this migration, computed as
-- src/core/reputation.ts does (score = (5 x 3.0 + sum of partners' means) / (5 + partners); no
-- review is hidden yet). From here on the core rewrites a member's row with every rating.
INSERT INTO `reputations` (`member_id`, `market_id`, `score`, `partners`, `ratings`)
SELECT per_partner.subject_id, `members`.`market_id`, (15.0 + sum(per_partner.partner_mean)) / (5 + count(*)), count(*), sum(per_partner.ratings)
FROM (
  SELECT subject_id, author_id, avg(stars) AS partner_mean, count(*) AS ratings
  FROM (
    SELECT `owner_id` AS subject_id, `taker_id` AS author_id, `rating_by_taker` AS stars FROM `trades` WHERE `status` = 'completed' AND `rating_by_taker` IS NOT NULL
    UNION ALL
    SELECT `taker_id`, `owner_id`, `rating_by_owner` FROM `trades` WHERE `status` = 'completed' AND `rating_by_owner` IS NOT NULL
  ) counted
  GROUP BY subject_id, author_id
) per_partner
JOIN `members` ON `members`.`id` = per_partner.subject_id
GROUP BY per_partner.subject_id, `members`.`market_id`;
--> statement-breakpoint
-- Hand-written (drizzle-kit does not model triggers): offer cards show their owner's reputation,
-- so a change of it (its row rewritten with a rating, a hiding, an unhiding) marks the cards of
-- the owner's open offers stale, as a change of the offer itself does (0008).
CREATE TRIGGER `cards_follow_owner_reputation_in` AFTER INSERT ON `reputations`
BEGIN
  UPDATE `cards` SET `version` = `version` + 1 WHERE `subject_kind` = 'offer' AND `follows` = 1
    AND `subject_id` IN (SELECT `id` FROM `offers` WHERE `owner_id` = NEW.`member_id` AND `status` IN ('active', 'settling'));
END;
--> statement-breakpoint
CREATE TRIGGER `cards_follow_owner_reputation_out` AFTER DELETE ON `reputations`
BEGIN
  UPDATE `cards` SET `version` = `version` + 1 WHERE `subject_kind` = 'offer' AND `follows` = 1
    AND `subject_id` IN (SELECT `id` FROM `offers` WHERE `owner_id` = OLD.`member_id` AND `status` IN ('active', 'settling'));
END;
