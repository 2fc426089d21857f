CREATE TABLE `saved_filters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`market_id` integer NOT NULL,
	`command` text NOT NULL,
	`filter` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`market_id`) REFERENCES `markets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `saved_filters_created_idx` ON `saved_filters` (`created_at`);--> statement-breakpoint
CREATE INDEX `offers_active_market_expiry_idx` ON `offers` (`market_id`,`expires_at`,`id`) WHERE "offers"."status" = 'active';--> statement-breakpoint
CREATE VIRTUAL TABLE offer_search USING fts5(items, note, owner, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');--> statement-breakpoint
CREATE VIEW offer_search_source AS SELECT o.id AS id,
  (SELECT group_concat(i.name || ' ' || coalesce(i.description, ''), ' ')
     FROM offer_lines l JOIN items i ON i.id = l.item_id WHERE l.offer_id = o.id) AS items,
  coalesce(o.note, '') AS note,
  m.display_name || ' ' || coalesce(m.username, '') AS owner
FROM offers o JOIN members m ON m.id = o.owner_id;--> statement-breakpoint
CREATE TRIGGER offer_search_posted AFTER INSERT ON offers WHEN NEW.status = 'active' BEGIN
  DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE o.id = NEW.id);
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE o.id = NEW.id AND o.status = 'active');
END;--> statement-breakpoint
CREATE TRIGGER offer_search_line_added AFTER INSERT ON offer_lines BEGIN
  DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE o.id = NEW.offer_id);
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE o.id = NEW.offer_id AND o.status = 'active');
END;--> statement-breakpoint
CREATE TRIGGER offer_search_status AFTER UPDATE OF status ON offers WHEN OLD.status IS NOT NEW.status BEGIN
  DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE o.id = NEW.id);
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE o.id = NEW.id AND o.status = 'active');
END;--> statement-breakpoint
CREATE TRIGGER offer_search_item_changed AFTER UPDATE OF name, slug, description ON items BEGIN
  DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE o.id IN (SELECT l.offer_id FROM offer_lines l WHERE l.item_id = NEW.id AND l.open = 1));
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE o.id IN (SELECT l.offer_id FROM offer_lines l WHERE l.item_id = NEW.id AND l.open = 1) AND o.status = 'active');
END;--> statement-breakpoint
CREATE TRIGGER offer_search_owner_renamed AFTER UPDATE OF display_name, username ON members
  WHEN OLD.display_name IS NOT NEW.display_name OR OLD.username IS NOT NEW.username BEGIN
  DELETE FROM offer_search WHERE rowid IN (SELECT o.id FROM offers o WHERE o.owner_id = NEW.id);
  INSERT INTO offer_search(rowid, items, note, owner) SELECT id, items, note, owner FROM offer_search_source WHERE id IN (SELECT o.id FROM offers o WHERE o.owner_id = NEW.id AND o.status = 'active');
END;--> statement-breakpoint
INSERT INTO offer_search(rowid, items, note, owner) SELECT s.id, s.items, s.note, s.owner FROM offer_search_source s JOIN offers o ON o.id = s.id WHERE o.status = 'active';