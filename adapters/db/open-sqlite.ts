import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { checkpointInBackground } from './background-checkpoint.ts';
import { CONNECTION_PRAGMAS } from './database-thread.ts';
import type { DeskDb, DeskDatabase } from './desk-db.ts';
import { type TurnStatements, type TurnThread, startTurnThread } from './turn-thread.ts';
import * as schema from './schema.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export interface SqliteHandle extends DeskDb {
  sqlite: Database.Database;
  close(): void;
}

/**
 * Opens (creating if needed) the desk's SQLite file with WAL, a busy timeout and foreign keys,
 * and applies drizzle-kit's migrations. `:memory:` gives a private in-memory database.
 * `backgroundCheckpoint`: WAL checkpoints run on a worker thread, not inside a commit (servers).
 * `turnThread`: chat turns are read and written by a thread with its own connection (servers; turn-thread.ts).
 */
export function openSqlite(
  path: string,
  options: { busyTimeoutMs?: number; backgroundCheckpoint?: boolean; turnThread?: boolean } = {},
): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  for (const pragma of CONNECTION_PRAGMAS) sqlite.pragma(pragma);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  // A long-running server copies its WAL into the database from another thread (background-checkpoint.ts).
  const checkpointer = options.backgroundCheckpoint && path !== ':memory:' ? checkpointInBackground(sqlite, path) : null;
  const threads: TurnThread[] = [];
  return {
    sqlite,
    db: db as unknown as DeskDatabase,
    ...(options.turnThread &&
      path !== ':memory:' && {
        turnThread: (statements: TurnStatements) => {
          // The thread checkpoints on its own at the same point as this connection (the fallback when the checkpointer runs).
          const autocheckpointPages = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
          const thread = startTurnThread(path, statements, { busyTimeoutMs, autocheckpointPages });
          threads.push(thread);
          return thread;
        },
      }),
    atomic: async (statements) => {
      // better-sqlite3 transactions are synchronous: every statement runs inside one BEGIN…COMMIT.
      sqlite.transaction(() => {
        for (const statement of statements) (statement as unknown as { run(): unknown }).run();
      }).immediate();
    },
    close: () => {
      // Each turn thread finishes what it was given before its connection closes.
      for (const thread of threads.splice(0)) thread.close();
      checkpointer?.stop();
      sqlite.close();
    },
  };
}
