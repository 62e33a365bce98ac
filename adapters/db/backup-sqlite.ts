import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DeskError } from '../../src/core/errors.ts';

export interface BackupResult {
  path: string;
  bytes: number;
  pages: number;
}

/**
 * Copies the live database to `target` with `VACUUM INTO`: one read transaction, so the copy is the
 * database as of one moment, while the server goes on writing (WAL lets readers and the writer pass).
 * SQLite's page-by-page backup API would start over after every write of a busy server. The copy is
 * then opened and checked (`PRAGMA integrity_check`) before it is called a backup.
 */
export async function backupSqlite(source: Database.Database, target: string): Promise<BackupResult> {
  if (existsSync(target)) throw new DeskError('conflict', `${target} exists already; choose a new file for the backup`);
  source.prepare('VACUUM INTO ?').run(target);
  const copy = new Database(target, { readonly: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new DeskError('internal', `the backup at ${target} failed its integrity check: ${String(check)}`);
    const pages = copy.pragma('page_count', { simple: true }) as number;
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    return { path: target, bytes: pages * pageSize, pages };
  } finally {
    copy.close();
  }
}
