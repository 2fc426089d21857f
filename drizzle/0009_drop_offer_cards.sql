-- Hand-written: the trigger of migration 0006 goes with its table (its successor is in 0008).
DROP TRIGGER IF EXISTS `offer_cards_follow_status`;
--> statement-breakpoint
DROP TABLE `offer_cards`;
