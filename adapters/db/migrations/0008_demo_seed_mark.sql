CREATE TABLE `demo_seed` (
	`id` integer PRIMARY KEY NOT NULL,
	`seeded_at` integer NOT NULL
);
