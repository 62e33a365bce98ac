import { connect, type Socket } from 'node:net';

/**
 * A closed-loop HTTP/1.1 load generator for the benchmarks: each connection keeps one request in
 * flight, sending the next as soon as the last answer is complete (keep-alive, no pipelining), and
 * every latency is kept (write of the request to the last byte of its answer). Each connection's
 * request is built once (autocannon rebuilds a request for every send when each connection has a
 * path of its own, and this machine's load generator shares the server's two cores).
 */
export interface LoadOptions {
  url: string;
  connections: number;
  durationMs: number;
  /** The request of connection `i`, sent again and again. */
  request(i: number): { method: string; path: string; headers?: Record<string, string>; body?: string };
}

export interface LoadResult {
  /** Completed requests (2xx or not). */
  requests: number;
  /** Milliseconds from the first send to the last answer. */
  elapsedMs: number;
  /** Every completed request's latency in ms, in completion order. */
  latencies: number[];
  non2xx: number;
  /** Connections that broke (reset, closed by the server, an unreadable answer). */
  errors: number;
}

function encode(host: string, spec: ReturnType<LoadOptions['request']>): Buffer {
  const body = spec.body === undefined ? null : Buffer.from(spec.body);
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(spec.headers ?? {})) lines.push(`${name}: ${value}`);
  if (body) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/**
 * How many bytes the answer at the start of `data` takes, and its status; null while incomplete.
 * Answers carry Content-Length or are chunked; anything else is an error.
 */
export function parseAnswer(data: Buffer): { length: number; status: number } | null {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = data.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  if (!/^HTTP\/1\.1 \d{3}/.test(head)) throw new Error(`not an HTTP/1.1 answer: ${JSON.stringify(head.slice(0, 40))}`);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = headEnd + 4 + Number(length[1]);
    return data.length >= total ? { length: total, status } : null;
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error('an answer with neither Content-Length nor chunked encoding');
  let at = headEnd + 4;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('an unreadable chunk size');
    // A chunk, then its CRLF; the last (empty) chunk ends with an empty trailer line.
    at = lineEnd + 2 + size + 2;
    if (data.length < at) return null;
    if (size === 0) return { length: at, status };
  }
}

/** Runs the load for `durationMs` and resolves when every connection's last answer is in. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const port = Number(target.port || 80);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  let lastAnswer = started;

  const connection = (i: number) =>
    new Promise<void>((resolve) => {
      const request = encode(target.host, options.request(i));
      const socket: Socket = connect({ host: target.hostname, port, noDelay: true });
      let pending: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let done = false;
      const finish = (broken: boolean) => {
        if (done) return;
        done = true;
        if (broken) errors++;
        socket.destroy();
        resolve();
      };
      const send = () => {
        sentAt = performance.now();
        socket.write(request);
      };
      socket.once('connect', send);
      socket.on('data', (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let answer: ReturnType<typeof parseAnswer>;
        try {
          answer = parseAnswer(pending);
        } catch {
          return finish(true);
        }
        if (!answer) return;
        const now = performance.now();
        latencies.push(now - sentAt);
        lastAnswer = now;
        if (answer.status < 200 || answer.status > 299) non2xx++;
        pending = pending.subarray(answer.length);
        if (pending.length > 0) return finish(true); // one request in flight: nothing else may come
        if (now >= deadline) return finish(false);
        send();
      });
      socket.on('error', () => finish(true));
      socket.on('close', () => finish(!done && performance.now() < deadline));
    });

  return Promise.all(Array.from({ length: options.connections }, (_, i) => connection(i))).then(() => ({
    requests: latencies.length,
    elapsedMs: lastAnswer - started,
    latencies,
    non2xx,
    errors,
  }));
}
