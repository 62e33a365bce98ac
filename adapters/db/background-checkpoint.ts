import { startDatabaseThread } from './database-thread.ts';

/**
 * The checkpointer's own thread (CommonJS, evaluated): its own connection copies the WAL into the
 * database every `intervalMs` (PASSIVE: it never waits for, nor blocks, the writer). Under steady
 * writes a PASSIVE checkpoint always finds frames written while it copied, so the WAL would never
 * start over from its beginning; past `restartPages` it takes the write lock (RESTART) for the few
 * frames left, and the next commit writes from the start of the file again.
 */
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let failures = 0;
function restart() {
  // Waits for the writer's commit under way, then holds writers off while it copies what is left.
  db.pragma('busy_timeout = ' + workerData.restartWaitMs);
  try {
    db.pragma('wal_checkpoint(RESTART)');
  } finally {
    db.pragma('busy_timeout = 0');
  }
}
function checkpoint() {
  try {
    const [copied] = db.pragma('wal_checkpoint(PASSIVE)');
    if (copied.log >= workerData.restartPages) restart();
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

/**
 * The WAL starts over once it holds this many pages (16 MiB): a writer then waits for one short
 * checkpoint (the pages since the last PASSIVE one and two fsyncs, ≈ 5–10 ms here) instead of
 * checkpointing thousands of pages inside its own commit at the fallback.
 */
export const RESTART_PAGES = 4000;

/** Past this many WAL pages (64 MiB) a writing connection checkpoints itself: the checkpointer is gone or stuck. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 4 * RESTART_PAGES;

export interface BackgroundCheckpoint {
  /** Stops the thread (its connection closes; whichever connection closes last checkpoints the rest). */
  stop(): void;
}

/**
 * Moves WAL checkpoints off the thread that writes. In WAL mode every commit appends pages to the
 * WAL; SQLite's automatic checkpoint then copies them into the database, with an fsync, inside
 * whichever commit crosses 1,000 pages: that commit (and the event loop with it) stalls for
 * milliseconds. Here a worker thread checkpoints on a timer with its own connection, and the
 * writing connections keep an automatic checkpoint only as a fallback (FALLBACK_AUTOCHECKPOINT_PAGES).
 */
export function checkpointInBackground(
  sqlite: { pragma(source: string): unknown },
  path: string,
  options: { intervalMs?: number; restartPages?: number; onError?: (message: string) => void } = {},
): BackgroundCheckpoint {
  const worker = startDatabaseThread(CHECKPOINTER, path, {
    intervalMs: options.intervalMs ?? 200,
    restartPages: options.restartPages ?? RESTART_PAGES,
    // A reader still on the old WAL (or a long write) makes it give up and try again at the next interval.
    restartWaitMs: 100,
  });
  const report = options.onError ?? ((message: string) => console.error(`background checkpoint: ${message}`));
  worker.on('message', (message: { error?: string }) => message.error && report(message.error));
  // A thread that cannot run (or dies) leaves the fallback: the writers checkpoint at FALLBACK_AUTOCHECKPOINT_PAGES.
  worker.on('error', (error) => report(error.message));
  // The thread never keeps the process alive (after the listeners: a 'message' listener refs it).
  worker.unref();
  sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  return { stop: () => worker.postMessage('close') };
}
