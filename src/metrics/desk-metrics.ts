import { type Family, writeExposition } from './exposition.ts';
import { type CaseFigures, type MetricsStore, conversationOutcomes, intakeOutcomes } from './metrics-store.ts';
import type { ProcessMetrics } from './process-metrics.ts';

const HOUR = 3600;
/** Bounds (seconds) of staff's times: a minute to a week. */
export const STAFF_TIME_BUCKETS = [60, 300, 900, 1800, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 24 * HOUR, 48 * HOUR, 7 * 24 * HOUR] as const;

/** The store's figures as Prometheus families, in the names dashboards rely on (issue #25). */
export function caseFamilies(f: CaseFigures): Family[] {
  const by = (['auto', 'staff'] as const).map((who) => ({ who, ...f.refunds[who] }));
  return [
    { name: 'desk_conversations_started_total', help: 'Help widget conversations started.', type: 'counter', samples: [{ value: f.conversationsStarted }] },
    {
      name: 'desk_conversations_ended_total',
      help: 'Conversations ended: resolved by the user, handed off to support, or expired idle.',
      type: 'counter',
      samples: conversationOutcomes.map((outcome) => ({ labels: { outcome }, value: f.conversationsEnded[outcome] })),
    },
    {
      name: 'desk_packets_filed_total',
      help: 'Support packets filed, by the channel the report came through.',
      type: 'counter',
      samples: (['widget', 'email', 'slack'] as const)
        .filter((channel) => channel !== 'slack' || f.packetsFiled.slack > 0)
        .map((channel) => ({ labels: { channel }, value: f.packetsFiled[channel] })),
    },
    { name: 'desk_refunds_total', help: 'Refunds issued, by the automatic policy or by staff.', type: 'counter', samples: by.map((r) => ({ labels: { by: r.who }, value: r.count })) },
    {
      name: 'desk_refunded_credits_total',
      help: 'Credits refunded, by the automatic policy or by staff.',
      type: 'counter',
      samples: by.map((r) => ({ labels: { by: r.who }, value: r.credits })),
    },
    {
      name: 'desk_email_intake_total',
      help: 'Inbound emails: filed into a packet, a duplicate delivery, ignored (auto-replies, our own), or rejected.',
      type: 'counter',
      samples: intakeOutcomes.map((outcome) => ({ labels: { outcome }, value: f.emailIntake[outcome] })),
    },
    { name: 'desk_outbox_pending', help: 'Deliveries waiting in the outbox.', type: 'gauge', samples: [{ value: f.outbox.pending }] },
    { name: 'desk_outbox_dead', help: 'Deliveries given up after too many attempts.', type: 'gauge', samples: [{ value: f.outbox.dead }] },
    { name: 'desk_incidents_open', help: 'Incidents open now.', type: 'gauge', samples: [{ value: f.incidentsOpen }] },
    {
      name: 'desk_first_staff_response_seconds',
      help: "Time from a packet's filing to staff's first word to the user.",
      type: 'histogram',
      samples: [f.firstStaffResponse],
    },
    { name: 'desk_resolution_seconds', help: "Time from a packet's filing to its refund or close.", type: 'histogram', samples: [f.resolution] },
  ];
}

/** The exposition `GET /metrics` answers: the store's figures, then this process's own (none on Workers). */
export async function deskMetrics(store: MetricsStore, processMetrics: ProcessMetrics | null): Promise<string> {
  const figures = await store.caseFigures({ firstStaffResponse: STAFF_TIME_BUCKETS, resolution: STAFF_TIME_BUCKETS });
  return writeExposition([...caseFamilies(figures), ...(processMetrics?.families() ?? [])]);
}
