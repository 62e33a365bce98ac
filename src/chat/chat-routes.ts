import { OpenAPIHono, createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { core } from 'zod';
import { bodyLimit } from '../http/body-limit.ts';
import { DeskError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import type { RateLimiter } from '../http/rate-limiter.ts';
import {
  Conversation,
  ConversationParams,
  ErrorBody,
  IdentityHeaders,
  SendBody,
  StartBody,
  Started,
  Turn,
} from './chat-schemas.ts';
import type { ConversationService } from './conversation-service.ts';
import { type Identity, verifyIdentity } from './identity.ts';

export interface ChatRoutesDeps {
  conversations: ConversationService;
  identitySecret: string | null;
  rateLimiter: RateLimiter;
  now: Clock;
  /** The caller's address (the socket's on Node, `CF-Connecting-IP` on Workers). */
  clientIp(c: Context): string;
  maxBodyBytes?: number;
}

type Env = { Variables: { identity: Identity } };

const errors = {
  400: { content: { 'application/json': { schema: ErrorBody } }, description: 'The body is not valid' },
  401: { content: { 'application/json': { schema: ErrorBody } }, description: 'X-User-Hash does not match X-User-Email' },
  404: { content: { 'application/json': { schema: ErrorBody } }, description: 'No such conversation for this identity' },
  413: { content: { 'application/json': { schema: ErrorBody } }, description: 'The body is too large' },
  429: { content: { 'application/json': { schema: ErrorBody } }, description: 'Too many requests; see Retry-After' },
} as const;

const startRoute = createRoute({
  method: 'post',
  path: '/conversations',
  summary: 'Start a troubleshooting conversation',
  request: { headers: IdentityHeaders, body: { content: { 'application/json': { schema: StartBody } }, required: false } },
  responses: { 201: { content: { 'application/json': { schema: Started } }, description: 'The greeting' }, ...errors },
});

const sendRoute = createRoute({
  method: 'post',
  path: '/conversations/{id}/messages',
  summary: 'Send free text or choose an option',
  request: {
    headers: IdentityHeaders,
    params: ConversationParams,
    body: { content: { 'application/json': { schema: SendBody } }, required: true },
  },
  responses: { 200: { content: { 'application/json': { schema: Turn } }, description: 'Only the new messages' }, ...errors },
});

const getRoute = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  summary: 'The whole conversation',
  request: { headers: IdentityHeaders, params: ConversationParams },
  responses: { 200: { content: { 'application/json': { schema: Conversation } }, description: 'The conversation' }, ...errors },
});

/** What the routes declare their bodies as: `application/json` or a `+json` type, with parameters. */
const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

/**
 * The body as JSON. A body of another media type, or of none, is refused (415); with `optional`,
 * no body at all (or a blank one) reads as `{}`, even when the client labels it JSON (fetch with a
 * JSON content type and no body).
 */
async function readJson(c: Context, { optional }: { optional: boolean }): Promise<unknown> {
  const type = c.req.header('content-type');
  const json = type !== undefined && JSON_MEDIA_TYPE.test(type);
  if (!json && !optional) throw new HTTPException(415, { message: 'Unsupported Media Type' });
  const text = await c.req.text();
  if (optional && text.trim() === '' && (json || type === undefined)) return {};
  if (!json) throw new HTTPException(415, { message: 'Unsupported Media Type' });
  try {
    return JSON.parse(text);
  } catch {
    throw new DeskError('bad_request', 'body: not valid JSON');
  }
}

/** `value` as `schema` has it, or a 400 naming the field. */
function valid<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DeskError('bad_request', describeIssue(parsed.error.issues[0]));
  return parsed.data;
}

/**
 * The chat API of chat-api.md, mounted under `/api`. `/openapi.json` documents each route whole
 * from its zod schemas; the handlers check their path and body with the same schemas themselves,
 * synchronously, and the identity middleware reads the two headers it needs. (Hono's validators,
 * which `openapi()` routes get, cost a chat turn ≈ 5 % more: a middleware each for the path, the
 * media type and the body, and zod's asynchronous parse.) Validation errors name the field.
 */
export function chatRoutes(deps: ChatRoutesDeps) {
  const api = new OpenAPIHono<Env>();
  for (const route of [startRoute, sendRoute, getRoute]) api.openAPIRegistry.registerPath(route);

  api.use(
    '*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 16 * 1024,
      onError: () => {
        throw new DeskError('payload_too_large', `the body is larger than ${deps.maxBodyBytes ?? 16 * 1024} bytes`);
      },
    }),
  );

  api.use('*', async (c, next) => {
    // A refused identity counts against the caller's address too: guessing hashes is no way around the limit.
    const verified = await verifyIdentity(deps.identitySecret, c.req.header('x-user-email'), c.req.header('x-user-hash')).then(
      (identity) => ({ identity, refusal: null }),
      (refusal: unknown) => ({ identity: null, refusal }),
    );
    const who = verified.identity === null ? 'unverified' : verified.identity.kind === 'verified' ? verified.identity.email : 'anonymous';
    const decision = deps.rateLimiter.take(`${who}|${deps.clientIp(c)}`, deps.now());
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      throw new DeskError('rate_limited', `too many requests; try again in ${decision.retryAfterSeconds} s`);
    }
    if (verified.identity === null) throw verified.refusal;
    c.set('identity', verified.identity);
    await next();
  });

  api.post('/conversations', async (c) => {
    const body = valid(StartBody, await readJson(c, { optional: true }));
    const view = await deps.conversations.start(c.get('identity'), { timezone: body.timezone ?? null });
    return c.json(view, 201);
  });

  api.post('/conversations/:id/messages', async (c) => {
    const { id } = valid(ConversationParams, c.req.param());
    const input = valid(SendBody, await readJson(c, { optional: false }));
    const { conversationId: _id, ...turn } = await deps.conversations.send(id, c.get('identity'), input);
    return c.json(turn, 200);
  });

  api.get('/conversations/:id', async (c) => {
    const { id } = valid(ConversationParams, c.req.param());
    return c.json(await deps.conversations.get(id, c.get('identity')), 200);
  });

  return api;
}

/**
 * "field: what is wrong" for the first problem of a body. A union (`{ text }` or `{ option }`) is
 * described by the alternative that came closest, so `{ "option": 5 }` names `option` rather than
 * answering a bare "Invalid input"; alternatives that fail alike on different fields are named together.
 */
export function describeIssue(issue: core.$ZodIssue | undefined): string {
  if (!issue) return 'body: invalid';
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const fewest = Math.min(...issue.errors.map((branch) => branch.length));
    const closest = issue.errors.filter((branch) => branch.length === fewest).map((branch) => branch[0]);
    const described = [...new Set(closest.map(describeIssue))];
    if (described.length === 1) return described[0] ?? 'body: invalid';
    const fields = [...new Set(closest.map((i) => (i?.path.length ? i.path.join('.') : 'body')))];
    return `${fields.join(' or ')}: send exactly one of them`;
  }
  if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: not an accepted field`;
  return `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`;
}
