import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { RefundRequest } from '../../src/core/platform-types.ts';
import type { LedgerEntry } from '../../src/core/platform-types.ts';
import type { PlatformFixture } from '../contracts/platform-data-contract.ts';

/** How the stand-in answers: correctly, with a 500, never, or with a body that is not JSON. */
export type PlatformServerMode = 'ok' | 'fail500' | 'hang' | 'garbage';

/** One request as the stand-in received it; `path` is the raw path with its query, still encoded. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A running stand-in of the platform's HTTP API. */
export interface PlatformHttpServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  requests: RecordedRequest[];
  setMode(mode: PlatformServerMode): void;
  /** Stops listening and drops open connections, hanging ones included. */
  close(): Promise<void>;
}

export interface PlatformHttpServerOptions {
  fixture: PlatformFixture;
  /** The bearer token it accepts; anything else is answered 401. */
  token: string;
  /** Time of written refunds; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Starts a local stand-in of the platform (platform-data.md, "The HTTP contract") on 127.0.0.1 and a
 * free port, serving in-memory copies of the fixture, with idempotent refunds keyed per account.
 */
export async function startPlatformHttpServer(options: PlatformHttpServerOptions): Promise<PlatformHttpServer> {
  const { accounts, generations, ledger } = structuredClone(options.fixture);
  const now = options.now ?? Date.now;
  const refundsByKey = new Map<string, LedgerEntry>();
  const requests: RecordedRequest[] = [];
  let mode: PlatformServerMode = 'ok';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    requests.push({ method, path: req.url ?? '/', headers: req.headers });
    if (mode === 'hang') return;
    if (mode === 'fail500') return reply(res, 500, 'upstream exploded', 'text/plain');
    // A body cut off mid-way, as a proxy with a full buffer sends it.
    if (mode === 'garbage') return reply(res, 200, '{"generations": [{"id": "gen_', 'application/json');
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'invalid token' });

    const url = new URL(req.url ?? '/', 'http://stand-in');
    const [root, id, sub, ...rest] = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (root === 'failures' && id === undefined && method === 'GET') {
      // The failed runs of every account created at `since` or later, oldest first (platform-api.md).
      const since = Date.parse(url.searchParams.get('since') ?? '');
      if (Number.isNaN(since)) return json(res, 400, { error: 'since must be ISO 8601' });
      const failures = generations
        .filter((g) => g.status === 'failed' && Date.parse(g.createdAt) >= since)
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
        .map((g) => ({ generationId: g.id, accountId: g.accountId, studio: g.studio, error: g.error ?? null, createdAt: g.createdAt }));
      return json(res, 200, { failures });
    }
    if (root !== 'accounts' || rest.length > 0) return json(res, 404, { error: 'no such route' });
    if (id === undefined || id === '') {
      const email = url.searchParams.get('email');
      if (method !== 'GET' || email === null) return json(res, 400, { error: 'GET /accounts needs ?email=' });
      const found = accounts.find((a) => a.email.toLowerCase() === email.toLowerCase());
      return found ? json(res, 200, found) : json(res, 404, { error: 'no such account' });
    }
    const account = accounts.find((a) => a.id === id);
    if (!account) return json(res, 404, { error: 'no such account' });

    if (method === 'GET' && sub === undefined) return json(res, 200, account);
    if (method === 'GET' && (sub === 'generations' || sub === 'ledger')) {
      const since = Date.parse(url.searchParams.get('since') ?? '');
      const until = Date.parse(url.searchParams.get('until') ?? '');
      if (Number.isNaN(since) || Number.isNaN(until)) return json(res, 400, { error: 'since and until must be ISO 8601' });
      const inRange = (r: { accountId: string; createdAt: string }): boolean =>
        r.accountId === id && Date.parse(r.createdAt) >= since && Date.parse(r.createdAt) <= until;
      if (sub === 'generations') return json(res, 200, { generations: generations.filter(inRange) });
      const balance = ledger.filter((e) => e.accountId === id).reduce((sum, e) => sum + e.amount, 0);
      return json(res, 200, { entries: ledger.filter(inRange), balance });
    }
    if (method === 'POST' && sub === 'refunds') {
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') return json(res, 400, { error: 'Idempotency-Key is required' });
      const request = RefundRequest.safeParse(parseJson(await readBody(req)));
      if (!request.success) return json(res, 400, { error: request.error.message });
      const replay = refundsByKey.get(`${id}\n${key}`);
      if (replay) return json(res, 200, replay);
      const { generationId, amount, reason } = request.data;
      if (!generations.some((g) => g.id === generationId && g.accountId === id)) {
        return json(res, 422, { error: `no generation ${generationId} on account ${id}` });
      }
      const spend = ledger.find((e) => e.type === 'spend' && e.generationId === generationId && e.accountId === id);
      const entry: LedgerEntry = {
        id: `led_refund_${refundsByKey.size + 1}`, accountId: id, type: 'refund', amount, generationId,
        refundOf: spend?.id ?? null, createdAt: new Date(now()).toISOString(), description: reason,
      };
      ledger.push(entry);
      refundsByKey.set(`${id}\n${key}`, entry);
      return json(res, 201, entry);
    }
    return json(res, 405, { error: `${method} is not allowed here` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, String(error), 'text/plain'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the stand-in did not get a TCP port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    setMode: (next) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number, body: string, contentType: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  reply(res, status, JSON.stringify(body), 'application/json');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
