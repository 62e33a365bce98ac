import { CONNECTION_PRAGMAS, startDatabaseThread } from './database-thread.ts';

/**
 * The SQL of a chat turn, as drizzle builds it (`toSQL()`), for the thread's own connection: the
 * conversation's row by id (one parameter), the conversation's versioned update, the last message
 * number, one message insert (whose parameter `seqIndex` is the number, filled in by the thread
 * inside its transaction).
 */
export interface TurnStatements {
  read: string;
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

export interface TurnThread {
  /** The conversation's row as its columns' raw values, in the order of the read statement's columns; null if there is none. */
  read(id: string): Promise<unknown[] | null>;
  /** 'conflict': the update or an insert broke a constraint (a stale version, a conversation gone); nothing of the turn was written. */
  write(turn: TurnWrite): Promise<'saved' | 'conflict'>;
  /** False once the thread has failed: the caller reads and writes on its own connection instead. */
  readonly alive: boolean;
  /** Lets the thread finish what it was given, then closes its connection. */
  close(): void;
}

/**
 * The turns' thread (CommonJS, evaluated, like the checkpointer's). Reads answer their rows in
 * order. A batch of writes runs in one transaction without savepoints; when a turn fails, the
 * transaction is rolled back and the batch runs again with each turn in its own savepoint, so the
 * failing turn changes nothing and fails alone (as group-commit.ts does on the main thread). It
 * answers one result per turn: 0 saved, 1 constraint (conflict), or the error's message; or
 * `failed` when BEGIN or COMMIT did. Reads are answered in the order they came, and writes in
 * theirs, but a read may be answered before a write that came first: while a write waits for
 * another connection's (the checkpointer restarting the WAL, a write on the main connection), the
 * reads that come meanwhile are answered.
 */
const THREAD = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
for (const pragma of workerData.pragmas) db.pragma(pragma);
// No sleeping in SQLite's busy handler (1 ms, then 2, 5, 10…): the main connection's writes are short,
// so BEGIN is retried every 50 µs until the busy timeout (beginWrite). Reads in WAL mode do not wait.
db.pragma('busy_timeout = 0');
// The main connection's fallback for checkpoints (background-checkpoint.ts), not SQLite's 1,000 pages.
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpointPages);
const pause = new Int32Array(new SharedArrayBuffer(4));
/** Messages that came while a write waited for the lock, other than reads: handled next, in order. */
const deferred = [];
function beginWrite() {
  const deadline = Date.now() + workerData.busyTimeoutMs;
  for (;;) {
    try {
      return begin.run();
    } catch (error) {
      if (!/^SQLITE_BUSY/.test(String(error && error.code)) || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 0.05);
      // Reads never wait for another connection's write (WAL): those that came meanwhile are answered now.
      for (let next = receiveMessageOnPort(parentPort); next; next = receiveMessageOnPort(parentPort)) {
        if (next.message && next.message.reads) answerReads(next.message.reads);
        else deferred.push(next.message);
      }
    }
  }
}
const s = workerData.statements;
const read = db.prepare(s.read).raw();
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
  beginWrite();
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
  beginWrite();
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

function answerReads(ids) {
  try {
    parentPort.postMessage({ rows: ids.map((id) => read.get(id) ?? null) });
  } catch (error) {
    parentPort.postMessage({ failed: String((error && error.message) || error), reads: true });
  }
}

function writeBatch(batch) {
  try {
    const failure = together(batch);
    if (failure === null) return parentPort.postMessage({ results: batch.map(() => 0) });
    if (batch.length === 1) return parentPort.postMessage({ results: [outcome(failure.error)] });
    parentPort.postMessage({ results: apart(batch) });
  } catch (error) {
    if (db.inTransaction) {
      try {
        rollback.run();
      } catch {}
    }
    parentPort.postMessage({ failed: String((error && error.message) || error), reads: false });
  }
}

function handle(message) {
  if (message === 'close') {
    db.close();
    parentPort.close();
  } else if (message.reads) answerReads(message.reads);
  else writeBatch(message.writes);
}

