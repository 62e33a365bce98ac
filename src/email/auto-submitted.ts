import type { Header } from 'postal-mime';

const first = (headers: readonly Header[], key: string) => headers.find((h) => h.key === key)?.value;
const stripComments = (value: string) => value.replace(/\([^()]*\)/g, '').trim().toLowerCase();

/**
 * Whether a message was sent by a machine and must never be answered (RFC 3834): an
 * `Auto-Submitted` other than `no`, `Precedence: bulk|junk|list`, list mail (`List-Id`,
 * `List-Unsubscribe`), an empty return path (`<>`, as bounces carry), delivery and read reports
 * (`multipart/report`), the auto-reply markers of common servers, and the mailer daemons' own addresses.
 */
export function isAutoSubmitted(headers: readonly Header[], fromAddress: string | null): boolean {
  const autoSubmitted = first(headers, 'auto-submitted');
  if (autoSubmitted !== undefined && stripComments(autoSubmitted) !== 'no' && stripComments(autoSubmitted) !== '') return true;

  const precedence = first(headers, 'precedence');
  if (precedence !== undefined && /^(bulk|junk|list|auto_reply)$/.test(stripComments(precedence))) return true;

  if (headers.some((h) => (h.key === 'list-id' || h.key === 'list-unsubscribe') && h.value.trim() !== '')) return true;

  // The topmost Return-Path is the one the final server wrote: `<>` is a null sender (a bounce).
  const returnPath = first(headers, 'return-path');
  if (returnPath !== undefined && /^<\s*>$/.test(stripComments(returnPath) || '<>')) return true;

  if (headers.some((h) => h.key === 'x-autoreply' || h.key === 'x-autorespond' || (h.key === 'x-auto-response-suppress' && /oof|autoreply|all/i.test(h.value)))) {
    return true;
  }
  const contentType = first(headers, 'content-type');
  if (contentType !== undefined && /^\s*multipart\/report\b/i.test(contentType)) return true;

  const local = fromAddress?.split('@')[0]?.toLowerCase() ?? '';
  return /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)$/.test(local);
}
