import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}

/**
 * Hono's body limit, without touching the body when the request says its size up front.
 *
 * A declared `Content-Length` (no `Transfer-Encoding`) is all the check needs: the HTTP parser (on
 * Node; the runtime on Workers) reads exactly that many bytes. Hono's own middleware asks for the
 * request's body stream before it looks at the header, and on Node that builds a full web `Request`
 * with a stream around the socket for every request, where reading the bytes directly is the fast
 * path (docs/speed.md). GET and HEAD carry no body. Anything else (chunked bodies) is counted as it
 * streams by Hono's middleware.
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const counting = streamingBodyLimit(options);
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(declared)) {
      if (Number(declared) > options.maxSize) return options.onError(c);
      return next();
    }
    return counting(c, next);
  };
}