parentPort.on('message', (message) => {
  handle(message);
  while (deferred.length > 0) handle(deferred.shift());
});
`;

/**
 * A batch goes to the thread at the end of the event loop's round, or as soon as it has this many
 * turns: the thread then commits them while the loop serves the rest of the round, instead of the
 * loop waiting, idle, for one commit of the whole round (chat benchmark: 18 → 10 µs a turn idle).
 */
const EAGER_BATCH = 16;

/**
 * Reads go the same way, four at a time: a message that finds the thread asleep costs the event
 * loop the thread's wake-up (≈ 19 µs on this machine's virtual CPUs, 2.4 µs when it is awake), and
 * a read sent on its own nearly always found it asleep. Sending a whole round's reads at its end
 * instead left the loop waiting for them (p99 worse).
 */
const EAGER_READS = 4;

/** A message to the thread and the callers waiting on its answer (reads are answered in order, writes in theirs). */
type Posted =
  | { kind: 'reads'; items: { id: string; resolve(row: unknown[] | null): void; reject(error: unknown): void }[] }
  | { kind: 'writes'; items: { turn: TurnWrite; resolve(outcome: 'saved' | 'conflict'): void; reject(error: unknown): void }[] };

/** The thread's answer to a message: rows (reads), results (writes), or a failure of either. */
type Answer = { rows: (unknown[] | null)[] } | { results: (0 | 1 | string)[] } | { failed: string; reads: boolean };

/**
 * A chat turn's database work on a thread of its own, with its own connection to the file. The
 * event loop sends the conversation reads and the writes of one of its rounds in a few messages
 * (the loop serves other requests meanwhile), hearing back from writes after their COMMIT: nothing is
 * answered before it is durable. The statements, the commit's WAL writes and their garbage then cost
 * the thread that serves requests nothing, and the thread's page cache stays warm (a connection's
 * cache is dropped whenever another connection has committed). Everything else reads and writes on
 * the main connection, which sees every committed turn (WAL); SQLite lets one writer in at a time
 * and each waits for the other within the busy timeout.
 */
export function startTurnThread(
  path: string,
  statements: TurnStatements,
  options: { busyTimeoutMs?: number; autocheckpointPages?: number; onError?: (message: string) => void } = {},
): TurnThread {
  const worker = startDatabaseThread(THREAD, path, {
    // The same connection settings as the main connection's (open-sqlite.ts).
    pragmas: CONNECTION_PRAGMAS,
    statements,
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    autocheckpointPages: options.autocheckpointPages ?? 1000,
  });
  const report = options.onError ?? ((message: string) => console.error(`turn thread: ${message}`));
  let alive = true;
  /** Messages posted and not yet answered, in order, reads and writes apart. */
  const posted = { reads: [] as Posted[], writes: [] as Posted[] };
  const owed = () => posted.reads.length + posted.writes.length;

  function rejectAll(error: Error): void {
    for (const message of [...posted.reads.splice(0), ...posted.writes.splice(0)]) for (const item of message.items) item.reject(error);
    for (const item of [...reads.drain(), ...writes.drain()]) item.reject(error);
  }

  function fail(error: unknown): void {
    if (!alive) return;
    alive = false;
    const reason = error instanceof Error ? error.message : String(error);
    report(reason);
    rejectAll(new Error(`the turn thread stopped: ${reason}`));
  }

  worker.on('message', (answer: Answer) => {
    const message = ('failed' in answer ? answer.reads : 'rows' in answer) ? posted.reads.shift() : posted.writes.shift();
    if (owed() === 0) worker.unref();
    if (!message) return;
    if ('failed' in answer) {
      const error = new Error(answer.failed);
      for (const item of message.items) item.reject(error);
    } else if (message.kind === 'reads') {
      message.items.forEach((item, i) => item.resolve('rows' in answer ? (answer.rows[i] ?? null) : null));
    } else {
      message.items.forEach((item, i) => {
        const result = 'results' in answer ? answer.results[i] : undefined;
        if (result === 0) item.resolve('saved');
        else if (result === 1) item.resolve('conflict');
        else item.reject(new Error(String(result)));
      });
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`its thread exited (code ${code})`)));
  // The thread keeps the process alive only while it owes answers (after the listeners: a 'message' listener refs it).
  worker.unref();

  function post(message: Posted): void {
    if (message.items.length === 0 || !alive) return;
    if (owed() === 0) worker.ref();
    posted[message.kind].push(message);
    worker.postMessage(message.kind === 'reads' ? { reads: message.items.map((item) => item.id) } : { writes: message.items.map((item) => item.turn) });
  }

  /** The calls of one kind waiting to go: sent at the end of the event loop's round, or at once when `eager` wait. */
  function batch<K extends Posted['kind']>(kind: K, eager: number) {
    type Item = Extract<Posted, { kind: K }>['items'][number];
    let waiting: Item[] = [];
    const flush = () => {
      const items = waiting;
      waiting = [];
      post({ kind, items } as Posted);
    };
    return {
      add(item: Item): void {
        waiting.push(item);
        if (waiting.length === 1) setImmediate(flush);
        else if (waiting.length === eager) flush();
      },
      flush,
      /** Takes the waiting calls out without sending them. */
      drain: (): Item[] => waiting.splice(0),
    };
  }
  const reads = batch('reads', EAGER_READS);
  const writes = batch('writes', EAGER_BATCH);

  return {
    get alive() {
      return alive;
    },
    read(id) {
      if (!alive) return Promise.reject(new Error('the turn thread has stopped'));
      return new Promise((resolve, reject) => reads.add({ id, resolve, reject }));
    },
    write(turn) {
      if (!alive) return Promise.reject(new Error('the turn thread has stopped'));
      return new Promise((resolve, reject) => writes.add({ turn, resolve, reject }));
    },
    close() {
      if (!alive) return;
      reads.flush();
      writes.flush();
      alive = false;
      // Queued after everything posted: the thread answers it all, then closes its connection and exits.
      worker.removeAllListeners('exit');
      worker.on('exit', () => rejectAll(new Error('the turn thread was closed')));
      worker.postMessage('close');
    },
  };
}
