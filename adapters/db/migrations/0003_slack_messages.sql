CREATE TABLE `slack_messages` (
	`packet_ref` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`ts` text NOT NULL,
	`posted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `slack_messages_channel_ts` ON `slack_messages` (`channel`,`ts`);--> statement-breakpoint
CREATE TABLE `triage_once` (
	`key` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`lease_until` integer NOT NULL,
	`at` integer NOT NULL
);
