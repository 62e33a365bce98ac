import { z } from 'zod';
import type { Clock } from '../../src/core/ports.ts';
import type { OutboxRow, SupportStore } from '../../src/core/support-store.ts';
import type { DeliveryHandler, DeliveryResult } from '../../src/outbox/outbox-relay.ts';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import { packetMessage } from './blocks/packet-message.ts';
import { SlackApiError, type SlackCalls } from './slack-calls.ts';

const PacketPayload = z.object({ ref: z.string() });

/** The metadata event type of a packet's triage message (its payload: `packet_ref`). */
export const POSTED_EVENT = 'prism_packet_posted';

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
    // Tried before (a failure, or a relay that died mid-way): the post may have reached Slack even
    // so. chat.postMessage has no idempotency key, so look for our own message before posting again.
    const earlier = row.attempts > 1 ? await findEarlierPost(row, ref) : null;
    if (earlier) {
      await deps.triage.rememberMessage({ packetRef: ref, channel: earlier.channel, ts: earlier.ts }, deps.now());
      return { status: 'sent', externalId: `${earlier.channel}/${earlier.ts}` };
    }
    const answer = await deps.client.postMessage({
      channel: row.destination,
      unfurl_links: false,
      unfurl_media: false,
      ...message,
      metadata: { event_type: POSTED_EVENT, event_payload: { packet_ref: ref } },
    });
    if (!answer.ts || !answer.channel) return { status: 'failed', retryable: true, reason: 'Slack answered without a ts' };
    await deps.triage.rememberMessage({ packetRef: ref, channel: answer.channel, ts: answer.ts }, deps.now());
    return { status: 'sent', externalId: `${answer.channel}/${answer.ts}` };
  }

  /** The packet's triage message if an earlier attempt posted it (searched since the row was queued). */
  async function findEarlierPost(row: OutboxRow, ref: string): Promise<{ channel: string; ts: string } | null> {
    // History needs a channel id; a `#name` destination cannot be searched (post, as before).
    if (!/^[CG][A-Z0-9]+$/.test(row.destination)) return null;
    try {
      const oldest = ((row.createdAt - 60_000) / 1000).toFixed(6);
      const posts = await deps.client.recentPosts({ channel: row.destination, oldest, limit: 200 });
      const found = posts.find((p) => p.metadata?.event_type === POSTED_EVENT && p.metadata.event_payload.packet_ref === ref);
      return found ? { channel: row.destination, ts: found.ts } : null;
    } catch (error) {
      // Without the history scope the desk can only post again: a rare duplicate beats a lost packet.
      if (error instanceof SlackApiError && (error.code === 'missing_scope' || error.code === 'not_in_channel')) return null;
      throw error;
    }
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
