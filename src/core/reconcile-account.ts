import type { Account, Generation, GenerationError, LedgerEntry, RunRecord, Studio } from './platform-types.ts';

/** How long a queued or processing run may take before it counts as stuck, per studio (minutes). */
export type StuckLimits = Record<Studio, number>;

/** reconciliation.md's defaults; configuration may override them. */
export const defaultStuckLimits: StuckLimits = { image: 10, music: 15, storyboard: 20, video: 60 };

/** An unlinked spend is attributed to a run whose end lies within this distance of it. */
export const ATTRIBUTION_WINDOW_MS = 10 * 60 * 1000;

export type Verdict = 'refund_due' | 'refunded' | 'not_charged' | 'in_progress';
export type ChargeEvidence = 'linked' | 'inferred' | 'none';

export interface ReconciledRun {
  generationId: string;
  studio: Studio;
  status: Generation['status'];
  createdAt: string;
  finishedAt: string | null;
  error: GenerationError | null;
  stuck: boolean;
  charged: number;
  refunded: number;
  outstanding: number;
  chargeEvidence: ChargeEvidence;
  verdict: Verdict;
  spendIds: string[];
  refundIds: string[];
}

export interface OtherSpend {
  ledgerId: string;
  amount: number;
  createdAt: string;
  generationId: string | null;
  studio: Studio | null;
}

/** The result of reconciliation.md, exactly as the `reconcile --json` command prints it. */
export interface ReconciliationResult {
  account: { id: string; email: string };
  window: { from: string; to: string };
  now: string;
  balance: number;
  runs: ReconciledRun[];
  otherSpends: OtherSpend[];
  totals: { refundDue: number; failedRuns: number; stuckRuns: number };
}

export interface ReconcileInput {
  account: Pick<Account, 'id' | 'email'>;
  /** The account's runs; completed runs may come as summaries (no prompt or settings). */
  generations: readonly RunRecord[];
  ledger: readonly LedgerEntry[];
  /** The balance over all time, as the platform reports it. */
  balance: number;
  window: { from: number; to: number };
  now: number;
  stuckLimits?: StuckLimits;
}

const toIso = (ms: number) => new Date(ms).toISOString();
const msOf = (iso: string) => Date.parse(iso);

/**
 * True when `settings.resolution` says 4k, 2160p, or names a side of 2048 pixels or more.
 * `Nk` counts from 4k up (4k, 5k, 8k); `Np` and `Npx` name a side of N pixels (2160p, 4320p, 2048px);
 * `WxH` names two sides. So `1080p`, `1440p` and `1024x1024` are standard, `8k` and `2160p60` high.
 */
export function isHighResolution(settings: Generation['settings'] | undefined): boolean {
  const resolution = settings?.resolution;
  if (typeof resolution !== 'string') return false;
  const text = resolution.toLowerCase();
  const kilo = text.match(/(?<![\d.])(\d+(?:\.\d+)?)\s*k(?![a-z])/);
  if (kilo !== null && Number(kilo[1]) >= 4) return true;
  const sides: number[] = [];
  for (const m of text.matchAll(/(\d+)\s*[x×]\s*(\d+)/g)) sides.push(Number(m[1]), Number(m[2]));
  for (const m of text.matchAll(/(?<![\d.])(\d+)\s*px?(?![a-z])/g)) sides.push(Number(m[1]));
  return sides.some((side) => side >= 2048);
}

/** The stuck limit of a run in milliseconds: its studio's limit, doubled for high resolution. */
export function stuckLimitMs(run: Pick<RunRecord, 'studio' | 'settings'>, limits = defaultStuckLimits): number {
  const minutes = limits[run.studio] * (isHighResolution(run.settings) ? 2 : 1);
  return minutes * 60 * 1000;
}

/** A queued or processing run is stuck once `now - createdAt` exceeds its limit. */
export function isStuck(run: RunRecord, now: number, limits = defaultStuckLimits): boolean {
  if (run.status !== 'queued' && run.status !== 'processing') return false;
  return now - msOf(run.createdAt) > stuckLimitMs(run, limits);
}

