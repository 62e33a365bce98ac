import { own } from '../core/own.ts';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  euro: '€',
  copy: '©',
  reg: '®',
  trade: '™',
};

/** Decodes the HTML character references a mail client writes (named, decimal, hexadecimal). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return own(NAMED_ENTITIES, ref.toLowerCase()) ?? whole;
  });
}

const QUOTE_OPEN = '\u0001';
const QUOTE_CLOSE = '\u0002';

/*
 * Signature containers of the common clients. Their content is marked with the standard "-- "
 * delimiter so that the text splitter sets it apart exactly as in a plain-text message.
 */
const SIGNATURE_OPEN = /<div\b[^>]*\b(?:class|id)\s*=\s*["']?[^"'>]*(?:gmail_signature|moz-signature|signature)[^>]*>/gi;

/**
 * Text of an HTML-only message, keeping what the splitter needs: `<blockquote>` becomes `> ` lines
 * (quoted replies stay recognisable as quotes) and signature blocks start with `-- `.
 * Runtime-neutral: plain string work, no DOM.
 */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(SIGNATURE_OPEN, '\n-- \n')
    .replace(/<blockquote\b[^>]*>/gi, `\n${QUOTE_OPEN}\n`)
    .replace(/<\/blockquote\s*>/gi, `\n${QUOTE_CLOSE}\n`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\b[^>]*>/gi, '\n________________________________\n')
    .replace(/<\/?(p|div|tr|li|ul|ol|h[1-6]|table|section|article|header|footer|pre)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '');
  s = decodeEntities(s).replace(/\u00a0/g, ' ');

  const out: string[] = [];
  let depth = 0;
  for (const raw of s.split('\n')) {
    const line = raw.replace(/[ \t]+/g, ' ').trim();
    if (line === QUOTE_OPEN) {
      depth++;
      continue;
    }
    if (line === QUOTE_CLOSE) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    out.push(depth > 0 && line !== '' ? `${'> '.repeat(depth)}${line}` : line);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
