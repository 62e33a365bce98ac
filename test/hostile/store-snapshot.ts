import Database from 'better-sqlite3';

/**
 * "The store unchanged", checked from outside the desk: every row of every table of the SQLite
 * file, read through a connection of its own (read-only; WAL lets it read while the desk writes).
 * Rows are kept as JSON, sorted, so two snapshots compare as multisets whatever the scan order.
 */
export type StoreSnapshot = Record<string, string[]>;

export function snapshotStore(dbPath: string): StoreSnapshot {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    const snapshot: StoreSnapshot = {};
    for (const table of tables) {
      snapshot[table] = (db.prepare(`SELECT * FROM "${table}"`).all() as unknown[]).map((row) => JSON.stringify(row)).sort();
    }
    return snapshot;
  } finally {
    db.close();
  }
}

/** What changed in one table between two snapshots: rows that appeared and rows that went (an update is both). */
export interface TableChange {
  table: string;
  added: Record<string, unknown>[];
  removed: Record<string, unknown>[];
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const row of b) left.set(row, (left.get(row) ?? 0) + 1);
  const out: string[] = [];
  for (const row of a) {
    const n = left.get(row) ?? 0;
    if (n > 0) left.set(row, n - 1);
    else out.push(row);
  }
  return out;
}

/** Every table whose rows differ, with the difference; `[]` when the store is unchanged. */
export function storeChanges(before: StoreSnapshot, after: StoreSnapshot): TableChange[] {
  const tables = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: TableChange[] = [];
  for (const table of tables) {
    const was = before[table] ?? [];
    const is = after[table] ?? [];
    const added = minus(is, was);
    const removed = minus(was, is);
    if (added.length > 0 || removed.length > 0) {
      changes.push({
        table,
        added: added.map((r) => JSON.parse(r) as Record<string, unknown>),
        removed: removed.map((r) => JSON.parse(r) as Record<string, unknown>),
      });
    }
  }
  return changes;
}

/** The number of rows of each table: a cheap sanity check that a snapshot saw the seeded data. */
export function rowCounts(snapshot: StoreSnapshot): Record<string, number> {
  return Object.fromEntries(Object.entries(snapshot).map(([table, rows]) => [table, rows.length]));
}
