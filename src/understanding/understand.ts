import { z } from 'zod';
import { DeskError } from '../core/errors.ts';
import { PACKET_REF } from '../core/packet-ref.ts';
import type { Studio } from '../core/platform-types.ts';
import type { Step } from '../core/support-packet.ts';
import { type Candidate, type Classification, IntentClassifier } from './classify.ts';
import { extractFields, type ReportFields } from './extract-fields.ts';
import { findOccurredAt, type TimeReference, toUtcString } from './extract-time.ts';
import type { Intent } from './intents.ts';
import { pickLocale } from './language.ts';
import { localePacks } from './locales/index.ts';
import type { LocalePack } from './locales/locale-pack.ts';
import { models } from './models.ts';
import { findNamedZone, formatOffset, isIanaZone } from './time-zones.ts';

/** What a report says, as both the chat and the email intake need it; every field null or empty when absent. */
export interface UnderstoodFields {
  studio: Studio | null;
  prompt: string | null;
  settings: Record<string, unknown> | null;
  errorMessage: string | null;
  /** When the attempt happened, UTC ISO: `2026-11-24T13:05:00.000Z` in chat, `2026-11-24T13:05:00Z` (email-report.md) in email. */
  occurredAt: string | null;
  accountEmail: string | null;
  generationIds: string[];
  stepsTried: Step[];
}

/** What one message means and says. */
export interface Understanding {
  /** The language it was read in. */
  locale: string;
  /** The reading to act on, or null: below the threshold, contradicted by its own negations, or none. */
  intent: Intent | null;
  /** How sure the reading is, 0–1 (the top candidate's score). */
  confidence: number;
  /** The best readings, best first, with their scores: what to offer as buttons when `intent` is null. */
  candidates: Candidate[];
  withheld: Classification['withheld'];
  fields: UnderstoodFields;
}

export interface UnderstandOptions {
  /** `en`, `fr-FR`…: read in this language when we have it; else guessed. */
  locale?: string | null;
  /** Now, epoch ms: "an hour ago", "at 3pm" are read against it. */
  now: number;
  /** The user's IANA zone; an unknown one reads as UTC. */
  timezone: string;
}

const ChatInput = z.object({
  text: z.string(),
  locale: z.string().max(35).nullish(),
  now: z.number().finite(),
  timezone: z.string().max(100),
});
const EmailInput = z.object({
  subject: z.string(),
  own: z.string(),
  forwarded: z.string().nullable(),
  sentAt: z.number().finite().nullable(),
  headerOffset: z.number().int().min(-24 * 60).max(24 * 60).nullable(),
  locale: z.string().max(35).nullish(),
});

/** Bad input is the caller's bug: a clear error naming the field, nothing read. */
function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DeskError('bad_request', `understand: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
}

const classifiers = new Map<string, IntentClassifier>();

function classifierFor(pack: LocalePack): IntentClassifier {
  let classifier = classifiers.get(pack.locale);
  if (!classifier) {
    const model = models[pack.locale];
    if (!model) throw new Error(`no intent model for "${pack.locale}": run \`npm run nlu:train\``);
    classifier = new IntentClassifier(model, pack);
    classifiers.set(pack.locale, classifier);
  }
  return classifier;
}

/** The classifier reads the start of a long message: the intent of a complaint is in its first lines. */
const MAX_CLASSIFIED = 2000;

function packFor(text: string, locale: string | null | undefined): LocalePack {
  const pack = localePacks[pickLocale(text, locale)];
  if (!pack) throw new Error('no locale pack');
  return pack;
}

function reading(text: string, pack: LocalePack): Omit<Understanding, 'fields'> {
  const c = classifierFor(pack).classify(text.slice(0, MAX_CLASSIFIED));
  return { locale: pack.locale, intent: c.intent, confidence: c.confidence, candidates: c.candidates, withheld: c.withheld };
}

function publicFields(f: ReportFields, occurredAt: string | null): UnderstoodFields {
  return {
    studio: f.studio,
    prompt: f.prompt,
    settings: f.settings,
    errorMessage: f.errorMessage,
    occurredAt,
    accountEmail: f.accountEmail,
    generationIds: f.generationIds,
    stepsTried: f.stepsTried,
  };
}

