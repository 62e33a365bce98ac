import type { Asking } from '../../flows/context.ts';
import { renderParts } from '../../flows/incident-replies.ts';
import * as reply from '../../flows/replies.ts';
import type { BotOption, TextPart } from '../../flows/types.ts';
import { DEFAULT_LOCALE, isLocale } from '../i18n/locales.ts';
import { type MessageKey, translator } from '../i18n/messages.ts';

/**
 * The flow's texts in the conversation's language. The flow writes English (flows/replies.ts); the
 * turn's messages are put in the user's language here, through the message catalogue
 * (knowledge/messages/<locale>.json): every option label by its id, a run's status in its label,
 * a help-article answer's frame, and each of the flow's fixed texts (greetings, questions, confirmations,
 * closings…) by what the flow wrote. A text made of the account's facts (a run's charge, the packet's
 * summary, advice naming a run) is written in the language by flows/replies.ts and passes unchanged.
 */

type T = ReturnType<typeof translator>;

const askings: (Asking | null)[] = ['which_run', 'what_happened', 'arrived', 'retried', 'simplified', 'send_to_support', 'send', null];

const questionKey = (asking: Asking | null): MessageKey => {
  switch (asking) {
    case 'which_run':
      return 'flow.ask.which_run';
    case 'what_happened':
      return 'flow.ask.what_happened';
    case 'arrived':
      return 'flow.ask.arrived';
    case 'retried':
    case 'simplified':
      return 'flow.ask.went_through';
    case 'send_to_support':
      return 'flow.ask.send_to_support';
    case 'send':
      return 'flow.ask.send';
    case null:
      return 'flow.ask.none';
  }
};

/** Each fixed English text of the flow, and how to write it in a language. */
function fixedTexts(): Map<string, (t: T) => string> {
  const texts = new Map<string, (t: T) => string>();
  const what = (t: T) => t('flow.ask.what_happened');
  texts.set(reply.greetings.runs, (t) => t('flow.greeting.runs'));
  texts.set(reply.greetings.noRuns, (t) => t('flow.greeting.no_runs', { question: what(t) }));
  texts.set(reply.greetings.anonymous, (t) => t('flow.greeting.anonymous', { question: what(t) }));
  texts.set(reply.greetings.unavailable, (t) => t('flow.greeting.unavailable', { question: what(t) }));
  for (const asking of askings) {
    const question = (t: T) => t(questionKey(asking));
    texts.set(reply.confirm(asking), question);
    texts.set(reply.didntCatch(asking), (t) => t('flow.didnt_catch', { question: question(t) }));
    texts.set(reply.offerPerson(asking), (t) => t(asking === 'send' ? 'flow.offer_person.send' : 'flow.offer_person'));
    texts.set(reply.smallTalk(asking), (t) => (asking ? `${t('flow.small_talk')} ${question(t)}` : t('flow.small_talk')));
  }
  texts.set(reply.noArticle, (t) => t('flow.no_article'));
  texts.set(reply.anonymousFindings, (t) => t('flow.anonymous_findings'));
  texts.set(reply.simplifyMore, (t) => t('flow.simplify_more'));
  texts.set(reply.handOffFailed, (t) => t('flow.hand_off_failed'));
  texts.set(reply.findingsUnavailable, (t) => t('flow.findings_unavailable'));
  texts.set(reply.stillClosed, (t) => t('flow.still_closed'));
  texts.set(reply.closing('worked'), (t) => t('flow.closing.worked'));
  texts.set(reply.closing('fine'), (t) => t('flow.closing.fine'));
  texts.set(reply.closing('declined'), (t) => t('flow.closing.declined'));
  texts.set(reply.askToSend(true), (t) => t('flow.ask_to_send_or_troubleshoot'));
  texts.set(reply.chargeInPacket([]), (t) => t('flow.charge_in_packet'));
  return texts;
}

let fixed: Map<string, (t: T) => string> | null = null;

/** A knowledge answer as the flow frames it: "<passage> (from “<title>”)". */
const KB_ANSWER = /^([\s\S]+) \(from “([^”]+)”\)$/;
/** A run's option label: "Video Studio · 14:05 · failed". */
const RUN_LABEL = /^(.+ · .+ · )(queued|processing|completed|failed|canceled|stuck)$/;

function label(option: BotOption, t: T): string {
  if (option.id.startsWith('run:')) {
    const run = RUN_LABEL.exec(option.label);
    return run ? `${run[1]}${t(`run.status.${run[2] as 'failed'}`)}` : option.label;
  }
  return safe(t, `option.${option.id}`, option.label);
}

/** The catalogue's text for a key the flow may name (an option id it adds later is left as the flow wrote it). */
function safe(t: T, key: string, fallback: string): string {
  try {
    return t(key as MessageKey);
  } catch {
    return fallback;
  }
}

/** The user's line for an option they pressed, in `locale`: the label the button showed them. */
export function localizeChoice(option: BotOption, locale: string | null | undefined): string {
  if (!isLocale(locale) || locale === DEFAULT_LOCALE) return option.label;
  return label(option, translator(locale));
}

/** A bot message's text and options in `locale`; English (and the user's own words) as they are. */
export function localizeMessage<M extends { from: string; text: string; options?: BotOption[]; parts?: TextPart[] }>(
  message: M,
  locale: string | null | undefined,
): M {
  if (!isLocale(locale) || locale === DEFAULT_LOCALE || message.from !== 'bot') return message;
  const t = translator(locale);
  fixed ??= fixedTexts();
  // A text the flow wrote from catalogue keys is written again from them.
  if (message.parts) return { ...message, text: renderParts(message.parts, locale), ...(message.options && { options: message.options.map((o) => ({ id: o.id, label: label(o, t) })) }) };
  const known = fixed.get(message.text);
  const answer = known ? null : KB_ANSWER.exec(message.text);
  const text = known ? known(t) : answer ? t('flow.kb_answer', { text: answer[1] ?? '', title: answer[2] ?? '' }) : message.text;
  return { ...message, text, ...(message.options && { options: message.options.map((o) => ({ id: o.id, label: label(o, t) })) }) };
}
