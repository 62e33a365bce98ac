import { Worker } from 'node:worker_threads';
import { EmailRejectedError } from '../../src/email/email-report.ts';
import type { ParseOptions, ParsedEmail } from '../../src/email/parse-email.ts';
import { type ParseAnswer, type ParseRequest, THREAD_READY } from './parse-messages.ts';

/** Set by the server's build (scripts/server-bundle.ts): the compiled parse thread, next to the server. */
declare const EMAIL_PARSE_THREAD_URL: string | undefined;

/** Under tsx and vitest the thread runs its TypeScript source, through tsx's loader. */
const TYPESCRIPT_THREAD = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ tsImport }) => tsImport(workerData.entry, workerData.entry));
`;

export interface ThreadParserOptions {
  /** The thread's old generation: a message whose parse needs more is refused (too_complex); the server runs on. */
  maxHeapMb?: number;
  /** A parse that takes longer is stopped, and the message refused (too_complex). */
  timeoutMs?: number;
}

export interface ThreadParser {
  /**
   * `parseEmail` on the thread: the same result, or the same rejections (and too_complex). The
   * bytes are handed over to the thread: a buffer of their own is detached from the caller.
   */
  parse(bytes: Uint8Array, options: ParseOptions): Promise<ParsedEmail>;
  /** Resolves once the thread started with the parser has loaded (or failed to): the server listens after it. */
  loaded: Promise<void>;
  close(): void;
}

function startThread(maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (typeof EMAIL_PARSE_THREAD_URL === 'string') return new Worker(new URL(EMAIL_PARSE_THREAD_URL), { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./parse-thread.ts', import.meta.url).href;
  return new Worker(TYPESCRIPT_THREAD, { eval: true, workerData: { tsx, entry }, resourceLimits });
}

/**
 * Email parsing on a worker thread (started at once), one message at a time: a message however
 * built costs the event loop nothing, a parse that runs out of the thread's heap or time ends the
 * thread alone (the message is refused as too_complex, and the next one starts a new thread), and
 * messages arriving together wait their turn rather than each taking the memory of a parse. A
 * thread that fails for any other reason (it cannot start) is an error, not a rejection: the
 * message is not refused for it.
 */
export function createThreadParser(options: ThreadParserOptions = {}): ThreadParser {
  const maxHeapMb = options.maxHeapMb ?? 64;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let thread: Worker | null = null;
  /** Resolves once the current thread has loaded: its start is not counted against a parse's time. */
  let ready: Promise<void> = Promise.resolve();
  let failed: Promise<void> = Promise.resolve();
  /** A parse is under way (the thread keeps the process alive meanwhile). */
  let busy = false;
  let queue: Promise<unknown> = Promise.resolve();

  const stop = () => {
    void thread?.terminate();
    thread = null;
  };

  function threadNow(): Worker {
    if (thread) return thread;
    const started = startThread(maxHeapMb);
    // A thread that fails between two parses is simply replaced at the next one (and its error
    // must have a listener, or it would end the process).
    started.on('error', () => undefined).on('exit', () => {
      if (thread === started) thread = null;
    });
    ready = new Promise((resolve) => started.on('message', (message) => message === THREAD_READY && resolve()));
    failed = new Promise((resolve) => started.once('exit', () => resolve()));
    thread = started;
    return started;
  }

  function run(bytes: Uint8Array, parseOptions: ParseOptions): Promise<ParsedEmail> {
    return new Promise((resolve, reject) => {
      const current = threadNow();
      let settled = false;
      const settle = () => {
        settled = true;
        busy = false;
        clearTimeout(timer);
        current.off('message', onMessage).off('error', onError).off('exit', onExit);
        // An idle thread does not keep the process alive.
        current.unref();
      };
      const onMessage = (answer: ParseAnswer | typeof THREAD_READY) => {
        if (answer === THREAD_READY) return;
        settle();
        if ('parsed' in answer) resolve(answer.parsed);
        else reject(new EmailRejectedError(answer.rejected.reason, answer.rejected.message));
      };
      const onError = (error: Error & { code?: string }) => {
        settle();
        stop();
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          reject(new EmailRejectedError('too_complex', `parsing the message needed more than the parser's ${maxHeapMb} MB of memory`));
        } else reject(new Error(`the email parse thread failed: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number) => {
        settle();
        reject(new Error(`the email parse thread stopped (exit code ${code})`));
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      void ready.then(() => {
        if (settled) return;
        timer = setTimeout(() => {
          settle();
          stop();
          reject(new EmailRejectedError('too_complex', `parsing the message took longer than ${timeoutMs / 1000} s`));
        }, timeoutMs);
      });
      current.on('message', onMessage).on('error', onError).on('exit', onExit);
      busy = true;
      current.ref();
      // Handed over rather than copied (the caller reads them no more), unless they share their buffer.
      const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const own = whole ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
      const request: ParseRequest = { bytes: own, options: parseOptions };
      current.postMessage(request, [own.buffer]);
    });
  }

  // Started now, so that the first message does not wait for the thread to load (which keeps the
  // process alive meanwhile; an idle thread does not).
  const first = threadNow();
  const loaded = Promise.race([ready, failed]);
  void loaded.then(() => {
    if (!busy) first.unref();
  });

  return {
    loaded,
    parse(bytes, parseOptions) {
      const result = queue.then(() => run(bytes, parseOptions));
      queue = result.catch(() => undefined);
      return result;
    },
    close: stop,
  };
}
