import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { SlackDesk } from '../slack/slack-desk.ts';
import type { SlackBody } from '../slack/slack-payloads.ts';

/** Posts a body to `POST /slack/events` of the real app with exactly these headers (signed or not). */
export function postSlack(desk: SlackDesk, request: SlackBody, headers: Record<string, string>): Promise<Response> {
  return Promise.resolve(
    desk.app.request('/slack/events', {
      method: 'POST',
      headers: { ...(request.contentType !== '' && { 'content-type': request.contentType }), ...headers },
      body: request.body,
    }),
  );
}

/** `v0=` HMAC over `v0:<timestamp>:<body>` with any timestamp text (the helper of test/slack takes numbers only). */
export function signWith(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Refs of the packet-ref form that no packet has (`PKT-` and 6 to 10 of the ref alphabet). */
export const unknownRef = (taken: readonly string[]) =>
  fc
    .string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'), minLength: 6, maxLength: 10 })
    .map((s) => `PKT-${s}`)
    .filter((ref) => !taken.includes(ref));

/** The action ids of the triage buttons and anything else a payload might name. */
export const anyActionId = fc.oneof(fc.constantFrom(...Object.values(ActionId)), fc.string({ maxLength: 40 }), fc.constantFrom('triage.', 'triage.approve ', 'TRIAGE.APPROVE', 'triage.approve\u0000'));
