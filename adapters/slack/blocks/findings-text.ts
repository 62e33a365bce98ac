import type { ReconciliationResult } from '../../../src/core/reconcile-account.ts';
import { LIMITS, escapeSlack, formatWhen } from './slack-text.ts';

type Run = ReconciliationResult['runs'][number];

const verdictWords: Record<Run['verdict'], string> = {
  refund_due: '*refund due*',
  refunded: 'refunded',
  not_charged: 'not charged',
  in_progress: 'in progress',
};

/** One run of a reconciliation on one line: what it was, what it cost, what is owed. */
export function runLine(run: Run): string {
  const status = run.stuck ? `${run.status}, stuck` : run.status;
  const error = run.error ? ` (${escapeSlack(run.error.code ?? run.error.message)})` : '';
  const money =
    run.charged > 0
      ? `charged ${run.charged} (${run.chargeEvidence}) · refunded ${run.refunded} · outstanding ${run.outstanding}`
      : 'no charge found';
  return `• \`${escapeSlack(run.generationId)}\` ${run.studio} · ${status}${error} · ${money} → ${verdictWords[run.verdict]}`;
}

/**
 * The findings of a reconciliation as mrkdwn: a line per run (at most `maxRuns`), the refund due,
 * the balance, and the other spends of the window (the "another tab used the pool" explanation).
 */
export function findingsText(
  result: Pick<ReconciliationResult, 'runs' | 'otherSpends' | 'balance' | 'totals'> & { refundDue?: number },
  options: { maxRuns?: number; timezone?: string | null } = {},
): string {
  const maxRuns = options.maxRuns ?? 12;
  const lines = result.runs.slice(0, maxRuns).map(runLine);
  if (result.runs.length > maxRuns) lines.push(`… and ${result.runs.length - maxRuns} more runs`);
  if (result.runs.length === 0) lines.push('No failed, canceled or stuck runs in the window.');
  const due = result.refundDue ?? result.totals.refundDue;
  lines.push(`*Refund due: ${due} credits* · balance ${result.balance} credits`);
  if (result.otherSpends.length > 0) {
    const total = result.otherSpends.reduce((sum, s) => sum + Math.abs(s.amount), 0);
    const latest = result.otherSpends.at(-1);
    const when = latest ? `, latest ${formatWhen(latest.createdAt, options.timezone)}` : '';
    lines.push(`Other spends in the window: ${total} credits over ${result.otherSpends.length} completed runs${when}`);
  }
  // Lines are whole until the section is full: a cut line could end inside an entity or a code span.
  let text = '';
  for (const line of lines) {
    if (text.length + line.length + 1 > LIMITS.sectionText - 40) return `${text}\n… (more in the packet)`;
    text = text ? `${text}\n${line}` : line;
  }
  return text;
}
