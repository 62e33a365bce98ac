import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { core } from 'zod';
import { DeskError } from '../core/errors.ts';
import type { Clock } from '../core/ports.ts';
import { bodyLimit } from '../http/body-limit.ts';
import type { RateLimiter } from '../http/rate-limiter.ts';
import {
  Conversation,
  ConversationParams,
  ErrorBody,
  EventStream,
  EventsHeaders,
  IdentityHeaders,
  LocaleBody,
  LocaleSwitched,
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
  /** The event streams (chat-api.md, Live replies); each has a default. */
  events?: Partial<EventsOptions>;
}

export interface EventsOptions {
  /** How often a stream reads the store for new messages. */
  pollMs: number;
  /** A comment line after this long without anything sent, so that proxies and the widget see the stream alive. */
  heartbeatMs: number;
  /** Streams one client (identity and address) may hold open at once, per process (per isolate on Workers). */
  perClient: number;
  /** A stream ends after this long; the client reconnects, and identity and ownership are checked again. */
  lifetimeMs: number;
}

const EVENTS_DEFAULTS: EventsOptions = { pollMs: 1000, heartbeatMs: 15_000, perClient: 4, lifetimeMs: 10 * 60_000 };

type Env = { Variables: { identity: Identity; client: string } };

const error = (description: string) => ({ content: { 'application/json': { schema: ErrorBody } }, description });

/** The refusals every route can answer. */
const refusals = {
  400: error('The path or the body is not valid; the message names the field'),
  401: error('X-User-Hash does not match X-User-Email'),
  429: {
    ...error('Too many requests'),
    headers: z.object({ 'Retry-After': z.string().openapi({ description: 'Seconds to wait before the next request' }) }),
  },
  500: error('Something went wrong on the desk’s side'),
} as const;

/** The refusals of a route that takes a JSON body. */
const bodyRefusals = {
  413: error('The body is too large'),
  415: error('The body is not labelled JSON (application/json or a +json type)'),
} as const;

const notFound = { 404: error('No such conversation for this identity (or it expired)') } as const;
const unavailable = { 503: error('The account lookup took too long; nothing was stored, send it again') } as const;

/**
 * fetch() with a JSON Content-Type and no body is a start with no options, as it is without the
 * Content-Type; Hono's JSON validator would call the empty body malformed.
 */
const emptyBodyIsNoOptions: MiddlewareHandler = async (c, next) => {
  if (c.req.header('content-type') && (await c.req.text()).trim() === '') {
    // Hono's JSON validator reads the body through this cache.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve('{}');
  }
  await next();
};

