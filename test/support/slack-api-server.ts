import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';

/** A way for the stand-in to fail a method: an HTTP 500, Slack's `ok: false`, rate limiting, or no answer. */
export type SlackFailure = { kind: 'http500' } | { kind: 'error'; error: string } | { kind: 'ratelimited'; retryAfter: number } | { kind: 'hang' };

/** One Web API call as the stand-in received it, with its arguments parsed. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  /** What the stand-in answered: 'ok', or the failure it was told to give. */
  outcome: 'ok' | SlackFailure['kind'];
}

/** A message the stand-in holds, as posted and then updated. */
export interface HeldMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

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

export interface SlackApiServerOptions {
  token: string;
  botUserId?: string;
  botId?: string;
  /** Channel names (`#support-triage`) to the ids the stand-in answers with. */
  channelIds?: Record<string, string>;
  /** Display names answered by users.info. */
  userNames?: Record<string, string>;
}

/**
 * A local stand-in of Slack's Web API on 127.0.0.1 speaking what the real `@slack/web-api` client
 * sends (form-encoded arguments, JSON-encoded blocks and views, a bearer token) and answers:
 * auth.test, chat.postMessage, chat.update, chat.postEphemeral, views.open, users.info. It records
 * every call and fails on demand. Slash commands' response URLs point at it too.
 */
export async function startSlackApiServer(options: SlackApiServerOptions): Promise<SlackApiServer> {
  const calls: SlackCall[] = [];
  const messages = new Map<string, HeldMessage>();
  const responses: SlackApiServer['responses'] = [];
  const failures = new Map<string, { failure: SlackFailure; left: number }>();
  let clock = 1_700_000_000_000;
  const nextTs = () => `${Math.floor(++clock / 1000)}.${String(clock % 1_000_000).padStart(6, '0')}`;

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof args.channel === 'string' ? (options.channelIds?.[args.channel] ?? args.channel) : '';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://prism.slack.test/', team: 'Prism', user: 'prism', team_id: 'T0PRISM', user_id: options.botUserId ?? 'U0BOT', bot_id: options.botId ?? 'B0BOT' };
      case 'chat.postMessage': {
        const ts = nextTs();
        messages.set(ts, { channel, ts, text: String(args.text ?? ''), blocks: Array.isArray(args.blocks) ? args.blocks : [] });
        return { ok: true, channel, ts, message: { type: 'message', text: args.text, ts } };
      }
      case 'chat.update': {
        const held = messages.get(String(args.ts));
        if (!held || held.channel !== channel) return { ok: false, error: 'message_not_found' };
        held.text = String(args.text ?? '');
        held.blocks = Array.isArray(args.blocks) ? args.blocks : [];
        return { ok: true, channel, ts: held.ts, text: held.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
        return { ok: true, view: { id: `V${calls.length}`, ...(args.view as object) } };
      case 'users.info': {
        const id = String(args.user);
        const name = options.userNames?.[id] ?? null;
        return { ok: true, user: { id, name: id.toLowerCase(), real_name: name ?? '', profile: { display_name: name ?? '', real_name: name ?? '' } } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

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
