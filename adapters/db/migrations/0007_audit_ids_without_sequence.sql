-- Audit ids are the rowid without AUTOINCREMENT: entries are never deleted, so ids still only grow,
-- and a commit that audits no longer writes sqlite_sequence too. Rebuilt with its rows and ids (no
-- foreign keys point at the table or from it).
CREATE TABLE `__new_audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`packet_ref` text,
	`evidence` text
);
--> statement-breakpoint
INSERT INTO `__new_audit_log`("id", "at", "actor", "action", "packet_ref", "evidence") SELECT "id", "at", "actor", "action", "packet_ref", "evidence" FROM `audit_log`;--> statement-breakpoint
DROP TABLE `audit_log`;--> statement-breakpoint
ALTER TABLE `__new_audit_log` RENAME TO `audit_log`;--> statement-breakpoint
CREATE INDEX `audit_packet` ON `audit_log` (`packet_ref`);