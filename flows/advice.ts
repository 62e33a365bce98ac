import { isHighResolution } from '../src/core/reconcile-account.ts';
import type { GenerationSettings } from '../src/core/platform-types.ts';
import type { OtherSpend, ReconciledRun, ReconciliationResult } from '../src/core/reconcile-account.ts';
import { formatCredits, formatWhen, studioName, withArticle } from './format.ts';
import type { Studio } from './types.ts';

/** What the advice needs to know about the problem run (all optional: anonymous users may say little). */
export interface RunFacts {
  studio: Studio | null;
  prompt: string | null;
  settings: GenerationSettings | null;
  errorMessage: string | null;
}

/** The retry step: reload the studio and try again; video and high-resolution runs take longer. */
export function retryAdvice(run: RunFacts): string {
  const where = run.studio ? studioName(run.studio) : 'the studio';
  const lines = [
    run.errorMessage ? `It stopped with “${run.errorMessage}”.` : '',
    `Most failures are transient — a model timeout, a network blip, or a momentary capacity issue — and a second attempt succeeds. Reload ${where} and try the same prompt again.`,
    run.studio === 'video' || isHighResolution(run.settings ?? undefined)
      ? 'Video and high-resolution jobs take longer than text or image drafts, so give it a few minutes and check the Library: your finished work always lands there.'
      : '',
    'If you are on mobile or a flaky network, check your connection too — a dropped request can look like a failure.',
    'Did it work this time?',
  ];
  return lines.filter(Boolean).join(' ');
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

/** The simplify step: the ONE change that suits the run. */
export function simplifyAdvice(run: RunFacts): string {
  const resolution = run.settings?.resolution;
  const lower = lowerResolution(resolution);
  const refs = run.settings?.referenceImages ?? 0;
  let change: string;
  if (lower && resolution) {
    change = `lower the resolution from ${resolution} to ${lower}, keeping the same prompt`;
  } else if (refs > 0) {
    change = refs === 1 ? 'remove the reference image' : `remove a reference image (you used ${refs})`;
  } else if (isLongPrompt(run.prompt)) {
    const words = (run.prompt ?? '').trim().split(/\s+/).length;
    change = `simplify the prompt — yours is ${words} words long; try a shorter one with just the main idea`;
  } else if (run.prompt !== null || run.settings !== null) {
    change = 'simplify the prompt';
  } else {
    change = 'simplify the prompt, lower the resolution, or remove a reference image';
  }
  return `Since it failed again, change one thing: ${change}, then retry. A retry with a slightly simpler prompt or lower resolution almost always succeeds. Did that work?`;
}

/** The credits step: how to read the Credits page, and whether the bot can look itself. */
export function creditsExplanation(canCheckAccount: boolean): string {
  return [
    'About your credits: failed generations are not meant to consume credits — you are charged for completed work, not for errors.',
    'To check, open the Credits page from the sidebar: it shows your balance and a history of spends. Compare your balance before and after the failed run.',
    'One shared credit pool covers every studio, so a generation in another tab can account for a change.',
    canCheckAccount
      ? 'Let me look at your account’s history for that run.'
      : 'Without a signed-in account I can’t see your history, so I can’t check it for you.',
  ].join(' ');
}

function runSentence(run: ReconciledRun, zone: string, now: string): string {
  const what = `Your ${studioName(run.studio)} run at ${formatWhen(run.createdAt, zone, now)}`;
  const how = run.stuck ? 'got stuck' : run.status === 'canceled' ? 'was canceled' : 'failed';
  const inferred = run.chargeEvidence === 'inferred' ? ' (the charge isn’t labelled with the run, but it was made when the run ended)' : '';
  switch (run.verdict) {
    case 'refund_due': {
      const partly = run.refunded > 0 ? `${formatCredits(run.refunded)} of it came back already, so ` : '';
      const verb = run.outstanding === 1 ? 'is' : 'are';
      return `${what} cost ${formatCredits(run.charged)}${inferred} and ${how} — you should not have been charged. ${partly}${formatCredits(run.outstanding)} ${verb} due back to you.`;
    }
    case 'refunded':
      return `${what} ${how}; the ${formatCredits(run.charged)} it cost were already refunded, so nothing is due.`;
    case 'not_charged':
      return `${what} ${how}, and no credits were charged for it.`;
    case 'in_progress':
      return `${what} is still in progress, so nothing is settled yet; if it completes, it lands in the Library.`;
  }
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
 * The findings step in plain words: each run's verdict with amounts and times in `zone`, and the
 * other spends within two hours of those runs that explain a balance drop ("a Music Studio run at
 * 14:12, maybe in another tab, used 10 credits"). Spends elsewhere in the 30-day window are left
 * out: they say nothing about this case.
 */
export function findingsText(result: ReconciliationResult, generationIds: readonly string[], zone: string): string {
  const wanted = generationIds.length > 0 ? result.runs.filter((r) => generationIds.includes(r.generationId)) : result.runs;
  const runs = (wanted.length > 0 ? wanted : result.runs).slice(0, 3);
  const lines = runs.map((run) => runSentence(run, zone, result.now));
  if (runs.length === 0) lines.push('I found no failed or stuck run in your account’s history around then.');
  const others = result.otherSpends
    .filter((s) => nearAny(s, runs))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const described = others.slice(0, 3).map((s) => {
    const at = formatWhen(s.createdAt, zone, result.now);
    const what = s.studio ? `${withArticle(studioName(s.studio))} run at ${at}, maybe in another tab,` : `a charge at ${at} not tied to a run`;
    return `${what} used ${formatCredits(s.amount)}`;
  });
  if (others.length > 3) described.push(`${others.length - 3} more`);
  if (described.length > 0) lines.push(`Other spends from your shared credit pool around then: ${described.join('; ')}.`);
  lines.push(`Your balance is ${formatCredits(result.balance)}.`);
  return lines.join(' ');
}

/** The findings step without account data (anonymous, or the history could not be reached). */
export function generalFindingsText(): string {
  return 'If your Credits history shows a charge for a run that produced nothing, that is the detail support needs, with the timestamp.';
}
