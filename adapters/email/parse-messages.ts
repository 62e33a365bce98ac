import type { EmailRejectReason } from '../../src/email/email-report.ts';
import type { ParseOptions, ParsedEmail } from '../../src/email/parse-email.ts';

/** What the email parse thread and its parser (thread-parser.ts) say to each other. */

/** One message for the thread to parse. */
export interface ParseRequest {
  bytes: Uint8Array;
  options: ParseOptions;
}

/** The thread's answer: the parsed message, or why it cannot be a report. */
export type ParseAnswer = { parsed: ParsedEmail } | { rejected: { reason: EmailRejectReason; message: string } };

/** What the thread says once it has loaded, before any answer. */
export const THREAD_READY = 'ready';
