import { refundKey } from '../chat/auto-refund.ts';
import { findingsFor } from '../core/build-packet.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { reconcileWithPlatform } from '../core/reconcile-service.ts';
import type { Packet } from '../core/support-packet.ts';
import type { Plan } from './decide.ts';
import type { StaffMember } from './triage-types.ts';

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
  const entries = [];
  for (const run of due) {
    const entry = await deps.platform.issueRefund(
      filed.account.id,
      {
        generationId: run.generationId,
        amount: run.outstanding,
        reason: `Refund approved by ${staff.name ?? staff.id} (${packet.ref})`,
      },
      refundKey(packet.ref, run.generationId),
    );
    entries.push({ id: entry.id, generationId: run.generationId, amount: entry.amount });
  }
  const amount = entries.reduce((sum, e) => sum + e.amount, 0);
  const runs = due.map((r) => `${r.studio} run ${r.generationId}`).join(', ');
  return {
    kind: 'apply',
    packet: { ...packet, status: 'refunded' },
    evidence: { amount, ledgerEntries: entries, findingsAsFiled: filed, findingsAtApproval: current },
    notice: {
      topic: 'refund',
      text: `We have refunded ${amount} credits to your account for the ${runs} that failed. Your reference: ${packet.ref}.`,
    },
    summary: `Refunded ${amount} credits on ${packet.ref}.`,
  };
}
