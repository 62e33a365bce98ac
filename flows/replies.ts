/**
 * Every text the bot says, as functions of their parameters (format.ts formats times, amounts and
 * studio names). Messages are short, one idea each, details behind the "Tell me more" option.
 * A fixed text is written in English here and put in the user's language by src/chat/flow-texts.ts;
 * a text made of the account's facts is written in `lang` here, from knowledge/messages/<lang>.json.
 */
import type { OtherSpend, ReconciledRun } from '../src/core/reconcile-account.ts';
import { DEFAULT_LOCALE, type Locale } from '../src/i18n/locales.ts';
import { type MessageKey, message } from '../src/i18n/messages.ts';
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

const questionKeys: Record<Asking, MessageKey> = {
  which_run: 'flow.ask.which_run',
  what_happened: 'flow.ask.what_happened',
  arrived: 'flow.ask.arrived',
  retried: 'flow.ask.went_through',
  simplified: 'flow.ask.went_through',
  send_to_support: 'flow.ask.send_to_support',
  send: 'flow.ask.send',
};

/** The step's question in `lang`, for a text of facts that ends with it. */
function question(asking: Asking | null, lang: Locale): string {
  return message(lang, asking ? questionKeys[asking] : 'flow.ask.none');
}

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

/**
 * The waiting step: a run still within its expected time, a run stuck past it, or a run only
 * described as stuck (told to start it again unless it was already).
 */
export function waitingText(run: RecentRun | null, zone: string, restarted = false, lang: Locale = DEFAULT_LOCALE): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) => message(lang, key, params);
  if (run === null) {
    const check = t(restarted ? 'flow.waiting.check_restarted' : 'flow.waiting.check');
    return [t('flow.waiting.stuck_not_slow'), check, t('flow.never_finished_costs_nothing'), t('flow.waiting.come_through')].join(' ');
  }
  const status = t(`run.status.${run.status}`);
  const facts = { studio: studioName(run.studio, lang), time: formatClock(run.createdAt, zone), minutes: run.expectedMinutes, status };
  if (run.stuck) {
    return [t('flow.waiting.run_stuck', facts), t('flow.never_finished_costs_nothing'), t('flow.waiting.new_one')].join(' ');
  }
  const due = new Date(Date.parse(run.createdAt) + run.expectedMinutes * 60_000).toISOString();
  return `${t('flow.waiting.run', { ...facts, due: formatClock(due, zone), zone: zoneName(zone, lang) })} ${question('arrived', lang)}`;
}

/** The retry step, in a few lines: retry, what it costs, whether it worked. */
export function retryAdvice(run: RunFacts, options: { stuck: boolean; due: number }, lang: Locale = DEFAULT_LOCALE): string {
  const studio = run.studio ? studioName(run.studio, lang) : message(lang, 'flow.the_studio');
  const didItWork = message(lang, 'flow.ask.did_it_work');
  if (options.stuck) return [message(lang, 'flow.retry.stuck', { studio }), message(lang, 'flow.never_finished_costs_nothing'), didItWork].join(' ');
  const lines = [
    run.errorMessage ? message(lang, 'flow.retry.stopped_with', { error: run.errorMessage }) : message(lang, 'flow.retry.temporary'),
    message(lang, 'flow.retry.reload', { studio }),
    message(lang, 'flow.costs_nothing'),
    options.due > 0 ? message(lang, 'flow.retry.charged_anyway', { credits: formatCredits(options.due, lang) }) : '',
    didItWork,
  ];
  return lines.filter(Boolean).join(' ');
}

/** The retry step's details, a tap away. */
export function retryMore(run: RunFacts, lang: Locale = DEFAULT_LOCALE): string {
  return [takesLonger(run) ? message(lang, 'flow.retry.more_longer') : '', message(lang, 'flow.retry.more_library'), message(lang, 'flow.retry.more_mobile')]
    .filter(Boolean)
    .join(' ');
}

