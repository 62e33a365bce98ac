import { z } from 'zod';
import type { IncidentService } from '../../src/incidents/incident-service.ts';
import type { DeliveryHandler } from '../../src/outbox/outbox-relay.ts';
import { incidentMessage } from './blocks/incident-message.ts';
import { SlackApiError, type SlackCalls } from './slack-calls.ts';
import { failure } from './slack-outbox-handlers.ts';

const IncidentPayload = z.object({ id: z.string() });

/** The metadata event type of an incident's message (its payload: `incident_id`). */
export const INCIDENT_POSTED_EVENT = 'prism_incident_posted';

/**
 * `slack.incident`: an incident's one message in the triage channel, posted the first time and
 * redrawn in place after (as the incident grows, and once it is resolved). Safe to run again: an
 * incident whose message is known is updated, and a retried post looks for its earlier one first.
 */
export function createSlackIncidentHandlers(deps: {
  client: SlackCalls;
  incidents: Pick<IncidentService, 'get' | 'rememberSlackMessage'>;
}): Record<'slack.incident', DeliveryHandler> {
  return {
    async 'slack.incident'(row) {
      const payload = IncidentPayload.safeParse(row.payload);
      if (!payload.success) return { status: 'failed', retryable: false, reason: 'the outbox row names no incident' };
      try {
        const incident = await deps.incidents.get(payload.data.id);
        if (!incident) return { status: 'failed', retryable: false, reason: `incident ${payload.data.id} does not exist` };
        const message = incidentMessage(incident);
        if (incident.slack) {
          try {
            await deps.client.update({ ...incident.slack, ...message });
            return { status: 'sent', externalId: `${incident.slack.channel}/${incident.slack.ts}` };
          } catch (error) {
            if (!(error instanceof SlackApiError && error.code === 'message_not_found')) throw error;
          }
        }
        if (row.attempts > 1 && /^[CG][A-Z0-9]+$/.test(row.destination)) {
          const oldest = ((row.createdAt - 60_000) / 1000).toFixed(6);
          const posts = await deps.client.recentPosts({ channel: row.destination, oldest, limit: 200 }).catch(() => []);
          const earlier = posts.find((p) => p.metadata?.event_type === INCIDENT_POSTED_EVENT && p.metadata.event_payload.incident_id === incident.id);
          if (earlier) {
            await deps.client.update({ channel: row.destination, ts: earlier.ts, ...message });
            await deps.incidents.rememberSlackMessage(incident.id, { channel: row.destination, ts: earlier.ts });
            return { status: 'sent', externalId: `${row.destination}/${earlier.ts}` };
          }
        }
        const answer = await deps.client.postMessage({
          channel: row.destination,
          unfurl_links: false,
          unfurl_media: false,
          ...message,
          metadata: { event_type: INCIDENT_POSTED_EVENT, event_payload: { incident_id: incident.id } },
        });
        if (!answer.ts || !answer.channel) return { status: 'failed', retryable: true, reason: 'Slack answered without a ts' };
        await deps.incidents.rememberSlackMessage(incident.id, { channel: answer.channel, ts: answer.ts });
        return { status: 'sent', externalId: `${answer.channel}/${answer.ts}` };
      } catch (error) {
        return failure(error);
      }
    },
  };
}
