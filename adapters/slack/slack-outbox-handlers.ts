import { z } from 'zod';
import type { Clock } from '../../src/core/ports.ts';
import type { OutboxRow, SupportStore } from '../../src/core/support-store.ts';
import type { DeliveryHandler, DeliveryResult } from '../../src/outbox/outbox-relay.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import { packetMessage } from './blocks/packet-message.ts';
import { SlackApiError, type SlackCalls } from './slack-calls.ts';

const PacketPayload = z.object({ ref: z.string() });

/** Slack's answers that will not change by asking again: the row is dead, kept with the error. */
const permanent = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'restricted_action',
]);

export interface SlackOutboxDeps {
  /**
   * Slack's Web API through a client that does not retry by itself (the outbox retries) and gives
   * up after a timeout: bolt's WebClient on Node, the fetch client on Workers.
   */
  client: SlackCalls;
  store: SupportStore;
  triage: TriageStore;
  now: Clock;
}

/**
 * The outbox deliveries to Slack (runtime-neutral: Node's relay and the Workers' cron relay run
 * the same): `slack.packet` posts a packet's triage message and remembers where
 * it is; `slack.packet_update` redraws it from the packet and its history as they are now. Each is
 * safe to run again: a packet whose message is known is updated, never posted twice.
 */
export function createSlackOutboxHandlers(deps: SlackOutboxDeps): Record<'slack.packet' | 'slack.packet_update', DeliveryHandler> {
  async function render(ref: string) {
    const packet = await deps.store.getPacket(ref);
    return packet ? packetMessage(packet, await deps.store.listAudit(ref)) : null;
  }

  async function post(row: OutboxRow, ref: string): Promise<DeliveryResult> {
    const known = await deps.triage.messageOf(ref);
    const message = await render(ref);
    if (!message) return { status: 'failed', retryable: false, reason: `packet ${ref} does not exist` };
    if (known) {
      try {
        await deps.client.update({ channel: known.channel, ts: known.ts, ...message });
        return { status: 'sent', externalId: `${known.channel}/${known.ts}` };
      } catch (error) {
        // Someone deleted the message: the packet is posted anew below.
        if (!(error instanceof SlackApiError && error.code === 'message_not_found')) throw error;
      }
    }
    const answer = await deps.client.postMessage({ channel: row.destination, unfurl_links: false, unfurl_media: false, ...message });
    if (!answer.ts || !answer.channel) return { status: 'failed', retryable: true, reason: 'Slack answered without a ts' };
    await deps.triage.rememberMessage({ packetRef: ref, channel: answer.channel, ts: answer.ts }, deps.now());
    return { status: 'sent', externalId: `${answer.channel}/${answer.ts}` };
  }

  function handler(kind: 'post' | 'update'): DeliveryHandler {
    return async (row) => {
      const payload = PacketPayload.safeParse(row.payload);
      if (!payload.success) return { status: 'failed', retryable: false, reason: 'the outbox row names no packet' };
      const { ref } = payload.data;
      try {
        if (kind === 'update' && !(await deps.triage.messageOf(ref))) {
          // Not posted yet: the first post, still waiting in the outbox, draws the packet as it is then.
          const rows = await deps.store.listOutbox({ packetRef: ref });
          if (rows.some((r) => r.kind === 'slack.packet' && r.status === 'pending')) return { status: 'sent', externalId: null };
        }
        return await post(row, ref);
      } catch (error) {
        return failure(error);
      }
    };
  }

  return { 'slack.packet': handler('post'), 'slack.packet_update': handler('update') };
}

/** A failed Web API call as an outcome: Slack's own refusals are final, the rest is tried again. */
export function failure(error: unknown): DeliveryResult {
  if (error instanceof SlackApiError) {
    if (error.retryAfterS !== null) return { status: 'failed', retryable: true, reason: `slack: rate limited for ${error.retryAfterS} s` };
    return { status: 'failed', retryable: !permanent.has(error.code), reason: `slack: ${error.code}` };
  }
  return { status: 'failed', retryable: true, reason: error instanceof Error ? error.message : String(error) };
}
