import type { Clock, PlatformData } from '../core/ports.ts';
import type { Packet } from '../core/support-packet.ts';
import type { SupportStore } from '../core/support-store.ts';

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
  let issued = 0;
  const entries: string[] = [];
  for (const run of findings.runs) {
    if (run.verdict !== 'refund_due' || run.outstanding <= 0) continue;
    const entry = await deps.platform.issueRefund(
      findings.account.id,
      { generationId: run.generationId, amount: run.outstanding, reason: `Automatic refund for failed generation (${packet.ref})` },
      refundKey(packet.ref, run.generationId),
    );
    issued += entry.amount;
    entries.push(entry.id);
  }
  const now = deps.now();
  const refunded: Packet = { ...packet, status: 'refunded' };
  await deps.store.savePacket(refunded, {
    outbox: [],
    audit: [
      {
        at: now,
        actor: 'policy:auto-refund',
        action: 'refund.issued',
        packetRef: packet.ref,
        evidence: { limit, refundDue: findings.refundDue, ledgerEntries: entries, runs: findings.runs },
      },
    ],
    now,
  });
  return { issued, packet: refunded };
}