function changeWords(change: SimplifyChange, lang: Locale): string {
  switch (change.kind) {
    case 'resolution':
      return message(lang, 'flow.change.resolution', { from: change.from, to: change.to });
    case 'reference':
      return change.count === 1 ? message(lang, 'flow.change.reference') : message(lang, 'flow.change.references', { n: change.count });
    case 'long_prompt':
      return message(lang, 'flow.change.long_prompt', { words: change.words });
    case 'prompt':
      return message(lang, 'flow.change.prompt');
    case 'any':
      return message(lang, 'flow.change.any');
  }
}

/** The simplify step: the ONE change that suits the run. Never "failed again" for a run that is stuck. */
export function simplifyAdvice(run: RunFacts, options: { stuck: boolean } = { stuck: false }, lang: Locale = DEFAULT_LOCALE): string {
  return message(lang, options.stuck ? 'flow.simplify.stuck' : 'flow.simplify.failed', { change: changeWords(simplifyChange(run), lang) });
}

/** The simplify step's details, a tap away. */
export const simplifyMore =
  'Keep everything else as it was. Failures are usually a passing timeout or capacity limit, so a slightly simpler prompt or a lower resolution almost always goes through, and failed attempts cost nothing.';

/** What a run's charge sentence needs: a reconciled run, or a recent run of the greeting. */
export type ChargedRun = Pick<ReconciledRun, 'studio' | 'status' | 'stuck' | 'createdAt' | 'charged' | 'outstanding' | 'verdict'> &
  Partial<Pick<ReconciledRun, 'refunded' | 'chargeEvidence'>>;

/** "Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you." */
export function runSentence(run: ChargedRun, zone: string, now: string | null, lang: Locale = DEFAULT_LOCALE): string {
  const what = message(lang, 'flow.run.what', { studio: studioName(run.studio, lang), when: formatWhen(run.createdAt, zone, now, lang) });
  const how = message(lang, run.stuck ? 'flow.run.how.stuck' : run.status === 'canceled' ? 'flow.run.how.canceled' : 'flow.run.how.failed');
  const inferred = run.chargeEvidence === 'inferred' ? ` ${message(lang, 'flow.run.inferred')}` : '';
  const charged = formatCredits(run.charged, lang);
  switch (run.verdict) {
    case 'refund_due': {
      const refunded = run.refunded ?? run.charged - run.outstanding;
      if (refunded <= 0) return message(lang, 'flow.run.refund_due', { what, how, charged, inferred });
      const partly = { what, how, charged, inferred, refunded: formatCredits(refunded, lang), outstanding: formatCredits(run.outstanding, lang) };
      return message(lang, 'flow.run.refund_due_partly', { ...partly, count: run.outstanding });
    }
    case 'refunded':
      return message(lang, 'flow.run.refunded', { what, how, charged });
    case 'not_charged':
      return message(lang, 'flow.run.not_charged', { what, how });
    case 'in_progress':
      return message(lang, 'flow.run.in_progress', { what });
  }
}

/** The account's facts about the runs: verdict, amount, run and time, in `zone`. */
export function findingsText(runs: readonly ReconciledRun[], zone: string, now: string, lang: Locale = DEFAULT_LOCALE): string {
  if (runs.length === 0) return message(lang, 'flow.findings.none');
  return runs.map((run) => runSentence(run, zone, now, lang)).join(' ');
}

