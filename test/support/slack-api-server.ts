import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type HeldMessage, type SlackAnswerOptions, createSlackAnswers } from './slack-answers.ts';

/** A way for the stand-in to fail a method: an HTTP 500, Slack's `ok: false`, rate limiting, or no answer. */
export type SlackFailure = { kind: 'http500' } | { kind: 'error'; error: string } | { kind: 'ratelimited'; retryAfter: number } | { kind: 'hang' };

/** One Web API call as the stand-in received it, with its arguments parsed. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** What the stand-in answered: 'ok', or the failure it was told to give. */
  outcome: 'ok' | SlackFailure['kind'];
}

export type { HeldMessage };

export interface SlackApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What WebClient takes as `slackApiUrl`: `http://127.0.0.1:<port>/api/`. */
  apiUrl: string;
  calls: SlackCall[];
  callsOf(method: string): SlackCall[];
  messages: Map<string, HeldMessage>;
  /** What was posted to response URLs (`respond()` of slash commands). */
  responses: { path: string; body: Record<string, unknown> }[];
  /** A response_url on the stand-in, as Slack puts one in a slash command. */
  responseUrl(id: string): string;
  /** Fails `method` the next `times` calls (default: until healed). */
  fail(method: string, failure: SlackFailure, times?: number): void;
  heal(method?: string): void;
  close(): Promise<void>;
}

export interface SlackApiServerOptions extends SlackAnswerOptions {
  token: string;
}

/**
 * A local stand-in of Slack's Web API on 127.0.0.1 speaking what the real `@slack/web-api` client
 * sends (form-encoded arguments, JSON-encoded blocks and views, a bearer token) and answers:
 * the answers of slack-answers.ts (posts, updates, history with metadata, users…). It records
 * every call and fails on demand. Slash commands' response URLs point at it too.
 */
export async function startSlackApiServer(options: SlackApiServerOptions): Promise<SlackApiServer> {
  const calls: SlackCall[] = [];
  const responses: SlackApiServer['responses'] = [];
  const failures = new Map<string, { failure: SlackFailure; left: number }>();
  const { messages, answer } = createSlackAnswers(options);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) {
      responses.push({ path: url.pathname, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      return send(res, 200, 'ok', 'text/plain');
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    const failing = failures.get(method);
    if (failing && failing.left > 0) {
      failing.left--;
      calls.push({ method, args, outcome: failing.failure.kind });
      const f = failing.failure;
      if (f.kind === 'hang') return; // never answered: the client's timeout must end it
      if (f.kind === 'http500') return send(res, 500, 'upstream exploded', 'text/plain');
      if (f.kind === 'ratelimited') {
        res.writeHead(429, { 'retry-after': String(f.retryAfter), 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      return send(res, 200, JSON.stringify({ ok: false, error: f.error }), 'application/json');
    }
    calls.push({ method, args, outcome: 'ok' });
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 200, JSON.stringify({ ok: false, error: 'invalid_auth' }), 'application/json');
    return send(res, 200, JSON.stringify(answer(method, args)), 'application/json');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, String(error), 'text/plain'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the Slack stand-in did not get a port');
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    messages,
    responses,
    responseUrl: (id) => `${url}/response/${id}`,
    fail: (method, failure, times = Number.POSITIVE_INFINITY) => failures.set(method, { failure, left: times }),
    heal: (method) => (method ? failures.delete(method) : failures.clear()),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** WebClient's form: every value a string, objects and arrays JSON-encoded. */
function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

function send(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
