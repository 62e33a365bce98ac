import { errorKey, errorLabel } from '../incidents/error-key.ts';
import type { CaseActivity, MetricsStore, RefundedBy } from './metrics-store.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface FailureCluster {
  studio: string;
  /** The error's code, else its message as first seen. */
  error: string;
  runs: number;
  /** Of those, runs that were charged. */
  charged: number;
}

export interface DayFigures {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  conversations: number;
  selfServed: number;
  packets: number;
  refundedCredits: number;
}

/** What the console's metrics page shows for one period (issue #25, item 2). */
export interface PeriodFigures {
  days: number;
  since: string;
  until: string;
  conversations: { started: number; ended: number; selfServed: number };
  /** Conversations resolved without a packet, over the conversations that ended; null when none ended. */
  selfServiceRate: number | null;
  /** Failed runs that were charged, over failed runs, from the packets' reconciliation; null without failed runs. */
  chargedForFailureRate: number | null;
  failedRuns: { total: number; charged: number };
  refunds: Record<RefundedBy | 'total', { count: number; credits: number }>;
  /** Medians in seconds over the period's packets that had one; null when none had. */
  medianFirstStaffResponseSeconds: number | null;
  medianResolutionSeconds: number | null;
  /** The commonest failures by studio and error, most runs first. */
  topFailureClusters: FailureCluster[];
  daily: DayFigures[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The figures of one period from its rows: pure, so the page and its tests agree on every number. */
export function periodFigures(activity: CaseActivity, period: { since: number; until: number }, topClusters = 5): PeriodFigures {
  const days = Math.round((period.until - period.since) / DAY);
  const ended = activity.conversations.filter((c) => c.outcome !== null);
  const selfServed = ended.filter((c) => c.outcome === 'resolved' && c.packetRef === null);
  const charged = activity.failures.filter((f) => f.charged);

  const refunds = { auto: { count: 0, credits: 0 }, staff: { count: 0, credits: 0 }, total: { count: 0, credits: 0 } };
  for (const refund of activity.refunds) {
    for (const bucket of [refunds[refund.by], refunds.total]) {
      bucket.count++;
      bucket.credits += refund.credits;
    }
  }

  const clusters = new Map<string, FailureCluster>();
  for (const failure of activity.failures) {
    const error = { code: failure.errorCode, message: failure.errorMessage };
    const key = `${failure.studio}\u0000${errorKey(error)}`;
    const cluster = clusters.get(key) ?? { studio: failure.studio, error: errorLabel(error), runs: 0, charged: 0 };
    cluster.runs++;
    if (failure.charged) cluster.charged++;
    clusters.set(key, cluster);
  }

  const daily = new Map<string, DayFigures>();
  for (let t = period.since; t < period.until; t += DAY) {
    const day = dayOf(t);
    daily.set(day, { day, conversations: 0, selfServed: 0, packets: 0, refundedCredits: 0 });
  }
  const on = (ms: number) => daily.get(dayOf(ms));
  for (const c of activity.conversations) {
    const day = on(c.startedAt);
    if (!day) continue;
    day.conversations++;
    if (c.outcome === 'resolved' && c.packetRef === null) day.selfServed++;
  }
  for (const p of activity.packets) {
    const day = on(p.createdAt);
    if (day) day.packets++;
  }
  for (const r of activity.refunds) {
    const day = on(r.at);
    if (day) day.refundedCredits += r.credits;
  }

  const seconds = (from: number, to: number | null) => (to === null ? [] : [(to - from) / 1000]);
  return {
    days,
    since: new Date(period.since).toISOString(),
    until: new Date(period.until).toISOString(),
    conversations: { started: activity.conversations.length, ended: ended.length, selfServed: selfServed.length },
    selfServiceRate: ratio(selfServed.length, ended.length),
    chargedForFailureRate: ratio(charged.length, activity.failures.length),
    failedRuns: { total: activity.failures.length, charged: charged.length },
    refunds,
    medianFirstStaffResponseSeconds: median(activity.packets.flatMap((p) => seconds(p.createdAt, p.firstStaffResponseAt))),
    medianResolutionSeconds: median(activity.packets.flatMap((p) => seconds(p.createdAt, p.resolvedAt))),
    topFailureClusters: [...clusters.values()].sort((a, b) => b.runs - a.runs || b.charged - a.charged).slice(0, topClusters),
    daily: [...daily.values()],
  };
}

/** The console's figures for the last 7 and the last 30 days, read from the store. */
export async function dashboardFigures(store: Pick<MetricsStore, 'caseActivity'>, now: number): Promise<{ week: PeriodFigures; month: PeriodFigures }> {
  const [week, month] = await Promise.all(
    [7, 30].map(async (days) => {
      const period = { since: now - days * DAY, until: now };
      return periodFigures(await store.caseActivity(period.since, period.until), period);
    }),
  );
  if (!week || !month) throw new Error('two periods were read');
  return { week, month };
}
