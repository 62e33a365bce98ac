import { AUTOMATIC_REFUND_REASON, type Clock, type PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { refundOutstanding } from '../core/refund-outstanding.ts';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry, SupportStore } from '../core/support-store.ts';

/** The automatic refund policy: at most `limit` credits refunded per account over any `windowMs` (0: never). */
export interface AutoRefundPolicy {
  limit: number;
  windowMs: number;
}

/** What the policy did with a packet: credits issued now, or proposed to staff (one of the two, or neither). */
export interface AutoRefundResult {
  issued: number;
  proposed: number;
  packet: Packet;
}

/**
 * Refund policy: when what a verified packet's runs still owe fits in what the account may still be
 * refunded automatically (its automatic refunds of the last `windowMs` and these at most `limit`),
 * it is issued through the platform, written to the audit log and the packet marked refunded.
 * Otherwise nothing is issued: the packet proposes the refund to staff. Where the platform is the
 * desk's database, the limit and each run's charge are checked inside the write, so two
 * conversations at once never both find room.
 */
export async function issueAutoRefunds(
  deps: { platform: PlatformData; store: SupportStore; now: Clock; stuckLimits?: StuckLimits },
  packet: Packet,
  policy: AutoRefundPolicy,
): Promise<AutoRefundResult> {
  const filed = packet.findings;
  if (!packet.verified || !filed || filed.refundDue <= 0) return { issued: 0, proposed: 0, packet };
  if (filed.refundDue > policy.limit) return { issued: 0, proposed: filed.refundDue, packet };
  const now = deps.now();
  const evidence = (findings: NonNullable<Packet['findings']>, entries: readonly { id: string }[]) => ({
    limit: policy.limit,
    windowHours: policy.windowMs / 3_600_000,
    refundDue: findings.refundDue,
    ledgerEntries: entries.map((e) => e.id),
    runs: findings.runs,
  });
  const auditEntry = (findings: NonNullable<Packet['findings']>, entries: readonly { id: string }[]): AuditEntry => ({
    at: now,
    actor: 'policy:auto-refund',
    action: 'refund.issued',
    packetRef: packet.ref,
    evidence: evidence(findings, entries),
  });
  // The refunds and their audit entry in one write where the platform is the desk's own database.
  const outcome = await refundOutstanding(deps, packet, {
    findings: filed,
    reason: `${AUTOMATIC_REFUND_REASON} for failed generation (${packet.ref})`,
    audit: (entries, _due, findings) => auditEntry(findings, entries),
    automatic: policy,
  });
  if (outcome.kind === 'over_limit') return { issued: 0, proposed: outcome.due, packet };
  // Refunded meanwhile by someone else (another conversation, staff): nothing to issue or propose.
  if (outcome.kind === 'nothing_due') return { issued: 0, proposed: 0, packet };
  const issued = outcome.entries.reduce((sum, e) => sum + e.amount, 0);
  const refunded: Packet = { ...packet, status: 'refunded' };
  await deps.store.savePacket(refunded, { outbox: [], audit: outcome.audited ? [] : [auditEntry(outcome.findings, outcome.entries)], now });
  return { issued, proposed: 0, packet: refunded };
}
