import { refundKey } from '../chat/auto-refund.ts';
import { findingsFor } from '../core/build-packet.ts';
import type { LedgerEntry } from '../core/platform-types.ts';
import { type Clock, type PlatformData, issueRefunds } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { reconcileWithPlatform } from '../core/reconcile-service.ts';
import type { Packet } from '../core/support-packet.ts';
import { type Plan, decisionAudit } from './decide.ts';
import { type StaffMember, TriageAction } from './triage-types.ts';

export interface RefundDeps {
  platform: PlatformData;
  now: Clock;
  stuckLimits?: StuckLimits;
}

/** Why a packet cannot be refunded as it stands, or null when it can be tried. */
export function refundRefusal(packet: Packet): string | null {
  if (packet.status === 'refunded') return `${packet.ref} is refunded already.`;
  if (packet.status === 'resolved') return `${packet.ref} is resolved; nothing is refunded from a closed case.`;
  if (!packet.verified || !packet.findings) return `${packet.ref} is from an unverified sender: no account data, nothing to refund.`;
  if (packet.findings.refundDue <= 0) return `Nothing is due on ${packet.ref}.`;
  return null;
}

/**
 * Approves the refund of a packet: reconciles the account again as of now (a refund written since
 * the packet was filed is not paid twice), then issues what each run still owes through the platform
 * with the key of the packet and run — the key the automatic refund uses, so that an approval and
 * an automatic refund never both pay. The evidence keeps the findings as filed and as approved.
 * Where the platform is the desk's own database, the refunds and the approval's audit entry are
 * written in one atomic write (`audited`); elsewhere the audit entry is written with the packet.
 */
export async function planRefund(deps: RefundDeps, packet: Packet, staff: StaffMember): Promise<Plan> {
  const filed = packet.findings;
  if (!filed) return { kind: 'refuse', summary: `${packet.ref} has no findings.` };
  const now = deps.now();
  const result = await reconcileWithPlatform(deps.platform, filed.account, {
    now,
    from: Math.min(Date.parse(filed.window.from), now),
    ...(deps.stuckLimits && { stuckLimits: deps.stuckLimits }),
  });
  const current = findingsFor(result, packet.generationIds);
  const due = current.runs.filter((r) => r.verdict === 'refund_due' && r.outstanding > 0);
  if (due.length === 0) {
    return { kind: 'refuse', summary: `Nothing is outstanding on ${packet.ref} any more: the runs are refunded or were not charged.` };
  }
  const orders = due.map((run) => ({
    refund: { generationId: run.generationId, amount: run.outstanding, reason: `Refund approved by ${staff.name ?? staff.id} (${packet.ref})` },
    idempotencyKey: refundKey(packet.ref, run.generationId),
  }));
  const evidenceOf = (issued: LedgerEntry[]) => {
    const ledgerEntries = due.flatMap((run, i) => {
      const entry = issued[i];
      return entry ? [{ id: entry.id, generationId: run.generationId, amount: entry.amount }] : [];
    });
    return { amount: ledgerEntries.reduce((sum, e) => sum + e.amount, 0), ledgerEntries, findingsAsFiled: filed, findingsAtApproval: current };
  };
  // Embedded: the refunds and the approval's audit entry are one atomic write.
  const issued = await issueRefunds(deps.platform, filed.account.id, orders, (entries) =>
    decisionAudit(staff, TriageAction.refundApproved, packet.ref, evidenceOf(entries), deps.now()),
  );
  const evidence = evidenceOf(issued.entries);
  const { amount } = evidence;
  const runs = due.map((r) => `${r.studio} run ${r.generationId}`).join(', ');
  return {
    kind: 'apply',
    packet: { ...packet, status: 'refunded' },
    evidence,
    audited: issued.audited,
    notice: {
      topic: 'refund',
      text: `We have refunded ${amount} credits to your account for the ${runs} that failed. Your reference: ${packet.ref}.`,
    },
    summary: `Refunded ${amount} credits on ${packet.ref}.`,
  };
}
