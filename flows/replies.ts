import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import { isHighResolution } from '../src/core/reconcile-account.ts';
import { formatClock, formatCredits, formatDateTime, joinWords, studioName, zoneName } from './format.ts';
import type { BotOption, CaseDetails, HandOffResult, KbAnswer, RecentRun, StepTried } from './types.ts';

/** Option ids of chat-api.md (besides `run:<generationId>`); labels are free. */
export type OptionId = 'other' | 'arrived' | 'still_stuck' | 'worked' | 'still_failing' | 'send_to_support' | 'all_good' | 'send';

const labels: Record<OptionId, string> = {
  other: 'Something else',
  arrived: 'It arrived',
  still_stuck: 'Still stuck',
  worked: 'It worked',
  still_failing: 'Still failing',
  send_to_support: 'Send to support',
  all_good: 'All good now',
  send: 'Send',
};

/** The options with these ids, labelled. */
export function options(...ids: OptionId[]): BotOption[] {
  return ids.map((id) => ({ id, label: labels[id] }));
}

const askWhat = 'Which studio were you using, and roughly when did it happen?';

/** Greeting texts: identified with runs, identified without runs, anonymous, history unreachable. */
export const greetings = {
  runs: 'Hi! These runs of yours from the last 7 days didn’t complete. Which one is it about? If it’s something else, tell me which studio and roughly when.',
  noRuns: `Hi! I don’t see any failed or stuck runs on your account in the last 7 days. What happened? ${askWhat}`,
  anonymous: `Hi! Sorry something went wrong. ${askWhat}`,
  unavailable: `Hi! I couldn’t reach your account’s history just now, so I can’t show your recent runs or confirm charges. ${askWhat}`,
};

/** The waiting step: the run is still within its expected time. */
export function waitingText(run: RecentRun, zone: string): string {
  const due = new Date(Date.parse(run.createdAt) + run.expectedMinutes * 60_000).toISOString();
  const slow = run.studio === 'video' || isHighResolution(run.settings)
    ? ' Video and high-resolution jobs take longer than text or image drafts.'
    : '';
  return `Your ${studioName(run.studio)} run from ${formatClock(run.createdAt, zone)} is still ${run.status}. Runs like it can take up to ${run.expectedMinutes} minutes, so it should be done by about ${formatClock(due, zone)} (${zoneName(zone)}).${slow} Give it a few minutes and check the Library: your finished work always lands there. Has it arrived?`;
}

/** A knowledge-base answer, with the article it came from. */
export function kbAnswerText(answer: KbAnswer): string {
  return `${answer.text} (from “${answer.title}”)`;
}

export const didntCatch = 'Sorry, I didn’t catch that. Pick one of the options, or put it another way.';
export const closing = 'Great, glad it works now! If anything else goes wrong, just write here.';
export const stillClosed = 'Glad it’s sorted. If something else goes wrong, tell me what happened.';
export const handOffFailed = 'I couldn’t reach the support queue just now, so your report wasn’t sent yet. Press Send to try again.';
export const findingsUnavailable = 'I couldn’t reach your account’s history just now, so I can’t confirm charges.';
export function findingsNoAccount(email: string): string {
  return `I can’t find a PrismPoster account for ${email}, the address you’re signed in with, so I can’t confirm charges. If you use another address for PrismPoster, mention it and support will look it up.`;
}
export const askToSend = 'Shall I send this to support, or is everything fine now?';

/** "Got it: Video Studio, 14:05." */
export function notedText(noted: readonly string[]): string {
  return `Got it: ${joinWords(noted)}.`;
}

const stepWords: Record<StepTried, string> = { retry: 'retried', simplify: 'simplified', checked_credits: 'checked the Credits page' };

/** What will be sent, and ONLY what is still missing. */
export function packetText(details: CaseDetails, missing: readonly string[]): string {
  const s = details.settings ?? {};
  const settings = [s.resolution ? `resolution ${s.resolution}` : '', s.referenceImages ? `${s.referenceImages} reference ${s.referenceImages === 1 ? 'image' : 'images'}` : '']
    .filter(Boolean)
    .join(', ');
  const lines = [
    'Here’s what I’ll send to support:',
    details.accountEmail ? `• Account: ${details.accountEmail}${details.verified ? ' (signed in)' : ''}` : '',
    details.studio ? `• Studio: ${studioName(details.studio)}` : '',
    details.prompt ? `• Prompt: “${details.prompt}”` : '',
    settings ? `• Settings: ${settings}` : '',
    details.errorMessage ? `• Error: “${details.errorMessage}”` : '',
    details.occurredAt ? `• When: ${formatDateTime(details.occurredAt, details.timezone)} (${zoneName(details.timezone)})` : '',
    details.stepsTried.length > 0 ? `• Already tried: ${joinWords(details.stepsTried.map((t) => stepWords[t]))}` : '',
    missing.length > 0
      ? `To trace the run without back-and-forth, support still needs ${joinWords(missing)}. Type them here, then press Send.`
      : 'Press Send when you’re ready.',
  ];
  return lines.filter(Boolean).join('\n');
}

const missingWords: Record<string, string> = {
  accountEmail: 'your account email',
  studio: 'the studio',
  prompt: 'the prompt',
  occurredAt: 'the time it happened',
  errorMessage: 'the exact error message',
};

/** The hand-off: the ref, what was found, and whether a refund was issued or proposed. */
export function handedOffText(result: HandOffResult, findings: ReconciliationResult | null, generationIds: readonly string[]): string {
  const runs = findings?.runs.filter((r) => generationIds.length === 0 || generationIds.includes(r.generationId)) ?? [];
  const due = runs.filter((r) => r.verdict === 'refund_due').reduce((sum, r) => sum + r.outstanding, 0);
  const found = findings === null
    ? 'I couldn’t confirm charges from here, so support will check them.'
    : due > 0
      ? `What I found: ${formatCredits(due)} charged for work you never received.`
      : 'What I found: no credits are due back for this.';
  const refund = result.refund
    ? `A refund of ${formatCredits(result.refund.amount)} was issued automatically.`
    : result.proposedRefund > 0
      ? `I’ve proposed a refund of ${formatCredits(result.proposedRefund)} to the support team; they’ll confirm it.`
      : '';
  const missing = result.missing.length > 0
    ? `They may still ask you for ${joinWords(result.missing.map((m) => missingWords[m] ?? m))}.`
    : '';
  return [`Sent! Your reference is ${result.ref}; quote it in any message about this case.`, found, refund, missing]
    .filter(Boolean)
    .join(' ');
}

/** After the hand-off, anything else gets the ref again. */
export function afterHandOffText(ref: string): string {
  return `Your report ${ref} is with support. If anything changes, write here and quote ${ref}.`;
}
