import type { RunRecord, Studio, TimeRange } from '../core/platform-types.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Where to look for the run a report is about: around the time it names, else the day before it was sent. */
export function runWindow(occurredAt: number | null, sentAt: number): TimeRange {
  return occurredAt !== null ? { since: occurredAt - HOUR_MS, until: occurredAt + HOUR_MS } : { since: sentAt - 24 * HOUR_MS, until: sentAt };
}

/**
 * The one run a report describes, when the account's own runs leave exactly one: a failed run (or,
 * if none failed, one still queued or processing) of the named studio within the hour of the named
 * time. Without a time, the day before the message; without studio and time, nothing is guessed.
 */
export function matchRun(
  runs: readonly RunRecord[],
  report: { studio: Studio | null; occurredAt: number | null; sentAt: number },
): RunRecord | null {
  if (report.studio === null && report.occurredAt === null) return null;
  const { since, until } = runWindow(report.occurredAt, report.sentAt);
  const inWindow = runs.filter((run) => {
    const at = Date.parse(run.createdAt);
    return at >= since && at <= until && (report.studio === null || run.studio === report.studio);
  });
  const failed = inWindow.filter((run) => run.status === 'failed');
  if (failed.length > 0) return failed.length === 1 ? (failed[0] ?? null) : null;
  const pending = inWindow.filter((run) => run.status === 'processing' || run.status === 'queued');
  return pending.length === 1 ? (pending[0] ?? null) : null;
}

/** Replaces Library item ids (`lib_…`, from Library links) by the ids of the runs that made them. */
export function resolveLibraryIds(ids: readonly string[], runs: readonly RunRecord[]): string[] {
  const byItem = new Map(runs.filter((r) => r.libraryItemId).map((r) => [r.libraryItemId, r.id]));
  return [...new Set(ids.map((id) => byItem.get(id) ?? id))];
}