/** Runs ordered newest first; ties broken by id so that input order never matters. */
function newestFirst(a: RunRecord, b: RunRecord): number {
  return msOf(b.createdAt) - msOf(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** A ledger entry with its time parsed once (parsing dominates otherwise). */
interface Timed {
  entry: LedgerEntry;
  t: number;
}

function byTimeThenId(a: Timed, b: Timed): number {
  return a.t - b.t || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);
}

interface Candidate {
  run: RunRecord;
  end: number;
}

/** Index of the first candidate whose end is at or after `t` (candidates sorted by end). */
function lowerBound(candidates: readonly Candidate[], t: number): number {
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((candidates[mid] as Candidate).end < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The run an unlinked spend is attributed to: of the runs without a linked spend, the one whose
 * end (finishedAt, else createdAt) is closest to the spend, within 10 minutes; a tie goes to the
 * completed run, then to the smaller id. `candidates` are sorted by end.
 */
function attributeUnlinkedSpend(at: number, candidates: readonly Candidate[]): RunRecord | null {
  let best: RunRecord | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let i = lowerBound(candidates, at - ATTRIBUTION_WINDOW_MS); i < candidates.length; i++) {
    const { run, end } = candidates[i] as Candidate;
    if (end > at + ATTRIBUTION_WINDOW_MS) break;
    const distance = Math.abs(end - at);
    if (best === null || distance < bestDistance) {
      best = run;
      bestDistance = distance;
      continue;
    }
    if (distance > bestDistance) continue;
    const runCompleted = run.status === 'completed';
    const bestCompleted = best.status === 'completed';
    if ((runCompleted && !bestCompleted) || (runCompleted === bestCompleted && run.id < best.id)) best = run;
  }
  return best;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Did this account pay for work it never received? Pure: the window and "now" are inputs, and
 * records of other accounts, or outside what the window and "now" allow, are ignored.
 */
export function reconcileAccount(input: ReconcileInput): ReconciliationResult {
  const { account, window, now } = input;
  const limits = input.stuckLimits ?? defaultStuckLimits;
  const generations = input.generations.filter((g) => g.accountId === account.id);
  // The ledger as it stood at "now": later entries did not exist yet.
  const timed: Timed[] = [];
  for (const entry of input.ledger) {
    if (entry.accountId !== account.id) continue;
    const t = msOf(entry.createdAt);
    if (t <= now) timed.push({ entry, t });
  }
  timed.sort(byTimeThenId);
  const ledger = timed.map((x) => x.entry);
  const timeOf = new Map(timed.map((x) => [x.entry, x.t]));
  const runsById = new Map(generations.map((g) => [g.id, g]));

  const spends = ledger.filter((e) => e.type === 'spend');
  const linkedRunIds = new Set<string>();
  for (const spend of spends) if (spend.generationId && runsById.has(spend.generationId)) linkedRunIds.add(spend.generationId);
  const unlinkedCandidates: Candidate[] = generations
    .filter((g) => !linkedRunIds.has(g.id))
    .map((run) => ({ run, end: msOf(run.finishedAt ?? run.createdAt) }))
    .sort((a, b) => a.end - b.end);

  /** Which run each spend is charged to, and how we know. */
  const chargeOf = new Map<string, { runId: string; evidence: 'linked' | 'inferred' }>();
  for (const spend of spends) {
    if (spend.generationId) {
      chargeOf.set(spend.id, { runId: spend.generationId, evidence: 'linked' });
      continue;
    }
    const run = attributeUnlinkedSpend(timeOf.get(spend) ?? msOf(spend.createdAt), unlinkedCandidates);
    if (run) chargeOf.set(spend.id, { runId: run.id, evidence: 'inferred' });
  }

  // Completed runs are never examined: their times are not even read.
  const examined = generations.filter((g) => {
    if (g.status === 'completed') return false;
    const t = msOf(g.createdAt);
    return t >= window.from && t <= window.to;
  });
  const examinedIds = new Set(examined.map((g) => g.id));

  const spendsOfRun = new Map<string, LedgerEntry[]>();
  for (const spend of spends) {
    const charge = chargeOf.get(spend.id);
    if (charge && examinedIds.has(charge.runId)) push(spendsOfRun, charge.runId, spend);
  }
  const refundsByRun = new Map<string, LedgerEntry[]>();
  const refundsBySpend = new Map<string, LedgerEntry[]>();
  for (const entry of ledger) {
    if (entry.type !== 'refund') continue;
    if (entry.generationId) push(refundsByRun, entry.generationId, entry);
    if (entry.refundOf) push(refundsBySpend, entry.refundOf, entry);
  }


  const runs = examined.sort(newestFirst).map((run): ReconciledRun => {
    const runSpends = spendsOfRun.get(run.id) ?? [];
    // A refund counts once, whether it names the run, the spend, or both.
    const refundSet = new Set(refundsByRun.get(run.id));
    for (const s of runSpends) for (const r of refundsBySpend.get(s.id) ?? []) refundSet.add(r);
    const refunds = [...refundSet]
      .map((entry) => ({ entry, t: timeOf.get(entry) ?? msOf(entry.createdAt) }))
      .sort(byTimeThenId)
      .map((x) => x.entry);
    const charged = runSpends.reduce((sum, s) => sum - s.amount, 0);
    const refunded = refunds.reduce((sum, r) => sum + r.amount, 0);
    const outstanding = Math.max(0, charged - refunded);
    const stuck = isStuck(run, now, limits);
    const pending = (run.status === 'queued' || run.status === 'processing') && !stuck;
    const evidence: ChargeEvidence = runSpends.some((s) => chargeOf.get(s.id)?.evidence === 'linked')
      ? 'linked'
      : runSpends.length > 0
        ? 'inferred'
        : 'none';
    const verdict: Verdict = pending
      ? 'in_progress'
      : charged === 0
        ? 'not_charged'
        : outstanding > 0
          ? 'refund_due'
          : 'refunded';
    return {
      generationId: run.id,
      studio: run.studio,
      status: run.status,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt ?? null,
      error: run.error ? { code: run.error.code ?? null, message: run.error.message } : null,
      stuck,
      charged,
      refunded,
      outstanding,
      chargeEvidence: evidence,
      verdict,
      spendIds: runSpends.map((s) => s.id),
      refundIds: refunds.map((r) => r.id),
    };
  });

  const otherSpends: OtherSpend[] = spends
    .filter((s) => {
      const t = timeOf.get(s) ?? msOf(s.createdAt);
      if (t < window.from || t > window.to) return false;
      const charge = chargeOf.get(s.id);
      return !(charge && examinedIds.has(charge.runId));
    })
    .map((s) => {
      const runId = chargeOf.get(s.id)?.runId ?? null;
      return {
        ledgerId: s.id,
        amount: s.amount,
        createdAt: s.createdAt,
        generationId: runId,
        studio: (runId && runsById.get(runId)?.studio) || null,
      };
    });

  return {
    account: { id: account.id, email: account.email },
    window: { from: toIso(window.from), to: toIso(window.to) },
    now: toIso(now),
    balance: input.balance,
    runs,
    otherSpends,
    totals: {
      refundDue: runs.filter((r) => r.verdict === 'refund_due').reduce((sum, r) => sum + r.outstanding, 0),
      failedRuns: runs.filter((r) => r.status === 'failed').length,
      stuckRuns: runs.filter((r) => r.stuck).length,
    },
  };
}
