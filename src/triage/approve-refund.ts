import { formatCredits, studioName } from '../../flows/format.ts';
import type { LedgerEntry } from '../core/platform-types.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { ReconciledRun, StuckLimits } from '../core/reconcile-account.ts';
import { reconcilePacket, refundOutstanding } from '../core/refund-outstanding.ts';
import type { Findings, Packet } from '../core/support-packet.ts';
import { DEFAULT_LOCALE, isLocale } from '../i18n/locales.ts';
import { message } from '../i18n/messages.ts';
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
 * under the run's key — the key the automatic refund uses, so that an approval and an automatic
 * refund never both pay — bounded inside the write by the run's charge where the platform can (a
 * refund written meanwhile makes it reconcile again). The evidence keeps the findings as filed and
 * as approved. Where the platform is the desk's own database, the refunds and the approval's audit
 * entry are written in one atomic write (`audited`); elsewhere the audit entry is written with the packet.
 */
export async function planRefund(deps: RefundDeps, packet: Packet, staff: StaffMember): Promise<Plan> {
  const filed = packet.findings;
  if (!filed) return { kind: 'refuse', summary: `${packet.ref} has no findings.` };
  const evidenceOf = (issued: readonly LedgerEntry[], due: readonly ReconciledRun[], current: Findings) => {
    const ledgerEntries = due.flatMap((run, i) => {
      const entry = issued[i];
      return entry ? [{ id: entry.id, generationId: run.generationId, amount: entry.amount }] : [];
    });
    return { amount: ledgerEntries.reduce((sum, e) => sum + e.amount, 0), ledgerEntries, findingsAsFiled: filed, findingsAtApproval: current };
  };
  const outcome = await refundOutstanding(deps, packet, {
    findings: await reconcilePacket(deps, packet, filed),
    reason: `Refund approved by ${staff.name ?? staff.id} (${packet.ref})`,
    // Embedded: the refunds and the approval's audit entry are one atomic write.
    audit: (entries, due, current) => decisionAudit(staff, TriageAction.refundApproved, packet.ref, evidenceOf(entries, due, current), deps.now()),
  });
  if (outcome.kind !== 'issued') {
    return { kind: 'refuse', summary: `Nothing is outstanding on ${packet.ref} any more: the runs are refunded or were not charged.` };
  }
  const evidence = evidenceOf(outcome.entries, outcome.due, outcome.findings);
  const { amount } = evidence;
  // The user's notice in the conversation's language; English names the studio as it always has ("video run …").
  const lang = isLocale(packet.locale) ? packet.locale : DEFAULT_LOCALE;
  const runs = outcome.due
    .map((r) => message(lang, 'notice.refund_run', { studio: lang === DEFAULT_LOCALE ? r.studio : studioName(r.studio, lang), id: r.generationId }))
    .join(', ');
  return {
    kind: 'apply',
    packet: { ...packet, status: 'refunded' },
    evidence,
    audited: outcome.audited,
    notice: {
      topic: 'refund',
      text: message(lang, 'notice.refund', { count: outcome.due.length, credits: formatCredits(amount, lang), runs, ref: packet.ref }),
    },
    summary: `Refunded ${amount} credits on ${packet.ref}.`,
  };
}
