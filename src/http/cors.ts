import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface ApiCorsOptions {
  /** `*`, or the origins allowed to call. */
  origin: string | string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/** The Node response of a request served by `@hono/node-server` (its `c.env.outgoing`). */
interface NodeResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): unknown;
}

function nodeResponseOf(c: Context): NodeResponse | null {
  const outgoing = (c.env as { outgoing?: Partial<NodeResponse> } | undefined)?.outgoing;
  return outgoing && typeof outgoing.setHeader === 'function' && outgoing.headersSent === false ? (outgoing as NodeResponse) : null;
}

/**
 * CORS as Hono's middleware answers it, without making the handler's answer a full web `Response`.
 * Hono's middleware sets the headers on `c.res` before the handler runs, so the handler's answer is
 * then copied into a new `Response` to carry them; reading an answer's `headers` afterwards builds
 * a web `Headers` too. On Node either turns the server's lightweight answer (plain headers, written
 * as they are) into web objects, ≈ 10 µs of every API request. So on Node the headers go on the
 * Node response itself, which merges them into whatever the handler answers (no API route sets
 * them or `Vary` itself); elsewhere (Workers, `app.request`) they are set on the answer after the
 * handler made it. Preflights (`OPTIONS`) are Hono's.
 */
export function apiCors(options: ApiCorsOptions): MiddlewareHandler {
  const preflight = cors(options);
  const allowed = options.origin;
  const exposed = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin') ?? '';
    const allowOrigin = allowed === '*' ? '*' : [allowed].flat().includes(origin) ? origin : null;
    const headers: [string, string][] = [];
    if (allowOrigin) headers.push(['Access-Control-Allow-Origin', allowOrigin]);
    if (exposed) headers.push(['Access-Control-Expose-Headers', exposed]);
    if (allowed !== '*') headers.push(['Vary', 'Origin']);
    const node = nodeResponseOf(c);
    if (node) {
      for (const [name, value] of headers) node.setHeader(name, value);
      return next();
    }
    await next();
    const apply = (answer: Headers) => {
      for (const [name, value] of headers) {
        if (name === 'Vary') answer.append(name, value);
        else answer.set(name, value);
      }
    };
    try {
      apply(c.res.headers);
    } catch (error) {
      // A response with immutable headers (one passed through from a fetch) is copied to carry them.
      if (!(error instanceof TypeError)) throw error;
      c.res = new Response(c.res.body, c.res);
      apply(c.res.headers);
    }
  };
}
