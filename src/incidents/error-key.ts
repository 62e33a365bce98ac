import type { GenerationError } from '../core/platform-types.ts';

/**
 * A message with what differs between two occurrences of one failure taken out: ids (uuids, long
 * hex or digit runs), numbers and quoted values become `#`; case and spacing are ignored.
 */
export function normaliseMessage(message: string): string {
  return message
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '#')
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '#')
    .replace(/\b(?=[0-9a-z_-]*\d)[0-9a-z_-]{4,}\b/g, '#')
    .replace(/\d+(?:[.,]\d+)?/g, '#')
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