const startRoute = createRoute({
  method: 'post',
  path: '/conversations',
  summary: 'Start a troubleshooting conversation',
  middleware: [emptyBodyIsNoOptions] as const,
  request: { headers: IdentityHeaders, body: { content: { 'application/json': { schema: StartBody } }, required: false } },
  responses: {
    201: { content: { 'application/json': { schema: Started } }, description: 'The greeting' },
    ...refusals,
    ...bodyRefusals,
    ...unavailable,
  },
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
  responses: {
    200: { content: { 'application/json': { schema: Turn } }, description: 'Only the new messages' },
    ...refusals,
    ...notFound,
    ...bodyRefusals,
    409: error('The conversation changed under this turn, or another request is handing it off; send it again'),
    ...unavailable,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/conversations/{id}',
  summary: 'The whole conversation',
  request: { headers: IdentityHeaders, params: ConversationParams },
  responses: { 200: { content: { 'application/json': { schema: Conversation } }, description: 'The conversation' }, ...refusals, ...notFound },
});

const localeRoute = createRoute({
  method: 'post',
  path: '/conversations/{id}/locale',
  summary: 'Switch the conversation’s language',
  description: 'The bot writes in this language from its next message on; what was said stays as it was. State and option ids do not change.',
  request: {
    headers: IdentityHeaders,
    params: ConversationParams,
    body: { content: { 'application/json': { schema: LocaleBody } }, required: true },
  },
  responses: {
    200: { content: { 'application/json': { schema: LocaleSwitched } }, description: 'The language it is now' },
    ...refusals,
    ...notFound,
    ...bodyRefusals,
  },
});

const eventsRoute = createRoute({
  method: 'get',
  path: '/conversations/{id}/events',
  summary: 'The conversation’s new messages, live (Server-Sent Events)',
  description:
    'Streams each message written after the stream opened — staff replies included — or, with `Last-Event-ID`, after that message. ' +
    'A message sent on a stream counts as read by the user.',
  request: { headers: EventsHeaders, params: ConversationParams },
  responses: {
    200: { content: { 'text/event-stream': { schema: EventStream } }, description: 'The stream' },
    ...refusals,
    ...notFound,
  },
});

/** The chat API's routes, relative to `/api`: `/openapi.json` is made from them, and the tests check answers against them. */
export const chatApiRoutes = [startRoute, sendRoute, getRoute, eventsRoute, localeRoute] as const;

/**
 * The chat API of chat-api.md, mounted under `/api`. Each route validates its request with its
 * schemas before the handler runs, after the body limit, the identity check and the rate limit;
 * a request that fails them is a 400 naming the field.
 */
export function chatRoutes(deps: ChatRoutesDeps) {
  const maxSize = deps.maxBodyBytes ?? 16 * 1024;
  const events: EventsOptions = { ...EVENTS_DEFAULTS, ...deps.events };
  /** Open streams per client: a bound per process, as the rate limiter's. */
  const streams = new Map<string, number>();
  const api = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) throw new DeskError('bad_request', describeIssue(result.error.issues[0]));
    },
  });

  api.use(
    '*',
    bodyLimit({
      maxSize,
      onError: () => {
        throw new DeskError('payload_too_large', `the body is larger than ${maxSize} bytes`);
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
    const client = `${who}|${deps.clientIp(c)}`;
    // Opening an event stream is limited alike, in a bucket of its own: reconnects never use up the user's messages.
    const bucket = c.req.method === 'GET' && c.req.path.endsWith('/events') ? `events|${client}` : client;
    const decision = deps.rateLimiter.take(bucket, deps.now());
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      throw new DeskError('rate_limited', `too many requests; try again in ${decision.retryAfterSeconds} s`);
    }
    if (verified.identity === null) throw verified.refusal;
    c.set('identity', verified.identity);
    c.set('client', client);
    await next();
  });

  api.openapi(startRoute, async (c) => {
    const { timezone, locale } = c.req.valid('json');
    return c.json(await deps.conversations.start(c.get('identity'), { timezone: timezone ?? null, locale: locale ?? null }), 201);
  });

  api.openapi(sendRoute, async (c) => {
    const { conversationId: _id, ...turn } = await deps.conversations.send(c.req.valid('param').id, c.get('identity'), c.req.valid('json'));
    return c.json(turn, 200);
  });

  api.openapi(getRoute, async (c) => c.json(await deps.conversations.get(c.req.valid('param').id, c.get('identity')), 200));

  api.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    // Fixed before the answer starts: a message written once the client has the headers is on the stream.
    let after = await deps.conversations.follow(id, c.get('identity'), c.req.valid('header')['last-event-id'] ?? null);
    const client = c.get('client');
    const open = streams.get(client) ?? 0;
    if (open >= events.perClient) {
      c.header('Retry-After', String(Math.ceil(events.pollMs / 1000) * 5));
      throw new DeskError('rate_limited', `too many open event streams (at most ${events.perClient}); close one or poll`);
    }
    streams.set(client, open + 1);
    return streamSSE(c, async (stream) => {
      try {
        const started = Date.now();
        let sentAt = started;
        // Where the stream starts, as the id of its first block: a client that reconnects before any message came resumes from there.
        await stream.write(`: connected\n${after ? `id: ${after}\n` : ''}\n`);
        while (!stream.aborted && Date.now() - started < events.lifetimeMs) {
          const fresh = await deps.conversations.after(id, after);
          for (const message of fresh) await stream.writeSSE({ event: 'message', id: message.id, data: JSON.stringify(message) });
          const last = fresh.at(-1);
          if (last) {
            after = last.id;
            await deps.conversations.read(id, last.id);
            sentAt = Date.now();
          } else if (Date.now() - sentAt >= events.heartbeatMs) {
            await stream.write(': heartbeat\n\n');
            sentAt = Date.now();
          }
          await stream.sleep(events.pollMs);
        }
      } finally {
        const left = (streams.get(client) ?? 1) - 1;
        if (left > 0) streams.set(client, left);
        else streams.delete(client);
      }
    });
  });

  api.openapi(localeRoute, async (c) =>
    c.json(await deps.conversations.switchLocale(c.req.valid('param').id, c.get('identity'), c.req.valid('json').locale), 200),
  );

  return api;
}

/**
 * "field: what is wrong" for the first problem of a request. A union (`{ text }` or `{ option }`) is
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
