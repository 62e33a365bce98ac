import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What every connection of the desk that writes sets, besides its busy timeout (WAL is the file's). */
export const CONNECTION_PRAGMAS = [
  // NORMAL in WAL mode: a commit survives a process crash; a power loss may lose the last commits.
  'synchronous = NORMAL',
  'foreign_keys = ON',
  // Statement and savepoint journals in memory, not spilled to temporary files past 64 KiB.
  'temp_store = MEMORY',
] as const;

/**
 * A worker thread with a connection of its own to the desk's SQLite file. `source` is CommonJS,
 * evaluated (so it runs the same from the bundle, under tsx and under vitest); it finds
 * better-sqlite3 at `workerData.driver` and the file at `workerData.path`.
 */
export function startDatabaseThread(source: string, path: string, workerData: Record<string, unknown>): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Worker(source, { eval: true, workerData: { ...workerData, driver, path } });
}
