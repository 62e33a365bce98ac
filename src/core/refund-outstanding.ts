import { findingsFor } from './build-packet.ts';
import { DeskError } from './errors.ts';
import type { LedgerEntry } from './platform-types.ts';
import { type Clock, type PlatformData, type RefundOrder, issueRefunds } from './ports.ts';
import type { ReconciledRun, StuckLimits } from './reconcile-account.ts';
import { reconcileWithPlatform } from './reconcile-service.ts';
import type { Findings, Packet } from './support-packet.ts';
import type { AuditEntry } from './support-store.ts';

/**
 * The idempotency key of a refund: the run's, whoever issues it (the automatic policy, staff) and
 * from whichever packet, so that the platform pays a run once however many ask at the same moment.
 */
export const refundKey = (generationId: string) => `refund:${generationId}`;

export interface RefundOutstandingDeps {
  platform: PlatformData;
  now: Clock;
  stuckLimits?: StuckLimits;
}

/** What refunding a packet's runs came to; `findings` are the reconciliation it acted on last. */
export type RefundOutcome =
  | { kind: 'issued'; due: ReconciledRun[]; entries: LedgerEntry[]; audited: boolean; findings: Findings }
  | { kind: 'nothing_due'; findings: Findings }
  | { kind: 'over_limit'; due: number; findings: Findings };

export interface RefundOutstandingOptions {
  /** The reconciliation to act on first (the packet's, or one made just now). */
  findings: Findings;
  reason: string;
  /** The audit entry accounting for the refunds: written with them where the platform can. */
  audit: (entries: LedgerEntry[], due: readonly ReconciledRun[], findings: Findings) => AuditEntry;
  /** The automatic policy's refunds: at most `limit` credits per account over `windowMs`. */
  automatic?: { limit: number; windowMs: number };
}

/** A write refused because the runs' refunds changed meanwhile is tried again on a new reconciliation, this often at most. */
const MAX_ATTEMPTS = 4;

/**
 * Refunds what the packet's runs still owe, each under its run's key and bounded by its charge:
 * where the platform checks bounds inside the write (embedded), a refund written meanwhile by
 * anyone (another conversation, staff, another process) makes the write refuse, and the runs are
 * reconciled again and only what is still owed is issued. Nothing is issued when nothing is owed.
 */
export async function refundOutstanding(deps: RefundOutstandingDeps, packet: Packet, options: RefundOutstandingOptions): Promise<RefundOutcome> {
  let findings = options.findings;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) findings = await reconcilePacket(deps, packet, findings);
    const due = findings.runs.filter((run) => run.verdict === 'refund_due' && run.outstanding > 0);
    if (due.length === 0) return { kind: 'nothing_due', findings };
    const total = due.reduce((sum, run) => sum + run.outstanding, 0);
    const { automatic } = options;
    if (automatic && total > automatic.limit) return { kind: 'over_limit', due: total, findings };
    const orders: RefundOrder[] = due.map((run) => ({
      refund: { generationId: run.generationId, amount: run.outstanding, reason: options.reason },
      idempotencyKey: refundKey(run.generationId),
      charge: { charged: run.charged, spendIds: run.spendIds },
    }));
    const now = deps.now();
    const acted = findings;
    const issued = await issueRefunds(
      deps.platform,
      findings.account.id,
      orders,
      (entries) => options.audit(entries, due, acted),
      automatic ? { automatic: { limit: automatic.limit, window: { since: now - automatic.windowMs, until: now } } } : {},
    );
    if (issued.refused === 'limit') return { kind: 'over_limit', due: total, findings };
    if (issued.refused === 'charge') continue;
    return { kind: 'issued', due, entries: issued.entries, audited: issued.audited, findings };
  }
  throw new DeskError('conflict', `the refunds of ${packet.ref} kept changing while they were written; try again`);
}

/** The packet's runs reconciled again as of now, over the window they were reconciled in before. */
export async function reconcilePacket(deps: RefundOutstandingDeps, packet: Packet, before: Findings): Promise<Findings> {
  const now = deps.now();
  const result = await reconcileWithPlatform(deps.platform, before.account, {
    now,
    from: Math.min(Date.parse(before.window.from), now),
    ...(deps.stuckLimits && { stuckLimits: deps.stuckLimits }),
  });
  return findingsFor(result, packet.generationIds);
}
