import { OpenAPIHono, type RouteConfig, createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
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

/**
 * A route registered in the OpenAPI document whole (its identity headers included) and validated on
 * all but its headers: the identity middleware reads X-User-Email and X-User-Hash itself, and a
 * header validator would first have Hono copy every header of each request into a new web
 * `Headers` (on Node) to check two optional strings.
 */
function documented<R extends RouteConfig & { request: object }>(
  api: OpenAPIHono<Env>,
  route: R,
): Omit<R, 'request'> & { request: Omit<R['request'], 'headers'>; hide: true } {
  api.openAPIRegistry.registerPath(route);
  const { headers: _checkedByIdentity, ...request } = route.request as R['request'] & { headers?: unknown };
  return { ...route, request, hide: true };
}

/** The chat API of chat-api.md, mounted under `/api`. Validation errors name the field. */
export function chatRoutes(deps: ChatRoutesDeps) {
  const api = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) throw new DeskError('bad_request', describeIssue(result.error.issues[0]));
    },
  });

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

  // "No body at all" is a valid start even when the client labels it JSON (fetch with a JSON
  // content type and no body): the JSON validator would call the empty body malformed.
  api.use('/conversations', async (c, next) => {
    if (c.req.method === 'POST' && c.req.header('content-type') && (await c.req.text()).trim() === '') {
      // Hono reads JSON through its cached text: the empty body reads as `{}` from here on.
      (c.req.bodyCache as { text?: unknown }).text = Promise.resolve('{}');
    }
    await next();
  });

  api.openapi(documented(api, startRoute), async (c) => {
    const body = await readOptionalJson(c);
    const parsed = StartBody.safeParse(body);
    if (!parsed.success) throw new DeskError('bad_request', describeIssue(parsed.error.issues[0]));
    const view = await deps.conversations.start(c.get('identity'), { timezone: parsed.data.timezone ?? null });
    return c.json(view, 201);
  });

  api.openapi(documented(api, sendRoute), async (c) => {
    const view = await deps.conversations.send(c.req.valid('param').id, c.get('identity'), c.req.valid('json'));
    const { conversationId: _id, ...turn } = view;
    return c.json(turn, 200);
  });

  api.openapi(documented(api, getRoute), async (c) => c.json(await deps.conversations.get(c.req.valid('param').id, c.get('identity')), 200));

  return api;
}

/** POST /conversations takes `{}` or no body at all; anything else must be JSON. */
async function readOptionalJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new DeskError('bad_request', 'body: not valid JSON');
  }
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
