import { NoAccountError, type RecentRun, type RecentRunsResult } from '../../flows/types.ts';
import type { PlatformData } from '../core/ports.ts';
import { type ReconciliationResult, type StuckLimits, defaultStuckLimits, stuckLimitMs } from '../core/reconcile-account.ts';
import { DAY_MS, reconcileWithPlatform, reconcileWithRecords } from '../core/reconcile-service.ts';

/** How far back the greeting looks for problem runs to offer. */
export const RECENT_DAYS = 7;

/**
 * The account's problem runs of the last 7 days, reconciled, newest first, as the greeting offers
 * them. An unknown email has no runs.
 */
export async function loadRecentRuns(
  platform: PlatformData,
  email: string,
  now: number,
  stuckLimits: StuckLimits = defaultStuckLimits,
): Promise<RecentRunsResult> {
  const account = await platform.findAccountByEmail(email);
  if (!account) return { runs: [], timezone: null };
  const { result, generations } = await reconcileWithRecords(platform, account, {
    now,
    from: now - RECENT_DAYS * DAY_MS,
    stuckLimits,
  });
  const byId = new Map(generations.map((g) => [g.id, g]));
  const runs: RecentRun[] = [];
  for (const r of result.runs) {
    const g = byId.get(r.generationId);
    if (!g) continue;
    runs.push({
      generationId: r.generationId,
      studio: r.studio,
      status: r.status,
      prompt: g.prompt ?? '',
      settings: g.settings ?? {},
      error: r.error,
      createdAt: new Date(r.createdAt).toISOString(),
      finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null,
      stuck: r.stuck,
      verdict: r.verdict,
      charged: r.charged,
      outstanding: r.outstanding,
      expectedMinutes: stuckLimitMs(g, stuckLimits) / 60_000,
    });
  }
  return { runs, timezone: account.timezone ?? null };
}

/** The account's reconciliation over the last 30 days, for the findings step. */
export async function checkFindings(
  platform: PlatformData,
  email: string,
  now: number,
  stuckLimits: StuckLimits = defaultStuckLimits,
): Promise<ReconciliationResult> {
  const account = await platform.findAccountByEmail(email);
  if (!account) throw new NoAccountError(email);
  return reconcileWithPlatform(platform, account, { now, stuckLimits });
}
