CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`name` text,
	`timezone` text,
	`balance` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_email_key` ON `accounts` (`email_key`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`packet_ref` text,
	`evidence` text
);
--> statement-breakpoint
CREATE INDEX `audit_packet` ON `audit_log` (`packet_ref`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`owner_email` text,
	`owner_token` text,
	`state` text NOT NULL,
	`snapshot` text NOT NULL,
	`packet_ref` text,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_expires` ON `conversations` (`expires_at`);--> statement-breakpoint
CREATE INDEX `conversations_owner` ON `conversations` (`owner_email`);--> statement-breakpoint
CREATE TABLE `generations` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`studio` text NOT NULL,
	`prompt` text NOT NULL,
	`settings` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`error_message` text,
	`created_at` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`finished_at` text,
	`library_item_id` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `generations_account_created` ON `generations` (`account_id`,`created_at_ms`);--> statement-breakpoint
CREATE TABLE `ledger` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`type` text NOT NULL,
	`amount` integer NOT NULL,
	`generation_id` text,
	`refund_of` text,
	`created_at` text NOT NULL,
	`created_at_ms` integer NOT NULL,
	`description` text,
	`idempotency_key` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_account_created` ON `ledger` (`account_id`,`created_at_ms`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_idempotency_key` ON `ledger` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`from` text NOT NULL,
	`text` text NOT NULL,
	`options` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_conversation_seq` ON `messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`destination` text NOT NULL,
	`payload` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`packet_ref` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`external_id` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_dedupe` ON `outbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `packets` (
	`ref` text PRIMARY KEY NOT NULL,
	`account_key` text NOT NULL,
	`runs_key` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `packets_account_runs` ON `packets` (`account_key`,`runs_key`) WHERE "packets"."runs_key" <> '' AND "packets"."account_key" <> '';