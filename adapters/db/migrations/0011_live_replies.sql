-- Live replies: what the user's widget has been given (staff messages still unread after a while
-- are mailed), and the staff member who wrote a message, shown with it.
ALTER TABLE `conversations` ADD `read_seq` integer DEFAULT -1 NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `author` text;
