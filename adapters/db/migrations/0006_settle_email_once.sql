-- A message is now settled with one write (its record with its packet): claims held while it was
-- being filed are gone. A claim left by a process that died is dropped, so a redelivery is filed.
DELETE FROM `email_messages` WHERE `status` = 'processing';--> statement-breakpoint
DROP INDEX `email_messages_sender`;--> statement-breakpoint
CREATE INDEX `email_messages_sender_replies` ON `email_messages` (`sender`,`auto_replied`,`received_at`);--> statement-breakpoint
ALTER TABLE `email_messages` DROP COLUMN `lease_until`;
