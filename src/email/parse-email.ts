import PostalMime, { type Email, type Header } from 'postal-mime';
import { z } from 'zod';
import { PACKET_REF } from '../core/packet-ref.ts';
import type { Step } from '../core/support-packet.ts';
import { isAutoSubmitted } from './auto-submitted.ts';
import { boundMime } from './bound-mime.ts';
import { DEFAULT_EMAIL_LIMITS, type EmailLimits, type EmailReport, EmailRejectedError } from './email-report.ts';
import { understandEmail } from '../understanding/index.ts';
import { dateHeaderOffset } from '../understanding/time-zones.ts';
import { htmlToText } from './html-to-text.ts';
import { repairC1 } from './repair-c1.ts';
import { splitBody } from './split-body.ts';

export interface ParseOptions {
  limits?: Partial<EmailLimits>;
  /** When the message arrived (epoch ms): relative wording is read against it when there is no `Date`. */
  receivedAt?: number;
}

/** The report and what the intake needs besides: headers (trust), the user's words, threading. */
export interface ParsedEmail {
  report: EmailReport;
  /** The Message-ID, or a SHA-256 of the message when it has none: what makes a redelivery the same message. */
  key: string;
  headers: readonly Header[];
  fromName: string;
  /** What the user wrote (and forwarded), for the packet's transcript. */
  text: string;
  /**
   * The subject and the start of the user's own words (nothing quoted or forwarded): what tells their
   * language. A few hundred words tell it; guessing over a 20 MB body would hold the event loop up.
   */
  ownText: string;
  /** The `Date` header, epoch ms, when it parses. */
  date: number | null;
  /** `In-Reply-To` and `References`, oldest first, for answering in the same thread. */
  references: string[];
  stepsTried: Step[];
  /** Whether the text named the zone (else `timezone` is the `Date` header's offset). */
  zoneNamed: boolean;
  attachments: string[];
  size: number;
}

const MAX_TEXT = 100_000;
/** The subject without a case ref or Re:/Fwd: prefixes: the user's own words. */
const ownSubject = (subject: string) => subject.replace(PACKET_REF, ' ').replace(/^\s*(?:(?:re|fwd?|fw|aw|wg|sv|tr)\s*:\s*|\[\s*\]\s*)+/gi, '').trim();
const OWN_TEXT_FOR_LANGUAGE = 2000;
const Email = z.email();
const isEmail = (value: string) => Email.safeParse(value).success;

/** Any input as bytes: the size cap is on bytes, and postal-mime reads bytes with their declared charset. */
export function toBytes(raw: ArrayBuffer | string | Uint8Array): Uint8Array {
  if (typeof raw === 'string') return new TextEncoder().encode(raw);
  return raw instanceof Uint8Array ? raw : new Uint8Array(raw);
}

