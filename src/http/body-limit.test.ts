import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.ts';

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
