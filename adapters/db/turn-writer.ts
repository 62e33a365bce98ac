import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The SQL of a chat turn's write, as drizzle builds it (`toSQL()`), for the writer's own connection:
 * the conversation's versioned update, the last message number, one message insert (whose
 * parameter `seqIndex` is the number, filled in by the writer inside its transaction).
 */
export interface TurnStatements {
  update: string;
  lastSeq: string;
  insertMessage: string;
  seqIndex: number;
}

/** One turn's write with its parameters bound (drizzle's encoders applied): see `TurnStatements`. */
export interface TurnWrite {
  update: unknown[];
  conversationId: string;
  messages: unknown[][];
}

export interface TurnWriter {
  /** 'conflict': the update or an insert broke a constraint (a stale version, a conversation gone); nothing of the turn was written. */
  write(turn: TurnWrite): Promise<'saved' | 'conflict'>;
  /** False once the thread has failed: the caller writes on its own connection instead. */
  readonly alive: boolean;
  /** Lets the thread finish the writes it was given, then closes its connection. */
  close(): void;
}

/**
 * The writer's thread (CommonJS, evaluated, like the checkpointer's). A batch runs in one
 * transaction without savepoints; when a turn fails, the transaction is rolled back and the batch
 * runs again with each turn in its own savepoint, so the failing turn changes nothing and fails
 * alone (as group-commit.ts does on the main thread). Answers one result per turn: 0 saved,
 * 1 constraint (conflict), or the error's message; or `failed` when BEGIN or COMMIT did.
 */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('foreign_keys = ON');
const s = workerData.statements;
const update = db.prepare(s.update);
const lastSeq = db.prepare(s.lastSeq).raw();
const insert = db.prepare(s.insertMessage);
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');
const savepoint = db.prepare('SAVEPOINT turn');
const release = db.prepare('RELEASE turn');
const rollbackTo = db.prepare('ROLLBACK TO turn');

function writeTurn(turn) {
  update.run(turn.update);
  if (turn.messages.length === 0) return;
  const last = lastSeq.get(turn.conversationId)[0];
  const first = (last === null ? -1 : last) + 1;
  turn.messages.forEach((row, i) => {
    row[s.seqIndex] = first + i;
    insert.run(row);
  });
}

const isConstraint = (error) => /^SQLITE_CONSTRAINT/.test(String(error && error.code)) || /constraint/i.test(String(error && error.message));
const outcome = (error) => (isConstraint(error) ? 1 : String((error && error.message) || error));

function together(batch) {
  begin.run();
  let failed = -1;
  try {
    for (let i = 0; i < batch.length; i++) {
      failed = i;
      writeTurn(batch[i]);
    }
    failed = -1;
  } catch (error) {
    if (db.inTransaction) rollback.run();
    return { failed, error };
  }
  commit.run();
  return null;
}

function apart(batch) {
  const results = [];
  begin.run();
  try {
    for (const turn of batch) {
      savepoint.run();
      try {
        writeTurn(turn);
        release.run();
        results.push(0);
      } catch (error) {
        rollbackTo.run();
        release.run();
        results.push(outcome(error));
      }
    }
    commit.run();
  } catch (error) {
    if (db.inTransaction) rollback.run();
    throw error;
  }
  return results;
}

parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const failure = together(message);
    if (failure === null) return parentPort.postMessage({ results: message.map(() => 0) });
    if (message.length === 1) return parentPort.postMessage({ results: [outcome(failure.error)] });
    parentPort.postMessage({ results: apart(message) });
  } catch (error) {
    if (db.inTransaction) {
      try {
        rollback.run();
      } catch {}
    }
    parentPort.postMessage({ failed: String((error && error.message) || error) });
  }
});
`;

/**
 * A batch goes to the thread at the end of the event loop's round, or as soon as it has this many
 * turns: the thread then commits them while the loop serves the rest of the round, instead of the
 * loop waiting, idle, for one commit of the whole round (chat benchmark: 18 → 10 µs a turn idle).
 */
const EAGER_BATCH = 16;

interface Pending {
  turn: TurnWrite;
  resolve(outcome: 'saved' | 'conflict'): void;
  reject(error: unknown): void;
}

/**
 * Writes chat turns on a thread of its own, with its own connection to the file: the event loop
 * hands over the turns of one of its rounds as one message and hears back after their COMMIT, so
 * nothing is answered before it is durable, while the statements, the commit's WAL writes and their
 * garbage cost the thread that serves requests nothing. Reads stay on the main connection and see
 * every committed turn (WAL). Other writes stay on the main connection too: SQLite lets one writer
 * at a time in, and each waits for the other within the busy timeout.
 */
export function startTurnWriter(
  path: string,
  statements: TurnStatements,
  options: { busyTimeoutMs?: number; onError?: (message: string) => void } = {},
): TurnWriter {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WRITER, {
    eval: true,
    workerData: { driver, path, statements, busyTimeoutMs: options.busyTimeoutMs ?? 5000 },
  });
  const report = options.onError ?? ((message: string) => console.error(`turn writer: ${message}`));
  let alive = true;
  let pending: Pending[] = [];
  /** Batches posted and not yet answered, in order (the thread answers them in order). */
  const posted: Pending[][] = [];

  function fail(error: unknown): void {
    if (!alive) return;
    alive = false;
    report(error instanceof Error ? error.message : String(error));
    const lost = new Error(`the turn writer stopped: ${error instanceof Error ? error.message : String(error)}`);
    for (const batch of posted.splice(0)) for (const item of batch) item.reject(lost);
    for (const item of pending.splice(0)) item.reject(lost);
  }

  worker.on('message', (answer: { results?: (0 | 1 | string)[]; failed?: string }) => {
    const batch = posted.shift();
    if (posted.length === 0) worker.unref();
    if (!batch) return;
    if (answer.failed !== undefined) {
      const error = new Error(answer.failed);
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const result = answer.results?.[i];
      if (result === 0) item.resolve('saved');
      else if (result === 1) item.resolve('conflict');
      else item.reject(new Error(String(result)));
    });
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`its thread exited (code ${code})`)));
  // The thread keeps the process alive only while it has turns to answer (after the listeners: a 'message' listener refs it).
  worker.unref();

  function flush(): void {
    const batch = pending;
    pending = [];
    if (batch.length === 0 || !alive) return;
    if (posted.length === 0) worker.ref();
    posted.push(batch);
    worker.postMessage(batch.map((item) => item.turn));
  }

  return {
    get alive() {
      return alive;
    },
    write(turn) {
      if (!alive) return Promise.reject(new Error('the turn writer has stopped'));
      return new Promise((resolve, reject) => {
        pending.push({ turn, resolve, reject });
        if (pending.length === 1) setImmediate(flush);
        else if (pending.length === EAGER_BATCH) flush();
      });
    },
    close() {
      if (!alive) return;
      flush();
      alive = false;
      // Queued after every batch: the thread finishes them, then closes its connection and exits.
      worker.removeAllListeners('exit');
      worker.on('exit', () => {
        const lost = new Error('the turn writer was closed');
        for (const batch of posted.splice(0)) for (const item of batch) item.reject(lost);
      });
      worker.postMessage('close');
    },
  };
}
