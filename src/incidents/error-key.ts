import type { GenerationError } from '../core/platform-types.ts';

/**
 * A message with what differs between two occurrences of one failure taken out: every word with a
 * digit in it (ids, numbers, durations, worker names) and quoted values become `#`; case, spacing
 * and the closing punctuation are ignored.
 */
export function normaliseMessage(message: string): string {
  return message
    .toLowerCase()
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '#')
    .replace(/[\w-]*\d[\w.-]*/g, '#')
    .replace(/\s+/g, ' ')
    .replace(/[\s.!:;]+$/, '')
    .trim();
}

/** What failures are matched on: the error's code when it has one, else its normalised message. */
export function errorKey(error: GenerationError | null): string {
  const code = error?.code?.trim();
  if (code) return `code:${code.toLowerCase()}`;
  return `message:${normaliseMessage(error?.message ?? '')}`;
}

/** The error as an incident shows it: its code, else its message as first seen. */
export function errorLabel(error: GenerationError | null): string {
  return error?.code?.trim() || error?.message.trim() || 'unknown error';
}
