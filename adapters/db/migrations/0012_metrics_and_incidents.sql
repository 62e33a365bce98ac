CREATE TABLE `conversation_log` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`started_at` integer NOT NULL,
	`outcome` text,
	`ended_at` integer,
	`packet_ref` text
);
--> statement-breakpoint
CREATE INDEX `conversation_log_started` ON `conversation_log` (`started_at`);--> statement-breakpoint
CREATE INDEX `conversation_log_outcome` ON `conversation_log` (`outcome`);--> statement-breakpoint
CREATE TABLE `desk_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `incident_watchers` (
	`incident_id` text NOT NULL,
	`watcher` text NOT NULL,
	`conversation_id` text,
	`email` text,
	`asked_at` integer NOT NULL,
	`notified_at` integer,
	PRIMARY KEY(`incident_id`, `watcher`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`studio` text NOT NULL,
	`error_key` text NOT NULL,
	`error` text NOT NULL,
	`status` text NOT NULL,
	`since` integer NOT NULL,
	`last_failure_at` integer NOT NULL,
	`accounts` integer NOT NULL,
	`opened_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	`version` integer DEFAULT 0 NOT NULL,
	`slack_channel` text,
	`slack_ts` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_open_cluster` ON `incidents` (`studio`,`error_key`) WHERE "incidents"."status" = 'open';--> statement-breakpoint
CREATE INDEX `incidents_status` ON `incidents` (`status`,`since`);--> statement-breakpoint
CREATE INDEX `generations_failed_created` ON `generations` (`created_at_ms`) WHERE "generations"."status" = 'failed';--> statement-breakpoint
CREATE INDEX `packets_channel_created` ON `packets` (`channel`,`created_at`);--> statement-breakpoint
-- Written by hand (drizzle-kit writes no triggers): the log follows every write to `conversations`.
CREATE TRIGGER `conversation_log_started` AFTER INSERT ON `conversations` BEGIN
	INSERT OR IGNORE INTO `conversation_log` (`id`, `channel`, `started_at`) VALUES (NEW.`id`, NEW.`channel`, NEW.`created_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_log_ended` AFTER UPDATE OF `state` ON `conversations` WHEN NEW.`state` IN ('resolved', 'handed_off') BEGIN
	UPDATE `conversation_log` SET `outcome` = NEW.`state`, `ended_at` = NEW.`updated_at`, `packet_ref` = NEW.`packet_ref` WHERE `id` = NEW.`id` AND `outcome` IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_log_expired` AFTER DELETE ON `conversations` BEGIN
	UPDATE `conversation_log` SET `outcome` = 'expired', `ended_at` = OLD.`expires_at` WHERE `id` = OLD.`id` AND `outcome` IS NULL;
END;
--> statement-breakpoint
INSERT INTO `conversation_log` (`id`, `channel`, `started_at`, `outcome`, `ended_at`, `packet_ref`)
	SELECT `id`, `channel`, `created_at`, CASE WHEN `state` IN ('resolved', 'handed_off') THEN `state` END,
		CASE WHEN `state` IN ('resolved', 'handed_off') THEN `updated_at` END, `packet_ref`
	FROM `conversations`;
