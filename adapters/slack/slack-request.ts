import { z } from 'zod';
import { DeskError } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { SlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { readCappedBody } from './capped-body.ts';

/*
 * Reading a request from Slack, the same on Node (bolt's receiver, fetch-receiver.ts) and on Workers
 * (adapters/slack-fetch): the body within its limit, Slack's certificate check, the `v0` signature
 * over the raw bytes, then the body as Slack sends it. Runtime-neutral.
 */

export const Body = z.record(z.string(), z.unknown());
export type SlackRequestBody = z.infer<typeof Body>;

/*
 * The envelopes of the requests the desk handles, as Slack sends them: a signed body of one of these
 * kinds that lacks what it must carry is a 400 naming the field — before bolt or the Workers'
 * handler reads it (bolt throws on such bodies, which would be a 500).
 */
export const User = z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() });

export const BlockActions = z.object({
  type: z.literal('block_actions'),
  user: User,
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string() }).nullish(),
  container: z.object({ message_ts: z.string().nullish() }).loose().nullish(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

export const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  user: User,
  view: z.object({
    id: z.string(),
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))) }),
  }),
});

export const SlashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  trigger_id: z.string().min(1),
  response_url: z.url({ protocol: /^https?$/ }),
});

export const EventCallback = z.object({ type: z.literal('event_callback'), event: z.object({ type: z.string() }).loose() });

/** A known kind of request missing what it must carry: 400, naming the field. */
export function readEnvelope<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DeskError('bad_request', `the Slack ${what}: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** Checks the envelope of a verified body by its kind; kinds the desk does not handle pass as they are. */
export function checkEnvelope(body: SlackRequestBody): void {
  if (body.type === 'block_actions') readEnvelope(BlockActions, body, 'block_actions payload');
  else if (body.type === 'view_submission') readEnvelope(ViewSubmission, body, 'view_submission payload');
  else if (body.type === 'event_callback') readEnvelope(EventCallback, body, 'event');
  else if (body.type === 'url_verification') readEnvelope(z.object({ challenge: z.string() }), body, 'url_verification');
  else if (typeof body.command === 'string') readEnvelope(SlashCommand, body, 'slash command');
}

export interface ReadOptions {
  verifier: SlackVerifier;
  now: Clock;
  maxBodyBytes: number;
  /** How long the body may take to arrive (BODY_DEADLINE_MS). */
  bodyDeadlineMs: number;
}

/**
 * Slack sends a request whole at once and gives up on it after 3 s: a body still arriving after this
 * long is no request of Slack's, and is dropped rather than kept waiting for.
 */
export const BODY_DEADLINE_MS = 5_000;

export type SlackRequestRead = { kind: 'ssl_check' } | { kind: 'too_slow' } | { kind: 'verified'; body: SlackRequestBody };

/**
 * The verified body of a Slack request, `ssl_check` for Slack's certificate check (which carries
 * nothing to run and may come unsigned), or `too_slow` for a body still arriving at the deadline
 * (answer it with `tooSlow`). Throws `payload_too_large` (as soon as the body passes the limit,
 * without reading the rest), `unauthorized` (a missing, bad or stale signature: nothing may run) or
 * `bad_request` (neither JSON nor a form).
 */
export async function readSlackRequest(request: Request, options: ReadOptions): Promise<SlackRequestRead> {
  const max = options.maxBodyBytes;
  const tooLarge = () => new DeskError('payload_too_large', `a Slack request may be at most ${max} bytes`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw tooLarge();
  const read = await readCappedBody(request.body, { maxBytes: max, deadlineMs: options.bodyDeadlineMs });
  if (read.kind === 'too_large') throw tooLarge();
  if (read.kind === 'too_slow') return read;
  const raw = read.bytes;
  const text = new TextDecoder().decode(raw);
  const contentType = request.headers.get('content-type') ?? '';
  if (contentType.startsWith('application/x-www-form-urlencoded') && new URLSearchParams(text).get('ssl_check') === '1') {
    return { kind: 'ssl_check' };
  }
  const check = await options.verifier.verify(
    { body: raw, timestamp: request.headers.get('x-slack-request-timestamp'), signature: request.headers.get('x-slack-signature') },
    options.now(),
  );
  if (!check.ok) throw new DeskError('unauthorized', `the Slack signature is ${check.reason === 'stale' ? 'too old or too new' : check.reason}`);
  const body = parseSlackBody(text, contentType);
  checkEnvelope(body);
  return { kind: 'verified', body };
}

/** The answer to a body that did not arrive within its deadline (no DeskError code means 408). */
export function tooSlow(deadlineMs: number): Response {
  const message = `a Slack request's body must arrive within ${deadlineMs / 1000} s`;
  return Response.json({ error: { code: 'request_timeout', message } }, { status: 408 });
}

/** Events come as JSON; interactivity as a form with a JSON `payload`; slash commands as a form. */
export function parseSlackBody(text: string, contentType: string): SlackRequestBody {
  try {
    if (contentType.startsWith('application/json')) return Body.parse(JSON.parse(text));
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    return Body.parse(payload === null ? Object.fromEntries(form) : JSON.parse(payload));
  } catch (error) {
    throw new DeskError('bad_request', 'the Slack request body is not JSON or a form', { cause: error });
  }
}
