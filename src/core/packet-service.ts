import { buildPacket, joinPacket, packetCaseKey } from './build-packet.ts';
import { DeskError } from './errors.ts';
import type { RunRecord } from './platform-types.ts';
import type { Clock, PlatformData } from './ports.ts';
import type { ReconciliationResult, StuckLimits } from './reconcile-account.ts';
import { reconcileWithRecords } from './reconcile-service.ts';
import { type Packet, Report, type ReportInput } from './support-packet.ts';
import type { OutboxItem, SupportStore } from './support-store.ts';
import { INCIDENT_LINKED } from '../incidents/incident-types.ts';

/** Where a new packet is delivered. Either may be absent: then nothing is queued for it. */
export interface PacketDestinations {
  slackChannel?: string | null;
  supportInbox?: string | null;
}

export interface PacketServiceDeps {
  platform: PlatformData;
  store: SupportStore;
  now: Clock;
  newRef: () => string;
  newId: (prefix: string) => string;
  destinations: PacketDestinations;
  stuckLimits?: StuckLimits;
  /** The open incident a new packet's failed runs belong to (src/incidents), if any: the packet names it. */
  incidentOf?: (packet: Packet) => Promise<{ id: string } | null>;
}

export interface FiledPacket {
  packet: Packet;
  created: boolean;
}

/**
 * Turns a report into its packet: reconciles the account (when the sender is verified), fills the
 * report's gaps from the runs it names, joins an existing packet about the same runs, and queues
 * deliveries in the same atomic write as the packet.
 */
export function createPacketService(deps: PacketServiceDeps) {
  async function prepare(input: ReportInput) {
    const report = Report.parse(input);
    if (!report.verified || !report.accountEmail) return { report, reconciliation: null };
    const account = await deps.platform.findAccountByEmail(report.accountEmail);
    if (!account) return { report, reconciliation: null };
    const now = deps.now();
    const { result, generations } = await reconcileWithRecords(deps.platform, account, {
      now,
      ...(deps.stuckLimits && { stuckLimits: deps.stuckLimits }),
    });
    const generationIds =
      report.generationIds.length > 0
        ? report.generationIds
        : result.runs.filter((r) => r.verdict === 'refund_due').map((r) => r.generationId);
    return { report: fillFromRuns({ ...report, accountEmail: account.email, generationIds }, generations, account.timezone), reconciliation: result };
  }

  function outboxFor(packet: Packet, created: boolean, now: number): OutboxItem[] {
    const suffix = created ? '' : `:update:${now}`;
    const items: OutboxItem[] = [];
    const { slackChannel, supportInbox } = deps.destinations;
    if (slackChannel) {
      items.push({
        id: deps.newId('out'),
        kind: created ? 'slack.packet' : 'slack.packet_update',
        destination: slackChannel,
        payload: { ref: packet.ref },
        dedupeKey: `${packet.ref}:slack${suffix}`,
        packetRef: packet.ref,
      });
    }
    if (supportInbox) {
      items.push({
        id: deps.newId('out'),
        kind: created ? 'email.packet' : 'email.packet_update',
        destination: supportInbox,
        payload: { ref: packet.ref },
        dedupeKey: `${packet.ref}:email${suffix}`,
        packetRef: packet.ref,
      });
    }
    return items;
  }

  return {
    /** The packet a report would produce, without writing anything. */
    async preview(input: ReportInput): Promise<FiledPacket> {
      const { report, reconciliation } = await prepare(input);
      const key = packetCaseKey(report);
      const existing = await deps.store.findPacketByCase(key.accountKey, key.runsKey);
      if (existing) return { packet: joinPacket(existing, report, reconciliation), created: false };
      return { packet: buildPacket(report, reconciliation, { ref: deps.newRef(), now: deps.now() }), created: true };
    },

    /** Files a report: writes its packet (new or joined) with its deliveries and an audit entry. */
    async file(input: ReportInput): Promise<FiledPacket> {
      const { report, reconciliation } = await prepare(input);
      for (let attempt = 0; ; attempt++) {
        const key = packetCaseKey(report);
        const existing = await deps.store.findPacketByCase(key.accountKey, key.runsKey);
        const now = deps.now();
        const packet = existing
          ? joinPacket(existing, report, reconciliation)
          : buildPacket(report, reconciliation, { ref: deps.newRef(), now });
        const incident = !existing && deps.incidentOf ? await deps.incidentOf(packet) : null;
        try {
          await deps.store.savePacket(packet, {
            outbox: outboxFor(packet, !existing, now),
            audit: [
              {
                at: now,
                actor: `${report.channel}:${report.accountEmail ?? 'anonymous'}`,
                action: existing ? 'packet.joined' : 'packet.created',
                packetRef: packet.ref,
                evidence: { findings: packet.findings, missing: packet.missing },
              },
              ...(incident ? [{ at: now, actor: 'policy:incidents', action: INCIDENT_LINKED, packetRef: packet.ref, evidence: { incidentId: incident.id } }] : []),
            ],
            now,
          });
          return { packet, created: !existing };
        } catch (error) {
          // Two reports of one case at once: the second finds the first's packet and joins it.
          if (attempt < 2 && !existing) continue;
          throw new DeskError('conflict', 'the packet could not be saved', { cause: error });
        }
      }
    },
  };
}

/** Fills what the report left out from the one run it names (prompt, studio, error, time, settings). */
export function fillFromRuns(report: Report, generations: readonly RunRecord[], accountTimezone?: string | null): Report {
  const named = generations.filter((g) => report.generationIds.includes(g.id));
  const only = named.length === 1 ? named[0] : undefined;
  return {
    ...report,
    timezone: report.timezone ?? accountTimezone ?? null,
    ...(only && {
      studio: report.studio ?? only.studio,
      prompt: report.prompt ?? only.prompt ?? null,
      settings: report.settings ?? only.settings ?? null,
      errorMessage: report.errorMessage ?? only.error?.message ?? null,
      occurredAt: report.occurredAt ?? new Date(only.createdAt).toISOString(),
    }),
  };
}

export type PacketService = ReturnType<typeof createPacketService>;
export type { ReconciliationResult };
