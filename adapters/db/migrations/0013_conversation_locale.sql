-- The language the desk speaks in a conversation (en, fr, es, de, pt): asked for at its start,
-- switched by the user, or told once from the user's first words. Null until then.
ALTER TABLE `conversations` ADD `locale` text;
