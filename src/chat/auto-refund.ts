import type { LedgerEntry } from '../core/platform-types.ts';
import { type Clock, type PlatformData, type RefundOrder, issueRefunds } from '../core/ports.ts';
import type { Packet } from '../core/support-packet.ts';
import type { AuditEntry, SupportStore } from '../core/support-store.ts';

/** The idempotency key of a refund: one per packet and run, whoever issues it, however often. */
export const refundKey = (ref: string, generationId: string) => `refund:${ref}:${generationId}`;

/**
 * Refund policy: when the refund due on a verified packet is at most `limit` credits, it is issued
 * through the platform (idempotently), written to the audit log and the packet marked refunded.
 * Above the limit nothing is issued: the packet proposes the refund to staff.
 */
export async function issueAutoRefunds(
  deps: { platform: PlatformData; store: SupportStore; now: Clock },
  packet: Packet,
  limit: number,
): Promise<{ issued: number; packet: Packet }> {
  const findings = packet.findings;
  if (!packet.verified || !findings || findings.refundDue <= 0 || findings.refundDue > limit) return { issued: 0, packet };
  const orders: RefundOrder[] = findings.runs
    .filter((run) => run.verdict === 'refund_due' && run.outstanding > 0)
    .map((run) => ({
      refund: { generationId: run.generationId, amount: run.outstanding, reason: `Automatic refund for failed generation (${packet.ref})` },
      idempotencyKey: refundKey(packet.ref, run.generationId),
    }));
  const now = deps.now();
  const auditEntry = (entries: LedgerEntry[]): AuditEntry => ({
    at: now,
    actor: 'policy:auto-refund',
    action: 'refund.issued',
    packetRef: packet.ref,
    evidence: { limit, refundDue: findings.refundDue, ledgerEntries: entries.map((e) => e.id), runs: findings.runs },
  });
  // The refund and its audit entry in one write where the platform is the desk's own database.
  const { entries, audited } = await issueRefunds(deps.platform, findings.account.id, orders, auditEntry);
  const issued = entries.reduce((sum, e) => sum + e.amount, 0);
  const refunded: Packet = { ...packet, status: 'refunded' };
  await deps.store.savePacket(refunded, { outbox: [], audit: audited ? [] : [auditEntry(entries)], now });
  return { issued, packet: refunded };
}
