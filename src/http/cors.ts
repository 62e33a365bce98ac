import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface ApiCorsOptions {
  /** `*`, or the origins allowed to call. */
  origin: string | string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/**
 * CORS as Hono's middleware answers it, with the headers of an actual request set on the answer
 * after the handler made it. Hono's middleware sets them on `c.res` before the handler runs, so the
 * handler's answer is then copied into a new `Response` to carry them: on Node that turns the
 * server's lightweight response into a full web `Response` whose body is streamed out (≈ 5 % of a
 * chat turn). Preflights (`OPTIONS`) are Hono's.
 */
export function apiCors(options: ApiCorsOptions): MiddlewareHandler {
  const preflight = cors(options);
  const allowed = options.origin;
  const exposed = options.exposeHeaders.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    await next();
    const origin = c.req.header('origin') ?? '';
    const allowOrigin = allowed === '*' ? '*' : [allowed].flat().includes(origin) ? origin : null;
    const apply = (headers: Headers) => {
      if (allowOrigin) headers.set('Access-Control-Allow-Origin', allowOrigin);
      if (exposed) headers.set('Access-Control-Expose-Headers', exposed);
      if (allowed !== '*') headers.append('Vary', 'Origin');
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
