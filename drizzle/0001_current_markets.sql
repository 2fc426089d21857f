CREATE TABLE `current_markets` (
	`platform` text NOT NULL,
	`platform_user_id` text NOT NULL,
	`market_id` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `platform_user_id`),
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
