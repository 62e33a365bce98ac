import type Database from 'better-sqlite3';

/** The settings of every connection the desk opens on its file to write (open-sqlite.ts, turn-thread.ts). */
export function configureConnection(sqlite: Database.Database, busyTimeoutMs: number): void {
  // WAL: readers (the CLI, a backup, the other connection) never wait for a write, nor it for them.
  sqlite.pragma('journal_mode = WAL');
  // Another connection's write is waited for, not answered with SQLITE_BUSY.
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // A commit survives a crash of the process; a power loss may lose the last ones, never the file (README).
  sqlite.pragma('synchronous = NORMAL');
  // The schema's references hold, and a conversation's messages go with it (ON DELETE CASCADE).
  sqlite.pragma('foreign_keys = ON');
}

/** A unique key, NOT NULL or foreign key refused the write (better-sqlite3 and D1 both say "constraint"). */
export function isConstraintError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (/constraint/i.test(current.message) || /CONSTRAINT/.test(String((current as { code?: unknown }).code))) return true;
    current = current.cause;
  }
  return false;
}
