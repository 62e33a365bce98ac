import type { LedgerEntry } from '../../src/core/platform-types.ts';
import type { PlatformFixture } from '../contracts/platform-data-contract.ts';

const MIN = 60_000;

/** What each failed run of `failedRunsAccount` cost. */
export interface FailedRun {
  id: string;
  studio: 'video' | 'image' | 'music';
  charged: number;
}

/**
 * An account of its own (`acc_<tag>`, `<tag>@example.com`) with 500 credits bought and `runs`
 * failed, each charged by a linked spend, the first `minutesAgo` before `now` and one more minute
 * apart: a fresh case per race round, so rounds share one desk.
 */
export function failedRunsAccount(tag: string, now: number, runs: readonly FailedRun[], minutesAgo = 60): PlatformFixture {
  const accountId = `acc_${tag}`;
  const at = (minutes: number) => new Date(now - minutes * MIN).toISOString();
  const ledger: LedgerEntry[] = [
    { id: `led_${tag}_buy`, accountId, type: 'purchase', amount: 500, createdAt: at(60 * 24 * 3), description: 'Creator pack' },
  ];
  const generations = runs.map((run, i) => {
    const started = minutesAgo - i;
    ledger.push({ id: `led_${tag}_${run.id}`, accountId, type: 'spend', amount: -run.charged, generationId: run.id, createdAt: at(started - 0.5) });
    return {
      id: run.id,
      accountId,
      studio: run.studio,
      prompt: `${run.studio} run ${run.id}`,
      settings: {},
      status: 'failed' as const,
      error: { code: 'model_timeout', message: 'Generation failed: model timeout' },
      createdAt: at(started),
      finishedAt: at(started - 0.5),
    };
  });
  return { accounts: [{ id: accountId, email: `${tag}@example.com`, name: `Tester ${tag}`, timezone: 'Europe/Berlin' }], generations, ledger };
}

/** Sum of the refunds of each run in `entries`, by run id. */
export function refundedByRun(entries: readonly LedgerEntry[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const e of entries) if (e.type === 'refund' && e.generationId) totals[e.generationId] = (totals[e.generationId] ?? 0) + e.amount;
  return totals;
}