async function readMime(bytes: Uint8Array, limits: EmailLimits): Promise<Email> {
  if (bytes.byteLength === 0) throw new EmailRejectedError('empty', 'the message is empty');
  if (bytes.byteLength > limits.maxBytes) {
    throw new EmailRejectedError('too_large', `the message is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  // Only what the desk reads of the message (its structure, text, attachments' names), within its limits.
  const input = boundMime(bytes, limits);
  try {
    // The whole buffer rather than a view of it: postal-mime copies a view before reading it.
    const whole = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input.buffer : input;
    return await PostalMime.parse(whole as ArrayBuffer | Uint8Array, {
      maxNestingDepth: limits.maxNestingDepth,
      maxHeadersSize: limits.maxHeaderBytes,
      maxRfc822NestingDepth: limits.maxRfc822Depth,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nesting depth/i.test(message)) throw new EmailRejectedError('too_deeply_nested', message, { cause: error });
    if (/header size/i.test(message)) throw new EmailRejectedError('headers_too_large', message, { cause: error });
    throw new EmailRejectedError('unparseable', `the message could not be parsed: ${message}`, { cause: error });
  }
}

async function fallbackMessageId(bytes: Uint8Array): Promise<string> {
  const whole = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', whole));
  return `<${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}@no-message-id.invalid>`;
}

const messageIds = (value: string | undefined) => value?.match(/<[^<>\s]+>/g) ?? [];
/**
 * Parses a raw message into the report of email-report.md, plus what the intake needs. Throws
 * `EmailRejectedError` (with its reason) for a message that cannot be a report: empty, over the
 * size, header, part or nesting limits, unparseable, or without a sender; never anything else.
 * Runtime-neutral.
 */
export async function parseEmail(raw: ArrayBuffer | string | Uint8Array, options: ParseOptions = {}): Promise<ParsedEmail> {
  try {
    return await readEmail(toBytes(raw), options);
  } catch (error) {
    // Whatever reading the message trips on is a fact about the message: a rejection with its reason.
    if (error instanceof EmailRejectedError) throw error;
    throw new EmailRejectedError('unparseable', error instanceof Error ? error.message : String(error), { cause: error });
  }
}

async function readEmail(bytes: Uint8Array, options: ParseOptions): Promise<ParsedEmail> {
  const limits = { ...DEFAULT_EMAIL_LIMITS, ...options.limits };
  const email = await readMime(bytes, limits);
  const sender = email.from?.address ? email.from : email.from?.group?.[0];
  const from = sender?.address?.trim();
  if (!from) throw new EmailRejectedError('no_sender', 'the message has no From address');

  const subject = repairC1(email.subject ?? '').trim();
  const html = repairC1(email.html);
  const body = (repairC1(email.text) ?? (html ? htmlToText(html) : '')).slice(0, MAX_TEXT);
  const parts = splitBody(body, /^\s*(?:\[[^\]]*\]\s*)?(?:re:\s*)*(?:fwd?|wg|tr)\s*:/i.test(subject));
  const dateHeader = email.headers.find((h) => h.key === 'date')?.value;
  const parsedDate = email.date ? Date.parse(email.date) : Number.NaN;
  const date = Number.isNaN(parsedDate) ? null : parsedDate;
  // The sender's own words first, a forwarded message (a platform notification) filling the gaps: src/understanding.
  const understood = understandEmail({
    subject,
    own: parts.own,
    forwarded: parts.forwarded?.text ?? null,
    sentAt: date ?? options.receivedAt ?? null,
    headerOffset: dateHeaderOffset(dateHeader),
  });
  const fields = understood.fields;
  // Without a readable Date header its offset says nothing of the sender's zone.
  const timezone = understood.zoneNamed || date !== null ? understood.timezone : null;

  const refIn = [subject, parts.own, parts.forwarded?.text ?? '', parts.quoted].map((t) => PACKET_REF.exec(t)?.[0]).find(Boolean);
  const report: EmailReport = {
    messageId: email.messageId?.trim() || null,
    from,
    subject,
    accountEmail: fields.accountEmail ?? (isEmail(from) ? from : null),
    studio: fields.studio,
    prompt: fields.prompt,
    settings: fields.settings,
    errorMessage: fields.errorMessage,
    occurredAt: fields.occurredAt,
    timezone,
    generationIds: fields.generationIds,
    packetRef: refIn ?? null,
    autoSubmitted: isAutoSubmitted(email.headers, from),
    missing: [],
  };
  report.missing = [
    ...(report.studio ? [] : (['studio'] as const)),
    ...(report.prompt ? [] : (['prompt'] as const)),
    ...(report.occurredAt ? [] : (['timestamp'] as const)),
  ];

  const attachments = email.attachments.map((a) => a.filename ?? a.mimeType);
  const forwardedText = parts.forwarded ? `\n\n---------- Forwarded message ----------\n${parts.forwarded.text}` : '';
  return {
    report,
    key: report.messageId ?? (await fallbackMessageId(bytes)),
    headers: email.headers,
    fromName: repairC1(sender?.name ?? ''),
    text: `${parts.own}${forwardedText}${attachments.length ? `\n\n[attachments: ${attachments.join(', ')}]` : ''}`.trim(),
    ownText: `${ownSubject(subject)}\n${parts.own.slice(0, OWN_TEXT_FOR_LANGUAGE)}`.trim(),
    date,
    references: [...new Set([...messageIds(email.references), ...messageIds(email.inReplyTo)])],
    stepsTried: fields.stepsTried,
    zoneNamed: understood.zoneNamed,
    attachments,
    size: bytes.byteLength,
  };
}

/** The parse result of email-report.md for a raw message (see `parseEmail`). */
export async function parseEmailReport(raw: ArrayBuffer | string | Uint8Array, options: ParseOptions = {}): Promise<EmailReport> {
  return (await parseEmail(raw, options)).report;
}
