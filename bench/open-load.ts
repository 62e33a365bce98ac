import { Agent, request as httpRequest } from 'node:http';

/**
 * An open-loop HTTP load generator: every request is sent at its scheduled time whether or not
 * earlier ones were answered (a free keep-alive connection, or a new one), and its latency runs
 * from that scheduled time to the last byte of its answer. A server that falls behind therefore
 * shows it in the latencies (no coordinated omission), including any lateness of this process's
 * own timers, which can only make the figures worse.
 */
export interface Arrival {
  /** Milliseconds after the start. */
  at: number;
  kind: string;
  /** Built when sent (a signature must be fresh). */
  request(): { method: string; path: string; headers?: Record<string, string>; body?: string };
}

export interface Completed {
  kind: string;
  at: number;
  latencyMs: number;
  /** The answer's status; 0 when the connection broke. */
  status: number;
  body: string;
}

/** Sends `arrivals` (sorted by `at`) to `url` on schedule; resolves with every answer once all are in. */
export function runOpenLoad(url: string, arrivals: readonly Arrival[]): Promise<Completed[]> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const completed: Completed[] = [];
  const start = performance.now() + 20;
  let next = 0;
  let outstanding = arrivals.length;

  return new Promise((resolve) => {
    const done = (arrival: Arrival, status: number, body: string) => {
      completed.push({ kind: arrival.kind, at: arrival.at, latencyMs: performance.now() - (start + arrival.at), status, body });
      if (--outstanding === 0) {
        agent.destroy();
        resolve(completed);
      }
    };
    const send = (arrival: Arrival) => {
      const spec = arrival.request();
      const req = httpRequest(
        { agent, host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers: spec.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(arrival, res.statusCode ?? 0, Buffer.concat(chunks).toString()));
          res.on('error', () => done(arrival, 0, ''));
        },
      );
      req.on('error', () => done(arrival, 0, ''));
      req.end(spec.body);
    };
    const tick = () => {
      const now = performance.now() - start;
      while (next < arrivals.length && (arrivals[next] as Arrival).at <= now) send(arrivals[next++] as Arrival);
      if (next < arrivals.length) setTimeout(tick, Math.max(0, (arrivals[next] as Arrival).at - (performance.now() - start)));
    };
    if (arrivals.length === 0) resolve(completed);
    else setTimeout(tick, 20);
  });
}

/** A small seeded generator (mulberry32): both servers of a before/after get the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
