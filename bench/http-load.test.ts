import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAnswer, runLoad } from './http-load.ts';

let server: Server | null = null;

/** A real HTTP server on 127.0.0.1; resolves with its URL. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  server = null;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

describe('parseAnswer', () => {
  const answer = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}';

  it('reads the status and the length of an answer with Content-Length, none before it is complete', () => {
    expect(parseAnswer(Buffer.from(answer))).toEqual({ status: 201, length: answer.length });
    expect(parseAnswer(Buffer.from(answer.slice(0, -1)))).toBeNull();
    expect(parseAnswer(Buffer.from(answer.slice(0, 30)))).toBeNull();
    // The next answer's bytes are not this one's.
    expect(parseAnswer(Buffer.from(answer + answer))).toEqual({ status: 201, length: answer.length });
  });

  it('reads chunked answers to their last chunk', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n';
    expect(parseAnswer(Buffer.from(chunked))).toEqual({ status: 200, length: chunked.length });
    expect(parseAnswer(Buffer.from(chunked.slice(0, -2)))).toBeNull();
  });

  it('refuses what is not an HTTP/1.1 answer it can delimit', () => {
    expect(() => parseAnswer(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP\/1\.1 answer/);
    expect(() => parseAnswer(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody'))).toThrow(/neither Content-Length nor chunked/);
  });
});

describe('runLoad', () => {
  it('keeps one request in flight per connection, each connection sending its own request, and times every answer', async () => {
    const seen = new Map<string, number>();
    let inFlight = 0;
    let mostInFlight = 0;
    const url = await serve((req, res) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.set(`${req.method} ${req.url} ${req.headers['x-who']} ${body}`, (seen.get(`${req.method} ${req.url} ${req.headers['x-who']} ${body}`) ?? 0) + 1);
        // Half of the answers chunked (no Content-Length), after 5 ms.
        setTimeout(() => {
          inFlight--;
          if (req.url === '/c/1') res.write('part one, ');
          res.end(`answer to ${req.url}`);
        }, 5);
      });
    });

    const result = await runLoad({
      url,
      connections: 2,
      durationMs: 300,
      request: (i) => ({ method: 'POST', path: `/c/${i}`, headers: { 'x-who': `w${i}` }, body: `{"n":${i}}` }),
    });

    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(mostInFlight).toBeLessThanOrEqual(2);
    expect([...seen.keys()].sort()).toEqual(['POST /c/0 w0 {"n":0}', 'POST /c/1 w1 {"n":1}']);
    const sent = [...seen.values()].reduce((n, c) => n + c, 0);
    expect(result.requests).toBe(sent);
    // 300 ms of requests answered after 5 ms each (timers may fire up to 1 ms early), two at a time.
    expect(result.requests).toBeGreaterThan(10);
    expect(result.requests).toBeLessThanOrEqual(2 * Math.ceil(result.elapsedMs / 4) + 2);
    expect(result.latencies).toHaveLength(result.requests);
    expect(Math.min(...result.latencies)).toBeGreaterThanOrEqual(4);
  });

  it('counts answers outside 2xx and connections the server breaks', async () => {
    let count = 0;
    const url = await serve((req, res) => {
      count++;
      if (req.url === '/broken' && count > 3) {
        req.socket.destroy();
        return;
      }
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('x');
    });

    const missing = await runLoad({ url, connections: 3, durationMs: 100, request: () => ({ method: 'GET', path: '/missing' }) });
    expect(missing.requests).toBeGreaterThan(0);
    expect(missing.non2xx).toBe(missing.requests);
    expect(missing.errors).toBe(0);

    count = 0;
    const broken = await runLoad({ url, connections: 1, durationMs: 2000, request: () => ({ method: 'GET', path: '/broken' }) });
    expect(broken.requests).toBe(3);
    expect(broken.errors).toBe(1);
  });
});
