import type { GenerationSettings } from '../src/core/platform-types.ts';
import type { OtherSpend, ReconciledRun, ReconciliationResult } from '../src/core/reconcile-account.ts';
import { isHighResolution } from '../src/core/reconcile-account.ts';
import type { Studio } from './types.ts';

/*
 * What to advise, decided from the facts; replies.ts puts it in words. Kept apart so that the
 * decisions stay the same in every language.
 */

/** What the advice needs to know about the problem run (all optional: anonymous users may say little). */
export interface RunFacts {
  studio: Studio | null;
  prompt: string | null;
  settings: GenerationSettings | null;
  errorMessage: string | null;
}

/** Video and high-resolution runs take longer than text or image drafts. */
export function takesLonger(run: Pick<RunFacts, 'studio' | 'settings'>): boolean {
  return run.studio === 'video' || isHighResolution(run.settings ?? undefined);
}

/** A lower resolution than `resolution` (4k → 1080p, 1080p → 720p, 2048x2048 → 1024x1024), or null. */
export function lowerResolution(resolution: string | undefined): string | null {
  const text = (resolution ?? '').toLowerCase();
  if (/\b(4k|2160p|uhd|1440p|2k)\b/.test(text)) return '1080p';
  if (/\b(1080p|full ?hd)\b/.test(text)) return '720p';
  const sides = text.match(/(\d+)\s*[x×]\s*(\d+)/);
  if (!sides) return null;
  const [w, h] = [Number(sides[1]), Number(sides[2])];
  if (Math.max(w, h) >= 2048) return `${Math.round(w / 2)}x${Math.round(h / 2)}`;
  if (Math.max(w, h) >= 1920) return w >= h ? '1280x720' : '720x1280';
  return null;
}

/** True when a prompt is long enough that shortening it is the change to try. */
export function isLongPrompt(prompt: string | null): boolean {
  return prompt !== null && (prompt.length > 200 || prompt.trim().split(/\s+/).length > 30);
}

/** The ONE change the simplify step suggests for this run. */
export type SimplifyChange =
  | { kind: 'resolution'; from: string; to: string }
  | { kind: 'reference'; count: number }
  | { kind: 'long_prompt'; words: number }
  | { kind: 'prompt' }
  | { kind: 'any' };

export function simplifyChange(run: RunFacts): SimplifyChange {
  const resolution = run.settings?.resolution;
  const lower = lowerResolution(resolution);
  const refs = run.settings?.referenceImages ?? 0;
  if (lower && resolution) return { kind: 'resolution', from: resolution, to: lower };
  if (refs > 0) return { kind: 'reference', count: refs };
  if (isLongPrompt(run.prompt)) return { kind: 'long_prompt', words: (run.prompt ?? '').trim().split(/\s+/).length };
  if (run.prompt !== null || run.settings !== null) return { kind: 'prompt' };
  return { kind: 'any' };
}

/** Other spends this close to a run shown in the findings can explain a balance drop around it. */
export const NEARBY_SPEND_MS = 2 * 60 * 60 * 1000;

/** True when `spend` lies within NEARBY_SPEND_MS of one of `runs` (from its start to its end). */
function nearAny(spend: OtherSpend, runs: readonly ReconciledRun[]): boolean {
  const at = Date.parse(spend.createdAt);
  return runs.some((run) => {
    const start = Date.parse(run.createdAt);
    const end = run.finishedAt ? Date.parse(run.finishedAt) : start;
    return at >= start - NEARBY_SPEND_MS && at <= end + NEARBY_SPEND_MS;
  });
}

/**
 * The runs the findings talk about (three at most): the case's runs when it has some (none found:
 * none), else the runs with credits due back (a question about a charge is about those), else the
 * latest ones.
 */
export function runsToPresent(result: ReconciliationResult, generationIds: readonly string[]): ReconciledRun[] {
  if (generationIds.length > 0) return result.runs.filter((r) => generationIds.includes(r.generationId)).slice(0, 3);
  const due = result.runs.filter((r) => r.outstanding > 0);
  return (due.length > 0 ? due : result.runs).slice(0, 3);
}

/**
 * The other spends within two hours of `runs`, oldest first: what explains a balance drop around
 * them ("a Music Studio run at 14:12, maybe in another tab, used 10 credits"). Spends elsewhere in
 * the 30-day window say nothing about this case.
 */
export function nearbySpends(result: ReconciliationResult, runs: readonly ReconciledRun[]): OtherSpend[] {
  return result.otherSpends.filter((s) => nearAny(s, runs)).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** The credits due back on `runs`. */
export function dueOn(runs: readonly Pick<ReconciledRun, 'outstanding'>[]): number {
  return runs.reduce((sum, r) => sum + r.outstanding, 0);
}
