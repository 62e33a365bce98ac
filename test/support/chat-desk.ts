import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { serveApp } from './serve-app.ts';
import { chatApiRoutes } from '../../src/chat/chat-routes.ts';
import { Conversation, ErrorBody, LocaleSwitched, Started, Turn } from '../../src/chat/chat-schemas.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';

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
  deps: NodeDesk;
  dbPath: string;
  /** Drops every open connection (the widget's event stream too); the desk keeps serving. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Starts a desk from environment variables as `npm start` reads them (`SUPPORT_DB_PATH` is a temp
 * file), with an optional clock; the demo is seeded at the clock's "now".
 */
export async function startChatDesk(
  env: Record<string, string> = {},
  options: { now?: () => number; slack?: NonNullable<Parameters<typeof openNodeDesk>[1]>['slack'] } = {},
): Promise<ChatDesk> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-desk-'));
  const dbPath = join(dir, 'support.db');
  const config = loadConfig({ SUPPORT_DB_PATH: dbPath, ...env });
  const deps = openNodeDesk(config, { ...(options.now && { now: options.now }), ...(options.slack && { slack: options.slack }) });
  await seedDemoIfEmpty(deps.sqlite, deps.now());
  const app = deps.app;
  const server = await serveApp(app);
  return {
    url: server.url,
    deps,
    dbPath,
    dropConnections: server.dropConnections,
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
  const answer = { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
  checkDeclared(method, path, answer);
  return answer;
}

/** A route as `createRoute` declares it, seen through what the check needs. */
interface DeclaredRoute {
  method: string;
  path: string;
  responses: Record<number, { content?: Record<string, { schema: z.ZodType }> }>;
}

/** The chat API route a request goes to (paths under `/api`, a `{param}` standing for one segment), if any. */
function routeOf(method: string, path: string): DeclaredRoute | undefined {
  const pathname = path.split('?')[0] ?? path;
  return (chatApiRoutes as readonly DeclaredRoute[]).find(
    (route) => route.method === method.toLowerCase() && new RegExp(`^/api${route.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(pathname),
  );
}

/**
 * A chat API answer as its route declares it (what `/openapi.json` publishes): a status the route
 * documents, and a body its schema for that status parses to itself — nothing missing, nothing
 * undocumented. Answers of other paths (health, the document itself, unknown routes) pass.
 */
export function checkDeclared(method: string, path: string, answer: Answer): void {
  const route = routeOf(method, path);
  if (!route) return;
  const what = `${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`;
  const declared = route.responses[answer.status];
  if (!declared) throw new Error(`${what}: the route does not document this status`);
  const schema = declared.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${what}: the route documents no JSON body for this status`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${what}: not the documented body:\n${z.prettifyError(parsed.error)}`);
  if (!isDeepStrictEqual(parsed.data, answer.body)) throw new Error(`${what}: has fields the schema does not document`);
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
    async switchLocale(id: string, locale: string) {
      const answer = await request(baseUrl, 'POST', `/api/conversations/${id}/locale`, { body: { locale }, headers });
      expectStatus(answer, 200, `switch to ${locale}`);
      return LocaleSwitched.parse(answer.body);
    },
    /** Any call, unchecked: for the error cases. */
    raw(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
      return request(baseUrl, method, path, { body, headers: { ...headers, ...extraHeaders } });
    },
  };
}

export type ChatClient = ReturnType<typeof chatClient>;
