CREATE TABLE `email_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text,
	`sender` text,
	`reason` text NOT NULL,
	`detail` text NOT NULL,
	`size` integer NOT NULL,
	`raw_base64` text,
	`raw_truncated` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_dead_letters_received` ON `email_dead_letters` (`received_at`);--> statement-breakpoint
CREATE TABLE `email_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`sender` text,
	`status` text NOT NULL,
	`reason` text,
	`packet_ref` text,
	`auto_replied` integer DEFAULT false NOT NULL,
	`received_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `email_messages_packet` ON `email_messages` (`packet_ref`);--> statement-breakpoint
CREATE INDEX `email_messages_sender` ON `email_messages` (`sender`,`received_at`);