/** The findings' details, a tap away: the spends of the shared pool around those runs, and the balance. */
export function findingsMore(nearby: readonly OtherSpend[], balance: number, zone: string, now: string, lang: Locale = DEFAULT_LOCALE): string {
  const described = nearby.slice(0, 3).map((s) => {
    const at = formatWhen(s.createdAt, zone, now, lang);
    const credits = formatCredits(s.amount, lang);
    if (!s.studio) return message(lang, 'flow.spend.charge', { at, credits });
    // English puts the article before the name ("an Image Studio run"); the other languages' templates have their own.
    const studio = lang === DEFAULT_LOCALE ? withArticle(studioName(s.studio)) : studioName(s.studio, lang);
    return message(lang, 'flow.spend.run', { studio, at, credits });
  });
  if (nearby.length > 3) described.push(message(lang, 'flow.spend.more', { n: nearby.length - 3 }));
  const others = described.length > 0 ? message(lang, 'flow.spend.others', { list: described.join('; ') }) : message(lang, 'flow.spend.shared_pool');
  return `${others} ${message(lang, 'flow.balance', { credits: formatCredits(balance, lang) })}`;
}

/** The findings step without account data (anonymous): what signing in would let the bot check, and what support needs. */
export const anonymousFindings =
  'Without a signed-in account I can’t see your history, so I can’t check for a charge myself. Sign in to PrismPoster and open this chat again and I can. Or support can check: they need the email you sign in with, the studio and roughly when.';

/** The anonymous findings in `lang`, for the findings' text that goes on with a question. */
export function anonymousFindingsIn(lang: Locale): string {
  return lang === DEFAULT_LOCALE ? anonymousFindings : message(lang, 'flow.anonymous_findings');
}

/** The findings' question: send, or (when steps remain, as after a question about a charge) keep troubleshooting. */
export function askToSend(stepsRemain: boolean, lang: Locale = DEFAULT_LOCALE): string {
  return message(lang, stepsRemain ? 'flow.ask_to_send_or_troubleshoot' : 'flow.ask.send_to_support');
}

/** The account's charge after a knowledge answer that says otherwise in general. */
export function accountSaysOtherwise(sentences: readonly string[], lang: Locale = DEFAULT_LOCALE): string {
  return message(lang, 'flow.account_says_otherwise', { sentences: sentences.join(' ') });
}

/** A charge question once the packet is being prepared. */
export function chargeInPacket(sentences: readonly string[], lang: Locale = DEFAULT_LOCALE): string {
  return sentences.length > 0
    ? message(lang, 'flow.charge_in_packet_with', { sentences: sentences.join(' ') })
    : 'Support will check your charges with this report: press Send when you’re ready.';
}

