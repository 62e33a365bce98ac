import PostalMime from 'postal-mime';
import { htmlToText } from '../../src/email/html-to-text.ts';
import { repairC1 } from '../../src/email/repair-c1.ts';
import { splitBody } from '../../src/email/split-body.ts';
import { dateHeaderOffset } from '../../src/understanding/time-zones.ts';
import type { EmailText } from '../../src/understanding/understand.ts';

/** A raw `.eml` as the intake separates it (postal-mime, then the intake's own body split): the input of `understandEmail`. */
export async function readEml(raw: Uint8Array): Promise<EmailText & { from: string }> {
  const email = await PostalMime.parse(raw);
  const subject = repairC1(email.subject ?? '').trim();
  const html = repairC1(email.html);
  const body = repairC1(email.text) ?? (html ? htmlToText(html) : '');
  const parts = splitBody(body, /^\s*(?:\[[^\]]*\]\s*)?(?:re:\s*)*(?:fwd?|wg|tr)\s*:/i.test(subject));
  const date = email.date ? Date.parse(email.date) : Number.NaN;
  return {
    from: email.from?.address ?? '',
    subject,
    own: parts.own,
    forwarded: parts.forwarded?.text ?? null,
    sentAt: Number.isNaN(date) ? null : date,
    headerOffset: dateHeaderOffset(email.headers.find((h) => h.key === 'date')?.value),
  };
}
