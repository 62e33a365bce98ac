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
const SIGNATURE = /\b(?:class|id)\s*=\s*["']?[^"'>]*?(?:gmail_signature|moz-signature|signature)/i;
/** Longer than a signature's `<div …>` ever is: such a tag is not looked into. */
const MAX_SIGNATURE_TAG = 1000;

/*
 * Every pattern stops at the next "<" or ">" and every search goes forward only, so a message of
 * "<<<<…", unclosed comments or unclosed <style> tags is read in one pass, not once from each "<".
 */

/** Comments out; one never closed runs to the end, as a browser reads it. */
function withoutComments(html: string): string {
  let out = '';
  let from = 0;
  for (let open = html.indexOf('<!--'); open !== -1; open = html.indexOf('<!--', from)) {
    out += html.slice(from, open);
    const close = html.indexOf('-->', open + 4);
    if (close === -1) return out;
    from = close + 3;
  }
  return out + html.slice(from);
}

/** `<head>`, `<style>`, `<script>` and `<title>` out with what they hold (an unclosed one is left to the tag pass). */
function withoutRawText(html: string): string {
  const opens = /<(head|style|script|title)\b/gi;
  const unclosed = new Set<string>();
  let out = '';
  let from = 0;
  for (let m = opens.exec(html); m; m = opens.exec(html)) {
    const name = (m[1] ?? '').toLowerCase();
    if (unclosed.has(name)) continue;
    const closes = new RegExp(`</${name}\\s*>`, 'gi');
    closes.lastIndex = m.index;
    const close = closes.exec(html);
    if (!close) {
      unclosed.add(name);
      continue;
    }
    out += html.slice(from, m.index);
    from = closes.lastIndex;
    opens.lastIndex = from;
  }
  return out + html.slice(from);
}

/**
 * Text of an HTML-only message, keeping what the splitter needs: `<blockquote>` becomes `> ` lines
 * (quoted replies stay recognisable as quotes) and signature blocks start with `-- `.
 * Runtime-neutral: plain string work, no DOM.
 */
export function htmlToText(html: string): string {
  let s = withoutRawText(withoutComments(html))
    .replace(/<div\b[^<>]*>/gi, (tag) => (tag.length <= MAX_SIGNATURE_TAG && SIGNATURE.test(tag) ? '\n-- \n' : tag))
    .replace(/<blockquote\b[^<>]*>/gi, `\n${QUOTE_OPEN}\n`)
    .replace(/<\/blockquote\s*>/gi, `\n${QUOTE_CLOSE}\n`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<hr\b[^<>]*>/gi, '\n________________________________\n')
    .replace(/<\/?(p|div|tr|li|ul|ol|h[1-6]|table|section|article|header|footer|pre)\b[^<>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, '');
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
