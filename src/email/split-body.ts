/** A message body taken apart: only `own` (and a forwarded message's own text) is the report. */
export interface BodyParts {
  /** What the sender wrote in this message. */
  own: string;
  /** A forwarded message: its header block apart, its own text as the sender forwarded it. */
  forwarded: { headers: Record<string, string>; text: string } | null;
  /** Earlier messages quoted in a reply, attribution lines included. */
  quoted: string;
  signature: string;
}

const FORWARD_MARKER =
  /^-{2,}\s*(?:forwarded message|forwarded message follows|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{2,}$|^begin forwarded message:$|^-{3,}\s*original message\s*-{3,}$|^-{3,}\s*ursprüngliche nachricht\s*-{3,}$/i;
const OUTLOOK_SEPARATOR = /^_{20,}$/;
const ATTRIBUTION =
  /^(?:on\b.{4,300}\b(?:wrote|writes)|am\b.{4,300}\bschrieb.{0,120}|le\b.{4,300}\ba écrit|el\b.{4,300}\bescribió|il\b.{4,300}\bha scritto|op\b.{4,300}\bschreef.{0,120})\s*:$/i;
const HEADER_LINE = /^\*?(from|von|de|sent|gesendet|date|datum|to|an|cc|subject|betreff|objet|asunto|reply-to)\*?\s*:\s*(.*)$/i;
const MOBILE_SIGNATURE = /^(?:sent from my \w[\w ]{0,30}|sent from (?:mail|outlook|yahoo mail|gmail) for \w+|get outlook for \w+|sent with proton mail.*)$/i;
const SIGN_OFF = /^(?:best|best regards|kind regards|regards|warm regards|thanks|thank you|many thanks|thanks a lot|cheers|br|greetings|sincerely|all the best|thx|viele grüße|liebe grüße|mit freundlichen grüßen|cordialement)[,.!]*$/i;

/** Whether the lines from `i` on are a mail client's header block (`From:` with `Sent:`/`Date:` and `Subject:`). */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  const first = HEADER_LINE.exec(lines[i]?.trim() ?? '');
  if (!first || !/^(from|von|de)$/i.test(first[1] ?? '')) return false;
  const keys = new Set<string>();
  for (let j = i; j < Math.min(lines.length, i + 8); j++) {
    const m = HEADER_LINE.exec(lines[j]?.trim() ?? '');
    if (m?.[1]) keys.add(m[1].toLowerCase());
  }
  return ['sent', 'gesendet', 'date', 'datum'].some((k) => keys.has(k)) && ['subject', 'betreff', 'objet', 'asunto'].some((k) => keys.has(k));
}

function readHeaders(lines: readonly string[], start: number): { headers: Record<string, string>; next: number } {
  const headers: Record<string, string> = {};
  let i = start;
  while (i < lines.length && (lines[i]?.trim() ?? '') === '') i++;
  for (; i < lines.length; i++) {
    const m = HEADER_LINE.exec(lines[i]?.trim() ?? '');
    if (!m?.[1]) break;
    headers[m[1].toLowerCase()] = m[2] ?? '';
  }
  return { headers, next: i };
}

/** Where the trailing signature starts (a `-- ` line, a phone's tag, or a sign-off followed by a few short lines). */
function signatureStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '--' || line === '-- ' || MOBILE_SIGNATURE.test(line)) return i;
  }
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    if (!SIGN_OFF.test(lines[i]?.trim() ?? '')) continue;
    const after = lines.slice(i + 1).filter((l) => l.trim() !== '');
    if (after.length <= 5 && after.every((l) => l.trim().length <= 60)) return i + 1;
  }
  return lines.length;
}

const tidy = (lines: readonly string[]) => lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();

/**
 * Separates what the sender wrote from quoted replies (`>` lines, "On … wrote:", Outlook's header
 * blocks), forwarded headers and signatures. A forwarded message is kept with its own text: a user
 * who forwards their earlier report or the studio's error mail forwards the report itself.
 * `isForward` (from the subject: `Fwd:`, `FW:`) tells an Outlook header block that forwards from one that replies.
 */
export function splitBody(text: string, isForward = false, depth = 0): BodyParts {
  const lines = text.replace(/\r\n?/g, '\n').replace(/[\u200b\ufeff]/g, '').split('\n');
  const own: string[] = [];
  const quoted: string[] = [];
  let forwarded: BodyParts['forwarded'] = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    const forwardMarker = FORWARD_MARKER.test(trimmed);
    const outlook = OUTLOOK_SEPARATOR.test(trimmed) && isHeaderBlock(lines, i + 1 + (lines[i + 1]?.trim() === '' ? 1 : 0));
    if (forwardMarker || outlook || isHeaderBlock(lines, i)) {
      // "Original Message" blocks and Outlook's header blocks forward only when the subject says so.
      const forward = /forward|weitergeleitet|transféré|reenviado/i.test(trimmed) || isForward;
      const start = forwardMarker || outlook ? i + 1 : i;
      if (forward && depth < 2) {
        const { headers, next } = readHeaders(lines, start);
        const inner = splitBody(lines.slice(next).join('\n'), false, depth + 1);
        forwarded = { headers, text: inner.own };
        if (inner.quoted) quoted.push(inner.quoted);
      } else {
        quoted.push(...lines.slice(i));
      }
      break;
    }
    const attribution = ATTRIBUTION.test(trimmed) || (/^(on|am|le|el|il|op)\b/i.test(trimmed) && ATTRIBUTION.test(`${trimmed} ${lines[i + 1]?.trim() ?? ''}`));
    if (attribution) {
      const span = ATTRIBUTION.test(trimmed) ? 1 : 2;
      quoted.push(...lines.slice(i, i + span));
      i += span - 1;
      continue;
    }
    if (trimmed.startsWith('>')) quoted.push(line.replace(/^\s*>\s?/, ''));
    else own.push(line);
  }

  const sig = signatureStart(own);
  const delimiter = /^--\s?$/.test(own[sig]?.trim() ?? '') ? 1 : 0;
  return { own: tidy(own.slice(0, sig)), forwarded, quoted: tidy(quoted), signature: tidy(own.slice(sig + delimiter)) };
}
