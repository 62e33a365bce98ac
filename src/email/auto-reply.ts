import type { Packet } from '../core/support-packet.ts';
import { DEFAULT_LOCALE, type Locale, STAFF_LOCALE, isLocale } from '../i18n/locales.ts';
import { translator } from '../i18n/messages.ts';
import { formatMoment } from './mail-format.ts';

/**
 * The queued auto-reply ('email.auto_reply' outbox payload): composed when the report is filed.
 * The HTML part is made from the text when the mail is sent (`textToHtml`), not stored with it.
 */
export interface AutoReplyPayload {
  ref: string;
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
}

type T = ReturnType<typeof translator>;

const askFor = (t: T, field: Packet['missing'][number]) => t(`email.missing.${field}`);

const generalHelp = (t: T) => [t('email.help_intro'), `- ${t('email.help.retry')}`, `- ${t('email.help.simplify')}`, `- ${t('email.help.credits')}`].join('\n');

/** In another language than staff's, which language support answers in (and that theirs is welcome). */
function staffLanguage(t: T, locale: Locale): string[] {
  return locale === STAFF_LOCALE ? [] : [t('email.staff_language', { language: t(`language.${locale}`) }), ''];
}

function describeRuns(packet: Packet, t: T, locale: Locale): string[] {
  const runs = packet.findings?.runs ?? [];
  return runs.map((run) => {
    const when = formatMoment(run.createdAt, packet.timezone, locale);
    const what = t('email.run', { studio: t(`studio.${run.studio}`), id: run.generationId, when });
    const status = t(`run.status.${run.status}`);
    const outcome = run.error ? t('email.run_error', { status, message: run.error.message }) : run.stuck ? t('email.run_stuck') : status;
    const money =
      run.verdict === 'refund_due'
        ? t('email.money.refund_due', { charged: run.charged, outstanding: run.outstanding })
        : run.verdict === 'refunded'
          ? t('email.money.refunded', { charged: run.charged })
          : run.verdict === 'not_charged'
            ? t('email.money.not_charged')
            : t('email.money.in_progress');
    return `- ${t('email.run_line', { what, outcome, money })}`;
  });
}

/**
 * The one automatic answer to a report from a verified sender (RFC 3834: sent only to a person,
 * marked auto-replied): the case's ref, what the desk found on the account (for a verified
 * account holder), what it read in the message, and a request for only what is still missing.
 * Written in `locale`, the language of the report (English by default), with its dates; the user's
 * own words (prompt, error) as they wrote them, and in another language a line on staff's.
 */
export function composeAutoReply(input: {
  packet: Packet;
  accountFound: boolean;
  joined: boolean;
  name: string;
  subject: string;
  inReplyTo: string | null;
  references: readonly string[];
  locale?: string | null;
}): AutoReplyPayload {
  const { packet } = input;
  const locale: Locale = isLocale(input.locale) ? input.locale : DEFAULT_LOCALE;
  const t = translator(locale);
  const greeting = input.name ? t('email.greeting_named', { name: input.name.split(/\s+/)[0] ?? '' }) : t('email.greeting');
  const lines: string[] = [greeting, ''];
  lines.push(input.joined ? t('email.joined', { ref: packet.ref }) : t('email.new_case', { ref: packet.ref }), '');
  if (!packet.verified) {
    lines.push(t('email.unverified'), '', generalHelp(t), '');
  } else if (!input.accountFound) {
    lines.push(t('email.no_account', { email: packet.accountEmail ?? t('email.this_address') }), '');
  } else {
    const runs = describeRuns(packet, t, locale);
    lines.push(...(runs.length > 0 ? [t('email.found_intro'), ...runs] : [t('email.found_none')]), '');
  }
  const understood = [
    packet.studio && `- ${t('email.understood.studio', { studio: t(`studio.${packet.studio}`) })}`,
    packet.prompt && `- ${t('email.understood.prompt', { prompt: packet.prompt })}`,
    packet.errorMessage && `- ${t('email.understood.error', { error: packet.errorMessage })}`,
    packet.occurredAt && `- ${t('email.understood.when', { when: formatMoment(packet.occurredAt, packet.timezone, locale) })}`,
  ].filter((l): l is string => Boolean(l));
  if (understood.length > 0) lines.push(t('email.understood_intro'), ...understood, '');
  if (packet.missing.length > 0) {
    lines.push(t('email.missing_intro'), ...packet.missing.map((m) => `- ${askFor(t, m)}`), '', t('email.missing_outro'), '');
  } else {
    lines.push(t('email.nothing_missing'), '');
  }
  lines.push(...staffLanguage(t, locale), t('email.signature'));
  const text = lines.join('\n');
  const base = input.subject.replace(/\[PKT-[A-Z0-9]{6,10}\]\s*/g, '').trim() || t('email.subject_default');
  return {
    ref: packet.ref,
    subject: `[${packet.ref}] ${/^re:/i.test(base) ? base : `Re: ${base}`}`,
    text,
    inReplyTo: input.inReplyTo,
    references: [...input.references],
  };
}

/**
 * The automatic answer to a sender whose address is not verified: the same fixed text for all but
 * the case's ref. Nothing of the message (subject, name, prompt, error, links, its Message-ID) goes
 * back, since the From address may be somebody else's: the desk must not mail a stranger's words
 * from our domain to a third party.
 */
export function composeAcknowledgement(ref: string, asked?: string | null): AutoReplyPayload {
  // The language it was written in is all that is taken from the message.
  const locale: Locale = isLocale(asked) ? asked : DEFAULT_LOCALE;
  const t = translator(locale);
  const text = [
    t('email.greeting'),
    '',
    t('email.ack.thanks', { ref }),
    '',
    t('email.ack.unverified'),
    '',
    generalHelp(t),
    '',
    t('email.ack.ask_intro'),
    ...(['accountEmail', 'studio', 'prompt', 'timestamp'] as const).map((m) => `- ${askFor(t, m)}`),
    '',
    ...staffLanguage(t, locale),
    t('email.signature'),
  ].join('\n');
  return { ref, subject: `[${ref}] ${t('email.ack.subject')}`, text, inReplyTo: null, references: [] };
}