export const handOffFailed = 'I couldn’t reach the support queue just now, so your report wasn’t sent yet. Press Send to try again.';
export const findingsUnavailable = 'I couldn’t reach your account’s history just now, so I can’t confirm charges.';
export function findingsNoAccount(email: string, lang: Locale = DEFAULT_LOCALE): string {
  return message(lang, 'flow.findings_no_account', { email });
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

function settingsWords(settings: CaseDetails['settings'], lang: Locale): string {
  const s = settings ?? {};
  return [
    s.resolution ? message(lang, 'flow.settings.resolution', { value: s.resolution }) : '',
    s.referenceImages ? message(lang, 'flow.settings.references', { count: s.referenceImages }) : '',
    s.durationSeconds ? message(lang, 'flow.settings.duration', { seconds: s.durationSeconds }) : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** "Got it: Video Studio, 14:05 (Europe/Berlin) and the prompt." and the step's question. */
export function notedText(noted: readonly Noted[], details: ProblemDetails, zone: string, asking: Asking | null, lang: Locale = DEFAULT_LOCALE): string {
  const words: Record<Noted, string> = {
    email: message(lang, 'flow.noted.email', { email: details.email ?? '' }),
    studio: details.studio ? studioName(details.studio, lang) : '',
    occurredAt: details.occurredAt ? `${formatClock(details.occurredAt, zone)} (${zone})` : '',
    prompt: message(lang, 'flow.noted.prompt'),
    errorMessage: message(lang, 'flow.noted.error'),
    settings: settingsWords(details.settings, lang),
    generationIds: message(lang, details.generationIds.length === 1 ? 'flow.noted.run_id' : 'flow.noted.run_ids'),
    stepsTried: message(lang, 'flow.noted.steps'),
  };
  return message(lang, 'flow.noted', { list: joinWords(noted.map((n) => words[n]).filter(Boolean), lang), question: question(asking, lang) });
}

const stepKeys: Record<StepTried, MessageKey> = { retry: 'flow.step.retry', simplify: 'flow.step.simplify', checked_credits: 'flow.step.checked_credits' };
const missingKeys: Record<Missing, MessageKey> = {
  accountEmail: 'flow.missing.accountEmail',
  studio: 'flow.missing.studio',
  prompt: 'flow.missing.prompt',
  occurredAt: 'flow.missing.occurredAt',
};

/** What will be sent, and ONLY what is still missing. */
export function packetText(details: CaseDetails, missing: readonly Missing[], lang: Locale = DEFAULT_LOCALE): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) => message(lang, key, params);
  const settings = settingsWords(details.settings, lang);
  const when = details.occurredAt ? formatDateTime(details.occurredAt, details.timezone, lang) : '';
  const lines = [
    t('flow.packet.intro'),
    details.accountEmail ? t(details.verified ? 'flow.packet.account_signed_in' : 'flow.packet.account', { email: details.accountEmail }) : '',
    details.studio ? t('flow.packet.studio', { studio: studioName(details.studio, lang) }) : '',
    details.prompt ? t('flow.packet.prompt', { prompt: details.prompt }) : '',
    settings ? t('flow.packet.settings', { settings }) : '',
    details.errorMessage ? t('flow.packet.error', { error: details.errorMessage }) : '',
    when ? t('flow.packet.when', { when, zone: zoneName(details.timezone, lang) }) : '',
    details.stepsTried.length > 0 ? t('flow.packet.tried', { list: joinWords(details.stepsTried.map((s) => t(stepKeys[s])), lang) }) : '',
    missing.length > 0 ? t('flow.packet.missing', { list: joinWords(missing.map((m) => t(missingKeys[m])), lang) }) : t('flow.packet.ready'),
  ];
  return lines.filter(Boolean).join('\n');
}

const handOffMissing: Record<string, MessageKey> = {
  accountEmail: 'flow.handed.missing.accountEmail',
  studio: 'flow.handed.missing.studio',
  prompt: 'flow.handed.missing.prompt',
  occurredAt: 'flow.handed.missing.occurredAt',
  timestamp: 'flow.handed.missing.occurredAt',
  errorMessage: 'flow.handed.missing.errorMessage',
};

/** The hand-off: the ref, what was found, and whether a refund was issued or proposed. */
export function handedOffText(result: HandOffResult, found: { due: number } | null, lang: Locale = DEFAULT_LOCALE): string {
  const t = (key: MessageKey, params?: Record<string, string | number>) => message(lang, key, params);
  const facts = found === null
    ? t('flow.handed.unconfirmed')
    : found.due > 0
      ? t('flow.handed.found_due', { credits: formatCredits(found.due, lang) })
      : t('flow.handed.found_none');
  const refund = result.refund
    ? t('flow.handed.refund_issued', { credits: formatCredits(result.refund.amount, lang) })
    : result.proposedRefund > 0
      ? t('flow.handed.refund_proposed', { credits: formatCredits(result.proposedRefund, lang) })
      : '';
  const missingWords = result.missing.map((m) => {
    const key = handOffMissing[m];
    return key ? t(key) : m;
  });
  const missing = missingWords.length > 0 ? t('flow.handed.may_ask', { list: joinWords(missingWords, lang) }) : '';
  return [t('flow.handed.sent', { ref: result.ref }), facts, refund, missing].filter(Boolean).join(' ');
}

/** After the hand-off, anything else gets the ref again. */
export function afterHandOffText(ref: string, lang: Locale = DEFAULT_LOCALE): string {
  return message(lang, 'flow.after_hand_off', { ref });
}
