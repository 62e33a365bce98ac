import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { isSQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { DeskDb } from './desk-db.ts';
import * as schema from './schema.ts';

/** How often the WAL is copied into the database file: each copy costs two fsyncs, whatever it holds. */
export const CHECKPOINT_EVERY_MS = 1000;

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteHandle extends DeskDb {
  sqlite: Database.Database;
  close(): void;
}

/**
 * Opens (creating if needed) the desk's SQLite file and applies drizzle-kit's migrations.
 * `:memory:` gives a private in-memory database.
 */
export function openSqlite(path: string, options: { busyTimeoutMs?: number } = {}): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL: readers (the CLI, a backup) never wait for the server's writes, nor it for them.
  sqlite.pragma('journal_mode = WAL');
  // Another connection's write (the CLI, a second process) is waited for, not answered with SQLITE_BUSY.
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  // A commit survives a crash of the process; a power loss may lose the last ones, never the file (README).
  sqlite.pragma('synchronous = NORMAL');
  // The schema's references hold, and a conversation's messages go with it (ON DELETE CASCADE).
  sqlite.pragma('foreign_keys = ON');
  // The WAL is copied into the file once a second, between turns, not inside the commit that reaches
  // 1,000 pages (SQLite's default). A copy still holds this thread for its two fsyncs, so it runs
  // rarely, not often and small (docs/speed.md). A checkpoint that fails (the disk) is tried again by
  // the next; the commits themselves are safe in the WAL.
  const checkpoint = () => {
    try {
      if (sqlite.open) sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {}
  };
  const checkpoints = path === ':memory:' ? null : setInterval(checkpoint, CHECKPOINT_EVERY_MS);
  checkpoints?.unref();
  if (checkpoints) sqlite.pragma('wal_autocheckpoint = 0');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    sqlite,
    db,
    sync: db,
    atomic: async (statements) => {
      // One immediate transaction: the write lock is taken at BEGIN, so no other writer gets in between.
      db.transaction(
        (tx) => {
          for (const statement of statements) {
            if (!isSQLWrapper(statement)) throw new TypeError('atomic takes drizzle queries');
            tx.run(statement);
          }
        },
        { behavior: 'immediate' },
      );
    },
    // SQLite copies what the WAL still holds into the file as its last connection closes.
    close: () => {
      if (checkpoints) clearInterval(checkpoints);
      sqlite.close();
    },
  };
}
