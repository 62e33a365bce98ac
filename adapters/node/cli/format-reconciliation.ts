import type { ReconciliationResult } from '../../../src/core/reconcile-account.ts';

const verdictWords: Record<string, string> = {
  refund_due: 'REFUND DUE',
  refunded: 'refunded',
  not_charged: 'not charged',
  in_progress: 'in progress',
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The readable form of a reconciliation, for staff at a terminal. */
export function formatReconciliation(result: ReconciliationResult): string {
  const out: string[] = [];
  out.push(`Account ${result.account.email} (${result.account.id})   balance ${result.balance} credits`);
  out.push(`Window ${result.window.from} → ${result.window.to}   as of ${result.now}`);
  out.push('');
  if (result.runs.length === 0) out.push('No failed, canceled, stuck or unfinished runs in the window.');
  else {
    out.push(
      table(
        ['run', 'studio', 'status', 'created', 'charged', 'refunded', 'outstanding', 'evidence', 'verdict'],
        result.runs.map((r) => [
          r.generationId,
          r.studio,
          r.stuck ? `${r.status} (stuck)` : r.status,
          r.createdAt,
          String(r.charged),
          String(r.refunded),
          String(r.outstanding),
          r.chargeEvidence,
          verdictWords[r.verdict] ?? r.verdict,
        ]),
      ),
    );
  }
  if (result.otherSpends.length > 0) {
    out.push('', 'Other spends in the window (completed work, another tab or studio):');
    out.push(
      table(
        ['ledger', 'amount', 'at', 'run', 'studio'],
        result.otherSpends.map((s) => [s.ledgerId, String(s.amount), s.createdAt, s.generationId ?? '-', s.studio ?? '-']),
      ),
    );
  }
  const t = result.totals;
  out.push('', `Refund due: ${t.refundDue} credits   failed runs: ${t.failedRuns}   stuck runs: ${t.stuckRuns}`);
  return out.join('\n');
}
