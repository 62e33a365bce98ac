import { z } from 'zod';
import { DeskError } from '../core/errors.ts';
import { Studio } from '../core/platform-types.ts';

/** What an email report can leave out, in the order it is asked for (email-report.md). */
export const emailMissingFields = ['studio', 'prompt', 'timestamp'] as const;
export const EmailMissingField = z.enum(emailMissingFields);
export type EmailMissingField = z.infer<typeof EmailMissingField>;

/**
 * The parse result of email-report.md: a public contract, printed as is by
 * `npm run cli -- email parse FILE.eml --json`. Keys are declared in the contract's order.
 */
export const EmailReport = z.object({
  messageId: z.string().nullable(),
  from: z.string(),
  subject: z.string(),
  accountEmail: z.string().nullable(),
  studio: Studio.nullable(),
  prompt: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()).nullable(),
  errorMessage: z.string().nullable(),
  /** UTC, `2026-11-20T13:05:00Z`. */
  occurredAt: z.string().nullable(),
  /** IANA where unambiguous, an ambiguous abbreviation as written (`CET`), else the Date offset (`+01:00`). */
  timezone: z.string().nullable(),
  generationIds: z.array(z.string()),
  packetRef: z.string().nullable(),
  autoSubmitted: z.boolean(),
  missing: z.array(EmailMissingField),
});
export type EmailReport = z.infer<typeof EmailReport>;

/** Why a message is refused before it becomes a report. */
export type EmailRejectReason =
  | 'empty'
  | 'too_large'
  | 'headers_too_large'
  | 'too_deeply_nested'
  | 'too_many_parts'
  | 'too_complex'
  | 'unparseable'
  | 'no_sender';

/** A message that cannot become a report. The intake keeps it as a dead letter with this reason. */
export class EmailRejectedError extends DeskError {
  readonly reason: EmailRejectReason;

  constructor(reason: EmailRejectReason, message: string, options?: { cause?: unknown }) {
    super(reason === 'too_large' ? 'payload_too_large' : 'bad_request', message, options);
    this.name = 'EmailRejectedError';
    this.reason = reason;
  }
}

/** The limits a raw message must stay within. */
export interface EmailLimits {
  /** The whole message, as Cloudflare Email Routing allows: 25 MiB. */
  maxBytes: number;
  /** All header bytes of all MIME parts together. */
  maxHeaderBytes: number;
  /** MIME multipart nesting. */
  maxNestingDepth: number;
  /** Attached messages parsed inline (deeper ones stay attachments). */
  maxRfc822Depth: number;
  /** MIME parts of the whole message (the message itself counts as one). */
  maxParts: number;
  /** What the parser is given of one text part's body (or a forwarded message's): the rest is cut. */
  maxPartBytes: number;
  maxPartLines: number;
  /** What the parser is given of all bodies together: past it, later bodies are cut too. */
  maxBodyBytes: number;
  maxBodyLines: number;
}

export const DEFAULT_EMAIL_LIMITS: EmailLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxHeaderBytes: 512 * 1024,
  maxNestingDepth: 32,
  maxRfc822Depth: 3,
  maxParts: 1000,
  maxPartBytes: 1024 * 1024,
  maxPartLines: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  maxBodyLines: 50_000,
};
