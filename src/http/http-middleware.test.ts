import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.ts';
import { type ServedApp, serveApp } from '../../test/support/serve-app.ts';
import { apiCors } from './cors.ts';

function limited(maxSize: number) {
  const app = new Hono();
  app.use('*', bodyLimit({ maxSize, onError: (c) => c.json({ error: 'too large' }, 413) }));
  app.post('/echo', async (c) => c.json({ got: await c.req.text() }));
  app.get('/echo', (c) => c.json({ got: null }));
  return app;
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      // In pieces, as a chunked upload arrives.
      for (let i = 0; i < bytes.length; i += 4) controller.enqueue(bytes.slice(i, i + 4));
      controller.close();
    },
  });
}

describe('bodyLimit', () => {
  it('passes a body whose declared Content-Length is within the limit, readable as sent', async () => {
    const res = await limited(10).request('/echo', { method: 'POST', body: '0123456789', headers: { 'content-length': '10' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ got: '0123456789' });
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled = true;
        controller.close();
      },
    }, { highWaterMark: 0 });
    const res = await limited(10).request('/echo', { method: 'POST', body, headers: { 'content-length': '11' }, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBe(false);
  });

  it('counts a body without a Content-Length as it streams', async () => {
    const over = await limited(10).request('/echo', { method: 'POST', body: streamOf('x'.repeat(11)), duplex: 'half' } as RequestInit);
    expect(over.status).toBe(413);
    const within = await limited(10).request('/echo', { method: 'POST', body: streamOf('x'.repeat(10)), duplex: 'half' } as RequestInit);
    expect(within.status).toBe(200);
    expect(await within.json()).toEqual({ got: 'x'.repeat(10) });
  });

  it('lets GET through untouched', async () => {
    const res = await limited(0).request('/echo');
    expect(res.status).toBe(200);
  });
});

function corsApp(origin: '*' | string[]) {
  const app = new Hono();
  app.use('/api/*', apiCors({ origin, allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type', 'X-User-Email'], exposeHeaders: ['Retry-After'], maxAge: 600 }));
  app.get('/api/ok', (c) => c.json({ ok: true }));
  app.get('/api/fails', () => {
    throw new Error('boom');
  });
  // A response whose headers cannot be changed, as one passed through from a fetch.
  app.get('/api/frozen', () => Response.redirect('https://example.com/elsewhere', 302));
  app.onError((_error, c) => c.json({ error: 'internal' }, 500));
  return app;
}

type Request = (path: string, init?: RequestInit) => Promise<Response>;

const servers: ServedApp[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** The same app answered in process (`app.request`, as on Workers) and by `@hono/node-server` over HTTP, where CORS takes its own path. */
const transports: { name: string; open(app: Hono): Request }[] = [
  { name: 'app.request', open: (app) => (path, init) => Promise.resolve(app.request(path, init)) },
  {
    name: 'a Node server',
    open: (app) => {
      const served = serveApp(app).then((server) => {
        servers.push(server);
        return server.url;
      });
      return async (path, init) => fetch(`${await served}${path}`, init);
    },
  },
];

describe.each(transports)('apiCors, answered by $name', ({ open }) => {
  it('answers a preflight with the allowed methods, headers and max age', async () => {
    const res = await open(corsApp(['https://shop.example']))('/api/ok', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,X-User-Email');
    expect(res.headers.get('access-control-max-age')).toBe('600');
  });

  it('allows a listed origin on the answer, and says the answer varies by origin', async () => {
    const res = await open(corsApp(['https://shop.example']))('/api/ok', { headers: { origin: 'https://shop.example' } });
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(res.headers.get('vary')).toBe('Origin');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('allows no other origin', async () => {
    const res = await open(corsApp(['https://shop.example']))('/api/ok', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('allows any origin with *, on errors too', async () => {
    const request = open(corsApp('*'));
    const ok = await request('/api/ok', { headers: { origin: 'https://anywhere.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('vary')).toBeNull();
    const failed = await request('/api/fails', { headers: { origin: 'https://anywhere.example' } });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'internal' });
    expect(failed.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('copies a response whose headers are immutable to carry them', async () => {
    const res = await open(corsApp('*'))('/api/frozen', { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/elsewhere');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
