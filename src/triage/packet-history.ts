import { z } from 'zod';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry } from '../core/support-store.ts';
import { type StaffMember, TriageAction } from './triage-types.ts';

/** What every triage audit entry carries in its evidence, beside the decision's own evidence. */
const StaffEvidence = z.object({
  staff: z.object({ id: z.string(), name: z.string().nullable(), via: z.enum(['slack', 'desk']).optional() }),
  amount: z.number().optional(),
});

/** One decision of staff on a packet, as the triage message lists it. */
export interface PacketDecision {
  action: string;
  staff: StaffMember;
  at: number;
  /** Credits refunded, for `refund.approved`. */
  amount?: number;
}

const shown = new Set<string>([
  TriageAction.refundApproved,
  TriageAction.infoRequested,
  TriageAction.assigned,
  TriageAction.resolved,
  TriageAction.replySent,
]);

/** The staff decisions of a packet's audit log, oldest first (automatic entries are left out). */
export function decisionsOf(audit: readonly AuditEntry[]): PacketDecision[] {
  const decisions: PacketDecision[] = [];
  for (const entry of audit) {
    if (!shown.has(entry.action)) continue;
    const evidence = StaffEvidence.safeParse(entry.evidence);
    if (!evidence.success) continue;
    decisions.push({
      action: entry.action,
      staff: evidence.data.staff,
      at: entry.at,
      ...(evidence.data.amount !== undefined && { amount: evidence.data.amount }),
    });
  }
  return decisions;
}

/** Who the packet is assigned to: the last `packet.assigned`, if any. */
export function assigneeOf(audit: readonly AuditEntry[]): StaffMember | null {
  return decisionsOf(audit).findLast((d) => d.action === TriageAction.assigned)?.staff ?? null;
}

/** A packet's verdict in a few words, for the header of its message and its summary. */
export function verdictOf(packet: Packet): string {
  if (packet.status === 'refunded') return 'Refunded';
  if (!packet.verified) return 'Unverified sender';
  const findings = packet.findings;
  if (!findings || findings.runs.length === 0) return 'No runs found';
  if (findings.refundDue > 0) return `Refund due: ${findings.refundDue} credits`;
  if (findings.runs.some((r) => r.verdict === 'in_progress')) return 'In progress';
  if (findings.runs.some((r) => r.verdict === 'refunded')) return 'Already refunded';
  return 'Not charged';
}

/** The verdicts of packets, as the console's queue filters them (the same reading as `verdictOf`). */
export const verdictKinds = ['refund_due', 'refunded', 'in_progress', 'already_refunded', 'not_charged', 'no_runs', 'unverified'] as const;
export type VerdictKind = (typeof verdictKinds)[number];

export function verdictKindOf(packet: Packet): VerdictKind {
  if (packet.status === 'refunded') return 'refunded';
  if (!packet.verified) return 'unverified';
  const findings = packet.findings;
  if (!findings || findings.runs.length === 0) return 'no_runs';
  if (findings.refundDue > 0) return 'refund_due';
  if (findings.runs.some((r) => r.verdict === 'in_progress')) return 'in_progress';
  if (findings.runs.some((r) => r.verdict === 'refunded')) return 'already_refunded';
  return 'not_charged';
}
