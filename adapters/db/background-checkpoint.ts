import { startDatabaseThread } from './database-thread.ts';

/**
 * The checkpointer's own thread (CommonJS, evaluated): its own connection to the file copies the
 * WAL into the database every `intervalMs` (PASSIVE: it never waits for, nor blocks, the writer).
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let failures = 0;
function checkpoint() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (error) {
    // SQLITE_BUSY (another checkpoint running) is simply tried again next time.
    if (++failures === 20) parentPort.postMessage({ error: String(error && error.message || error) });
  }
}
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Past this many WAL pages (16 MiB) the writing connection checkpoints itself: the checkpointer is late or gone. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 4000;

export interface BackgroundCheckpoint {
  /** Stops the thread (its connection closes; whichever connection closes last checkpoints the rest). */
  stop(): void;
}

/**
 * Moves WAL checkpoints off the thread that writes. In WAL mode every commit appends pages to the
 * WAL; SQLite's automatic checkpoint then copies them into the database, with an fsync, inside
 * whichever commit crosses 1,000 pages: that commit (and the event loop with it) stalls for
 * milliseconds. Here a worker thread checkpoints on a timer with its own connection, and the
 * writing connection keeps an automatic checkpoint only as a fallback at 4,000 pages.
 */
export function checkpointInBackground(
  sqlite: { pragma(source: string): unknown },
  path: string,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): BackgroundCheckpoint {
  const worker = startDatabaseThread(CHECKPOINTER, path, { intervalMs: options.intervalMs ?? 200 });
  const report = options.onError ?? ((message: string) => console.error(`background checkpoint: ${message}`));
  worker.on('message', (message: { error?: string }) => message.error && report(message.error));
  // A thread that cannot run (or dies) leaves the fallback: the writer checkpoints at 4,000 pages.
  worker.on('error', (error) => report(error.message));
  // The thread never keeps the process alive (after the listeners: a 'message' listener refs it).
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  return { stop: () => worker.postMessage('close') };
}
