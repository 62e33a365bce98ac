/**
 * Every text the bot says, as functions of their parameters: the one place to translate
 * (format.ts formats times, amounts and studio names). Messages are short, one idea each, details
 * behind the "Tell me more" option.
 */
import type { OtherSpend, ReconciledRun } from '../src/core/reconcile-account.ts';
import { type RunFacts, type SimplifyChange, simplifyChange, takesLonger } from './advice.ts';
import type { Asking, Missing, Noted, ProblemDetails } from './context.ts';
import { formatClock, formatCredits, formatDateTime, formatWhen, joinWords, studioName, withArticle, zoneName } from './format.ts';
import type { BotOption, CaseDetails, HandOffResult, KbAnswer, RecentRun, StepTried } from './types.ts';

/** Option ids of chat-api.md (besides `run:<generationId>`); labels are free. */
export type OptionId =
  | 'other'
  | 'arrived'
  | 'still_stuck'
  | 'worked'
  | 'still_failing'
  | 'more'
  | 'send_to_support'
  | 'troubleshoot'
  | 'all_good'
  | 'send'
  | 'dont_send'
  | 'human';

const labels: Record<OptionId, string> = {
  other: 'Something else',
  arrived: 'It arrived',
  still_stuck: 'Still stuck',
  worked: 'It worked',
  still_failing: 'Still failing',
  more: 'Tell me more',
  send_to_support: 'Send to support',
  troubleshoot: 'Keep troubleshooting',
  all_good: 'All good now',
  send: 'Send',
  dont_send: 'Don’t send',
  human: 'Talk to a person',
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

/** The question of each step, asked again in one line when a reply was unclear. */
const questions: Record<Asking, string> = {
  which_run: 'Which run is it about? Pick one below, or tell me what happened.',
  what_happened: askWhat,
  arrived: 'Has it arrived in your Library?',
  retried: 'Did it go through this time?',
  simplified: 'Did it go through this time?',
  send_to_support: 'Shall I send this to support?',
  send: 'Shall I send it to support now?',
};

/** Below the confidence threshold: the step's question again, in one line (its buttons below it). */
export function confirm(asking: Asking | null): string {
  return asking ? questions[asking] : 'Tell me what happened, or pick an option below.';
}

/** Text with no usable reading at all. */
export function didntCatch(asking: Asking | null): string {
  return `Sorry, I didn’t catch that. ${confirm(asking)}`;
}

/** The second unclear message in a row: a person is offered (at the packet, Send is the way to one). */
export function offerPerson(asking: Asking | null): string {
  return asking === 'send'
    ? 'Sorry, I’m not getting it. Press Send and a person on the support team will take it from here, or type what you want to change.'
    : 'Sorry, I’m not getting it. I can pass your case to a person on the support team: tap “Talk to a person”, or pick an option below.';
}

/** A question the help articles do not answer. */
export const noArticle = 'I don’t have a help article on that. A person on the support team can answer it: tap “Talk to a person”, or pick an option below.';

/** Greetings and small talk: what the bot can do, in one line, and the step's question. */
export function smallTalk(asking: Asking | null): string {
  const can = 'Hi! I can help when a run fails or gets stuck, check what a run cost you, or pass your case to a person.';
  return asking ? `${can} ${confirm(asking)}` : can;
}

const costsNothing = 'Failed runs cost nothing; you pay only when one completes.';
const neverFinishedCostsNothing = 'A run that never finishes costs nothing; you pay only when one completes.';

/**
 * The waiting step: a run still within its expected time, a run stuck past it, or a run only
 * described as stuck (told to start it again unless it was already).
 */
export function waitingText(run: RecentRun | null, zone: string, restarted = false): string {
  if (run === null) {
    const check = restarted
      ? 'Check the Library first: finished work always lands there.'
      : 'Check the Library first; if it isn’t there, start it again from the studio.';
    return `A run still spinning long after it should have finished is stuck, not slow. ${check} ${neverFinishedCostsNothing} Has it come through?`;
  }
  const studio = studioName(run.studio);
  if (run.stuck) {
    return `Your ${studio} run from ${formatClock(run.createdAt, zone)} is still ${run.status}, past the usual ${run.expectedMinutes} minutes: it’s stuck, not slow. Start it again: reload ${studio} and run the same prompt. ${neverFinishedCostsNothing} Has the new one come through?`;
  }
  const due = new Date(Date.parse(run.createdAt) + run.expectedMinutes * 60_000).toISOString();
  return `Your ${studio} run from ${formatClock(run.createdAt, zone)} is still ${run.status}. Runs like it can take up to ${run.expectedMinutes} minutes, so it should be done by about ${formatClock(due, zone)} (${zoneName(zone)}). ${questions.arrived}`;
}

/** The retry step, in a few lines: retry, what it costs, whether it worked. */
export function retryAdvice(run: RunFacts, options: { stuck: boolean; due: number }): string {
  const where = run.studio ? studioName(run.studio) : 'the studio';
  if (options.stuck) return `Then start it again: reload ${where} and run the same prompt. ${neverFinishedCostsNothing} Did it work this time?`;
  const lines = [
    run.errorMessage ? `It stopped with “${run.errorMessage}”.` : 'Most failures are temporary.',
    `Reload ${where} and run the same prompt again: a second attempt usually goes through.`,
    costsNothing,
    options.due > 0 ? `This one was charged ${formatCredits(options.due)} anyway: that is due back to you.` : '',
    'Did it work this time?',
  ];
  return lines.filter(Boolean).join(' ');
}

/** The retry step's details, a tap away. */
export function retryMore(run: RunFacts): string {
  return [
    takesLonger(run) ? 'Video and high-resolution runs take longer than drafts, so give it a few minutes.' : '',
    'Finished work always lands in the Library.',
    'On mobile or a shaky connection, check that too: a dropped request can look like a failure.',
  ]
    .filter(Boolean)
    .join(' ');
}

function changeWords(change: SimplifyChange): string {
  switch (change.kind) {
    case 'resolution':
      return `lower the resolution from ${change.from} to ${change.to}, keeping the same prompt`;
    case 'reference':
      return change.count === 1 ? 'remove the reference image' : `remove a reference image (you used ${change.count})`;
    case 'long_prompt':
      return `simplify the prompt — yours is ${change.words} words long; try a shorter one with just the main idea`;
    case 'prompt':
      return 'simplify the prompt';
    case 'any':
      return 'simplify the prompt, lower the resolution, or remove a reference image';
  }
}

/** The simplify step: the ONE change that suits the run. Never "failed again" for a run that is stuck. */
export function simplifyAdvice(run: RunFacts, options: { stuck: boolean } = { stuck: false }): string {
  const since = options.stuck ? 'Since it’s still stuck' : 'Since it failed again';
  return `${since}, change one thing: ${changeWords(simplifyChange(run))}, then retry. Did that work?`;
}

/** The simplify step's details, a tap away. */
export const simplifyMore =
  'Keep everything else as it was. Failures are usually a passing timeout or capacity limit, so a slightly simpler prompt or a lower resolution almost always goes through, and failed attempts cost nothing.';

/** What a run's charge sentence needs: a reconciled run, or a recent run of the greeting. */
export type ChargedRun = Pick<ReconciledRun, 'studio' | 'status' | 'stuck' | 'createdAt' | 'charged' | 'outstanding' | 'verdict'> &
  Partial<Pick<ReconciledRun, 'refunded' | 'chargeEvidence'>>;

/** "Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you." */
export function runSentence(run: ChargedRun, zone: string, now: string | null): string {
  const what = `Your ${studioName(run.studio)} run at ${formatWhen(run.createdAt, zone, now)}`;
  const how = run.stuck ? 'got stuck' : run.status === 'canceled' ? 'was canceled' : 'failed';
  const inferred = run.chargeEvidence === 'inferred' ? ' (the charge isn’t labelled with the run, but it was made when the run ended)' : '';
  switch (run.verdict) {
    case 'refund_due': {
      const refunded = run.refunded ?? run.charged - run.outstanding;
      if (refunded <= 0) return `${what} ${how} and was charged ${formatCredits(run.charged)}${inferred}: that is due back to you.`;
      const verb = run.outstanding === 1 ? 'is' : 'are';
      return `${what} ${how} and was charged ${formatCredits(run.charged)}${inferred}; ${formatCredits(refunded)} came back already, so ${formatCredits(run.outstanding)} ${verb} due back to you.`;
    }
    case 'refunded':
      return `${what} ${how}; the ${formatCredits(run.charged)} it cost were already refunded, so nothing is due.`;
    case 'not_charged':
      return `${what} ${how}, and no credits were charged for it.`;
    case 'in_progress':
      return `${what} is still in progress, so nothing is settled yet; if it completes, it lands in the Library.`;
  }
}

/** The account's facts about the runs: verdict, amount, run and time, in `zone`. */
export function findingsText(runs: readonly ReconciledRun[], zone: string, now: string): string {
  if (runs.length === 0) return 'I found no failed or stuck run in your account’s history around then.';
  return runs.map((run) => runSentence(run, zone, now)).join(' ');
}

/** The findings' details, a tap away: the spends of the shared pool around those runs, and the balance. */
export function findingsMore(nearby: readonly OtherSpend[], balance: number, zone: string, now: string): string {
  const described = nearby.slice(0, 3).map((s) => {
    const at = formatWhen(s.createdAt, zone, now);
    const what = s.studio ? `${withArticle(studioName(s.studio))} run at ${at}, maybe in another tab,` : `a charge at ${at} not tied to a run`;
    return `${what} used ${formatCredits(s.amount)}`;
  });
  if (nearby.length > 3) described.push(`${nearby.length - 3} more`);
  const others = described.length > 0
    ? `Other spends from your shared credit pool around then: ${described.join('; ')}.`
    : 'One shared credit pool covers every studio, so a run in another tab can change your balance too.';
  return `${others} Your balance is ${formatCredits(balance)}.`;
}

/** The findings step without account data (anonymous): what signing in would let the bot check, and what support needs. */
export const anonymousFindings =
  'Without a signed-in account I can’t see your history, so I can’t check for a charge myself. Sign in to PrismPoster and open this chat again and I can. Or support can check: they need the email you sign in with, the studio and roughly when.';

/** The findings' question: send, or (when steps remain, as after a question about a charge) keep troubleshooting. */
export function askToSend(stepsRemain: boolean): string {
  return stepsRemain ? 'Shall I send it to support? Or we can keep troubleshooting.' : questions.send_to_support;
}

/** The account's charge after a knowledge answer that says otherwise in general. */
export function accountSaysOtherwise(sentences: readonly string[]): string {
  return `Your account shows a charge, though. ${sentences.join(' ')} I can send it to support for you.`;
}

/** A charge question once the packet is being prepared. */
export function chargeInPacket(sentences: readonly string[]): string {
  return sentences.length > 0
    ? `${sentences.join(' ')} It’s in your report: press Send when you’re ready.`
    : 'Support will check your charges with this report: press Send when you’re ready.';
}

export const handOffFailed = 'I couldn’t reach the support queue just now, so your report wasn’t sent yet. Press Send to try again.';
export const findingsUnavailable = 'I couldn’t reach your account’s history just now, so I can’t confirm charges.';
export function findingsNoAccount(email: string): string {
  return `I can’t find a PrismPoster account for ${email}, the address you’re signed in with, so I can’t confirm charges. If you use another address for PrismPoster, mention it and support will look it up.`;
}

/** Why the conversation ends: it works, the user says all is fine, or the user chose not to send. */
export type Closing = 'worked' | 'fine' | 'declined';
const closings: Record<Closing, string> = {
  worked: 'Great, glad it works now! If anything else goes wrong, just write here.',
  fine: 'Alright, glad it’s fine. If anything else comes up, just write here.',
  declined: 'OK, I won’t send anything. If it fails again or you change your mind, just write here.',
};
export function closing(reason: Closing): string {
  return closings[reason];
}
export const stillClosed = 'Glad it’s sorted. If something else goes wrong, tell me what happened.';

/** A knowledge-base answer, with the article it came from. */
export function kbAnswerText(answer: KbAnswer): string {
  return `${answer.text} (from “${answer.title}”)`;
}

function settingsWords(settings: CaseDetails['settings']): string {
  const s = settings ?? {};
  return [
    s.resolution ? `resolution ${s.resolution}` : '',
    s.referenceImages ? `${s.referenceImages} reference ${s.referenceImages === 1 ? 'image' : 'images'}` : '',
    s.durationSeconds ? `${s.durationSeconds} seconds long` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** "Got it: Video Studio, 14:05 (Europe/Berlin) and the prompt." and the step's question. */
export function notedText(noted: readonly Noted[], details: ProblemDetails, zone: string, asking: Asking | null): string {
  const words: Record<Noted, string> = {
    email: `your email ${details.email ?? ''}`,
    studio: details.studio ? studioName(details.studio) : '',
    occurredAt: details.occurredAt ? `${formatClock(details.occurredAt, zone)} (${zone})` : '',
    prompt: 'the prompt',
    errorMessage: 'the error message',
    settings: settingsWords(details.settings),
    generationIds: details.generationIds.length === 1 ? 'the run id' : 'the run ids',
    stepsTried: 'what you tried',
  };
  return `Got it: ${joinWords(noted.map((n) => words[n]).filter(Boolean))}. ${confirm(asking)}`;
}

const stepWords: Record<StepTried, string> = { retry: 'retried', simplify: 'simplified', checked_credits: 'checked the Credits page' };
const missingPhrases: Record<Missing, string> = {
  accountEmail: 'your account email (the one you sign in with)',
  studio: 'which studio you used',
  prompt: 'the prompt, in quotes',
  occurredAt: 'roughly when it happened',
};

/** What will be sent, and ONLY what is still missing. */
export function packetText(details: CaseDetails, missing: readonly Missing[]): string {
  const settings = settingsWords(details.settings);
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
      ? `To trace the run without back-and-forth, support still needs ${joinWords(missing.map((m) => missingPhrases[m]))}. Type them here, then press Send.`
      : 'Press Send when you’re ready.',
  ];
  return lines.filter(Boolean).join('\n');
}

const handOffMissing: Record<string, string> = {
  accountEmail: 'your account email',
  studio: 'the studio',
  prompt: 'the prompt',
  occurredAt: 'the time it happened',
  timestamp: 'the time it happened',
  errorMessage: 'the exact error message',
};

/** The hand-off: the ref, what was found, and whether a refund was issued or proposed. */
export function handedOffText(result: HandOffResult, found: { due: number } | null): string {
  const facts = found === null
    ? 'I couldn’t confirm charges from here, so support will check them.'
    : found.due > 0
      ? `What I found: ${formatCredits(found.due)} charged for work you never received.`
      : 'What I found: no credits are due back for this.';
  const refund = result.refund
    ? `A refund of ${formatCredits(result.refund.amount)} was issued automatically.`
    : result.proposedRefund > 0
      ? `I’ve proposed a refund of ${formatCredits(result.proposedRefund)} to the support team; they’ll confirm it.`
      : '';
  const missing = result.missing.length > 0
    ? `They may still ask you for ${joinWords(result.missing.map((m) => handOffMissing[m] ?? m))}.`
    : '';
  return [`Sent! Your reference is ${result.ref}; quote it in any message about this case.`, facts, refund, missing]
    .filter(Boolean)
    .join(' ');
}

/** After the hand-off, anything else gets the ref again. */
export function afterHandOffText(ref: string): string {
  return `Your report ${ref} is with support. If anything changes, write here and quote ${ref}.`;
}