/** The first time of the attempt: a `Time:` line's, else the text's. */
function timeOf(f: ReportFields, ref: TimeReference, pack: LocalePack): Date | null {
  return (f.labelledTime ? findOccurredAt(f.labelledTime, ref, pack) : null) ?? findOccurredAt(f.rest, ref, pack);
}

/**
 * One chat message: its intent with a confidence, and the report's fields it gives. Pure, no
 * network, the same on Node and Workers. See `index.ts` for the whole API.
 */
export function understand(text: string, options: UnderstandOptions): Understanding {
  check(ChatInput, { ...options, text });
  const pack = packFor(text, options.locale);
  const fields = extractFields(text, pack, 'chat');
  const zone = isIanaZone(options.timezone) ? options.timezone : 'UTC';
  const occurred = timeOf(fields, { instant: new Date(options.now), zone: { name: zone, iana: zone, abbreviation: null, offsetMinutes: null }, headerOffset: null }, pack);
  return { ...reading(text, pack), fields: publicFields(fields, occurred?.toISOString() ?? null) };
}

/** A mail's parts as the intake separates them (quoted replies and signatures already out). */
export interface EmailText {
  subject: string;
  /** What the sender wrote in this message. */
  own: string;
  /** The text of a message they forwarded, if any. */
  forwarded: string | null;
  /** The `Date` header (or when it arrived), epoch ms. */
  sentAt: number | null;
  /** The `Date` header's offset from UTC, minutes. */
  headerOffset: number | null;
  locale?: string | null;
}

export interface EmailUnderstanding extends Understanding {
  /** The zone the text names (IANA where unambiguous, else as written), else the `Date` header's offset; null without either. */
  timezone: string | null;
  /** Whether the text named the zone. */
  zoneNamed: boolean;
}

const cleanSubject = (subject: string) =>
  subject.replace(new RegExp(PACKET_REF.source, 'g'), ' ').replace(/^\s*(?:(?:re|fwd?|fw|aw|wg|sv|tr)\s*:\s*|\[\s*\]\s*)+/gi, '').trim();

/** The user's own words win field by field; what they forwarded fills the gaps. */
function merge(own: ReportFields, forwarded: ReportFields | null): ReportFields {
  if (!forwarded) return own;
  return {
    accountEmail: own.accountEmail ?? forwarded.accountEmail,
    studio: own.studio ?? forwarded.studio,
    prompt: own.prompt ?? forwarded.prompt,
    settings: own.settings ?? forwarded.settings,
    errorMessage: own.errorMessage ?? forwarded.errorMessage,
    generationIds: [...new Set([...own.generationIds, ...forwarded.generationIds])],
    stepsTried: [...new Set([...own.stepsTried, ...forwarded.stepsTried])],
    labelledTime: own.labelledTime ?? forwarded.labelledTime,
    rest: own.rest,
  };
}

/**
 * An emailed report: its intent, and the fields of email-report.md from the sender's own words
 * (subject and body), gaps filled from a forwarded message (a platform notification, an earlier
 * report). `accountEmail` is only an address the text names as the account: the intake falls
 * back to the sender.
 */
export function understandEmail(mail: EmailText): EmailUnderstanding {
  check(EmailInput, mail);
  const subject = cleanSubject(mail.subject);
  const ownText = `${subject}\n${mail.own}`;
  const pack = packFor(`${ownText}\n${mail.forwarded ?? ''}`, mail.locale);
  const own = extractFields(ownText, pack, 'email', subject.length + 1);
  const forwarded = mail.forwarded ? extractFields(mail.forwarded, pack, 'email') : null;
  const fields = merge(own, forwarded);
  const zone = findNamedZone(own.rest) ?? (forwarded ? findNamedZone(forwarded.rest) : null);
  const ref: TimeReference = { instant: mail.sentAt === null ? null : new Date(mail.sentAt), zone, headerOffset: mail.headerOffset };
  const occurred = timeOf(own, ref, pack) ?? (forwarded ? timeOf(forwarded, ref, pack) : null);
  return {
    ...reading(ownText, pack),
    fields: publicFields(fields, occurred ? toUtcString(occurred) : null),
    timezone: zone?.name ?? (mail.headerOffset !== null && mail.sentAt !== null ? formatOffset(mail.headerOffset) : null),
    zoneNamed: zone !== null,
  };
}
