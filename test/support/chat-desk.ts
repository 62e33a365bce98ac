import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveApp } from './serve-app.ts';
import { Conversation, ErrorBody, Started, Turn } from '../../src/chat/chat-schemas.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../src/demo/seed-demo.ts';
import { type NodeDeps, createNodeApp, createNodeDeps } from '../../src/node-deps.ts';

/** The widget secret the test desks share with the "host page" of the tests. */
export const WIDGET_SECRET = 'test-widget-secret-7f3a';

/** The identity headers a host page sends: `hex(HMAC-SHA256(secret, lowercase(email)))`, as chat-api.md puts it. */
export function identityHeaders(email: string, secret = WIDGET_SECRET): Record<string, string> {
  return { 'x-user-email': email, 'x-user-hash': createHmac('sha256', secret).update(email.toLowerCase()).digest('hex') };
}

/** A desk serving the real app over HTTP on 127.0.0.1, on a fresh SQLite file with the demo seeded. */
export interface ChatDesk {
  /** `http://127.0.0.1:<port>` */
  url: string;
  deps: NodeDeps;
  dbPath: string;
  close(): Promise<void>;
}

/**
 * Starts a desk from environment variables as `npm start` reads them (`SUPPORT_DB_PATH` is a temp
 * file), with an optional clock; the demo is seeded at the clock's "now".
 */
export async function startChatDesk(
  env: Record<string, string> = {},
  options: { now?: () => number; slack?: NonNullable<Parameters<typeof createNodeDeps>[1]>['slack'] } = {},
): Promise<ChatDesk> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-desk-'));
  const dbPath = join(dir, 'support.db');
  const config = loadConfig({ SUPPORT_DB_PATH: dbPath, ...env });
  const deps = createNodeDeps(config, { ...(options.now && { now: options.now }), ...(options.slack && { slack: options.slack }) });
  await seedDemoIfEmpty(deps.sqlite, deps.now());
  const app = createNodeApp(deps);
  const server = await serveApp(app);
  return {
    url: server.url,
    deps,
    dbPath,
    close: async () => {
      await server.close();
      deps.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTP answer: status, headers and the parsed JSON body (null when there is none). */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A request to the desk. `body` is sent as JSON unless it is already a string. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...options.headers },
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

/** The error body of chat-api.md, parsed (fails the test when the shape is wrong). */
export function errorOf(answer: Answer) {
  return ErrorBody.parse(answer.body).error;
}

/**
 * The widget's side of the chat API for one identity (no headers: anonymous). Each call checks the
 * status and parses the body with the API's own schemas, so a test reads typed answers.
 */
export function chatClient(baseUrl: string, headers: Record<string, string> = {}) {
  const expectStatus = (answer: Answer, status: number, what: string) => {
    if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  return {
    headers,
    async start(body: unknown = {}) {
      const answer = await request(baseUrl, 'POST', '/api/conversations', { body, headers });
      expectStatus(answer, 201, 'start');
      return Started.parse(answer.body);
    },
    async send(id: string, input: { text: string } | { option: string }) {
      const answer = await request(baseUrl, 'POST', `/api/conversations/${id}/messages`, { body: input, headers });
      expectStatus(answer, 200, `send ${JSON.stringify(input)}`);
      return Turn.parse(answer.body);
    },
    async get(id: string) {
      const answer = await request(baseUrl, 'GET', `/api/conversations/${id}`, { headers });
      expectStatus(answer, 200, 'get');
      return Conversation.parse(answer.body);
    },
    /** Any call, unchecked: for the error cases. */
    raw(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
      return request(baseUrl, method, path, { body, headers: { ...headers, ...extraHeaders } });
    },
  };
}

export type ChatClient = ReturnType<typeof chatClient>;
