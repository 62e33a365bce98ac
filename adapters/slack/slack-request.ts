import { z } from 'zod';
import { DeskError } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { SlackVerifier } from '../../src/triage/verify-slack-signature.ts';

/*
 * Reading a request from Slack, the same on Node (bolt's receiver, fetch-receiver.ts) and on Workers
 * (adapters/slack-fetch): the body within its limit, Slack's certificate check, the `v0` signature
 * over the raw bytes, then the body as Slack sends it. Runtime-neutral.
 */

export const Body = z.record(z.string(), z.unknown());
export type SlackRequestBody = z.infer<typeof Body>;

export interface ReadOptions {
  verifier: SlackVerifier;
  now: Clock;
  maxBodyBytes: number;
}

/**
 * The verified body of a Slack request, or `ssl_check` for Slack's certificate check (which carries
 * nothing to run and may come unsigned). Throws `payload_too_large`, `unauthorized` (a missing, bad
 * or stale signature: nothing may run) or `bad_request` (neither JSON nor a form).
 */
export async function readSlackRequest(request: Request, options: ReadOptions): Promise<{ kind: 'ssl_check' } | { kind: 'verified'; body: SlackRequestBody }> {
  const max = options.maxBodyBytes;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw new DeskError('payload_too_large', `a Slack request may be at most ${max} bytes`);
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.length > max) throw new DeskError('payload_too_large', `a Slack request may be at most ${max} bytes`);
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
  return { kind: 'verified', body: parseSlackBody(text, contentType) };
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
