import type { BatchItem } from 'drizzle-orm/batch';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.ts';

/** Drizzle over any SQLite the desk runs on: better-sqlite3 (sync) or D1 (async). Always awaited. */
export type DeskDatabase = BaseSQLiteDatabase<'sync' | 'async', unknown, typeof schema>;

/**
 * Runs writes all or nothing: a transaction on better-sqlite3, `db.batch()` on D1 (which has no
 * interactive transactions). A statement that fails (a unique key, a check) rolls back the rest.
 */
export type Atomic = (statements: readonly BatchItem<'sqlite'>[]) => Promise<void>;

/** What the drizzle-based adapters need: the database and its way of writing atomically. */
export interface DeskDb {
  db: DeskDatabase;
  atomic: Atomic;
  /** On better-sqlite3: the same database, typed as the synchronous driver it is (the chat turn's write, sqlite-turns.ts). */
  sync?: BetterSQLite3Database<typeof schema>;
}
