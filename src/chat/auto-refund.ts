import type { LedgerEntry } from '../core/platform-types.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { refundOutstanding } from '../core/refund-outstanding.ts';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry, SupportStore } from '../core/support-store.ts';

/**
 * Refund policy: when the refund due on a verified packet is at most `limit` credits, what its runs
 * still owe is issued through the platform under each run's key, written to the audit log and the
 * packet marked refunded. Above the limit nothing is issued: the packet proposes the refund to staff.
 * Where the platform is the desk's database, each run's charge is checked inside the write, so a
 * refund of the same run by another packet at the same moment is never paid on top.
 */
export async function issueAutoRefunds(
  deps: { platform: PlatformData; store: SupportStore; now: Clock; stuckLimits?: StuckLimits },
  packet: Packet,
  limit: number,
): Promise<{ issued: number; packet: Packet }> {
  const filed = packet.findings;
  if (!packet.verified || !filed || filed.refundDue <= 0 || filed.refundDue > limit) return { issued: 0, packet };
  const now = deps.now();
  const auditEntry = (findings: NonNullable<Packet['findings']>, entries: readonly LedgerEntry[]): AuditEntry => ({
    at: now,
    actor: 'policy:auto-refund',
    action: 'refund.issued',
    packetRef: packet.ref,
    evidence: { limit, refundDue: findings.refundDue, ledgerEntries: entries.map((e) => e.id), runs: findings.runs },
  });
  // The refunds and their audit entry in one write where the platform is the desk's own database.
  const outcome = await refundOutstanding(deps, packet, {
    findings: filed,
    reason: `Automatic refund for failed generation (${packet.ref})`,
    audit: (entries, _due, findings) => auditEntry(findings, entries),
  });
  if (outcome.kind !== 'issued') return { issued: 0, packet };
  const issued = outcome.entries.reduce((sum, e) => sum + e.amount, 0);
  const refunded: Packet = { ...packet, status: 'refunded' };
  await deps.store.savePacket(refunded, { outbox: [], audit: outcome.audited ? [] : [auditEntry(outcome.findings, outcome.entries)], now });
  return { issued, packet: refunded };
}
