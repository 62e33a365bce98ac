import { type EmailLimits, EmailRejectedError } from './email-report.ts';

/*
 * postal-mime keeps each line of a body that is not base64 or quoted-printable as an object of its
 * own until the part ends, and makes an object graph per part: 5 MB of short lines took it ~3 GB,
 * 120,000 empty parts ~275 MB. The desk reads of a message its headers, the start of its
 * text and its attachments' names, so the parser is given only that: every header and boundary
 * line, text parts (and forwarded messages) up to `maxPartBytes`/`maxPartLines` each and
 * `maxBodyBytes`/`maxBodyLines` together, and no attachment bodies. The walk reads the structure as
 * postal-mime does (boundaries innermost first, a part's first Content-Type and
 * Content-Transfer-Encoding); it refuses, before any parse, more than `maxParts` parts, nesting
 * past `maxNestingDepth` and more than `maxHeaderBytes` of headers.
 */

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const SP = 0x20;
const TAB = 0x09;

/** As postal-mime decodes header lines. */
const headerDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

interface Boundary {
  /** The boundary's bytes, without the leading `--`. */
  value: Uint8Array;
  /** Nesting depth of the multipart that declared it (the message is 0). */
  depth: number;
  /** A multipart/digest: its parts are messages unless they say otherwise. */
  digest: boolean;
}

/** What the walk needs of a part's headers: the first of each, unfolded. */
interface PartHeaders {
  contentType: string | null;
  encoding: string | null;
}

/**
 * Removes RFC 5322 comments outside quoted strings. Inside a parameter value a `(` opens one only
 * after whitespace (`name=a(1).pdf` is a name), and an unclosed one followed by `;` is text: as in
 * postal-mime, so that a boundary reads the same to both.
 */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  let inValue = false;
  let opened = -1;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\') {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
      continue;
    }
    if (ch === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && ch === '(' && (depth > 0 || !inValue || out === '' || /[ \t]$/.test(out))) {
      if (depth === 0) opened = i;
      depth++;
      continue;
    } else if (!quoted && ch === ')' && depth > 0) {
      depth--;
      continue;
    } else if (!quoted && depth === 0 && (ch === '=' || ch === ';')) inValue = ch === '=';
    if (depth === 0) out += ch;
  }
  return depth === 0 || value.indexOf(';', opened) < 0 ? out : value;
}

/** `type/subtype; name=value; name="quoted \\" value"`: the type (lowercase) and the first value of each parameter. */
function parseContentType(value: string): { type: string; params: Map<string, string> } {
  const text = stripComments(value);
  const params = new Map<string, string>();
  let i = text.indexOf(';');
  const type = (i < 0 ? text : text.slice(0, i)).trim().toLowerCase();
  while (i >= 0 && i < text.length) {
    const eq = text.indexOf('=', i + 1);
    const semicolon = text.indexOf(';', i + 1);
    if (eq < 0) break;
    if (semicolon >= 0 && semicolon < eq) {
      i = semicolon;
      continue;
    }
    const name = text.slice(i + 1, eq).trim().toLowerCase();
    let at = eq + 1;
    while (text[at] === ' ' || text[at] === '\t') at++;
    let param = '';
    if (text[at] === '"') {
      for (at++; at < text.length && text[at] !== '"'; at++) param += text[at] === '\\' ? (text[++at] ?? '') : text[at];
      // Anything after the closing quote, up to the next `;`, is junk.
      i = text.indexOf(';', at);
    } else {
      i = text.indexOf(';', at);
      param = (i < 0 ? text.slice(at) : text.slice(at, i)).trim();
    }
    if (name && !params.has(name)) params.set(name, param);
  }
  return { type, params };
}

/** Whether a Content-Transfer-Encoding decodes (base64, quoted-printable), as postal-mime reads it. */
const isEncoded = (encoding: string | null) =>
  encoding !== null && /base64|quoted-printable/.test((stripComments(encoding).toLowerCase().match(/[\w-]+/) ?? [''])[0]);

/**
 * How a part is read: a multipart's boundary; whether its body is given to the parser (text, a
 * forwarded message, and anything the walk cannot tell) or not (an attachment, whose name is in
 * its headers).
 */
function readPart(headers: PartHeaders, inDigest: boolean): { boundary: string | null; digest: boolean; keepBody: boolean } {
  const { type, params } = headers.contentType === null ? { type: inDigest ? 'message/rfc822' : 'text/plain', params: new Map<string, string>() } : parseContentType(headers.contentType);
  if (type.startsWith('multipart/')) {
    return { boundary: params.get('boundary') || null, digest: type === 'multipart/digest', keepBody: true };
  }
  // A message inside a message is parsed again from its decoded body: only as it came (7bit,
  // 8bit, as RFC 2046 has it), never from an encoding that could unfold into any number of lines.
  if (type.startsWith('message/')) return { boundary: null, digest: false, keepBody: !isEncoded(headers.encoding) };
  const attachment = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type) && type !== 'text/plain' && type !== 'text/html';
  return { boundary: null, digest: false, keepBody: !attachment };
}

/**
 * The message as the parser is to read it (the same bytes when nothing is cut). Throws
 * `EmailRejectedError` for too many parts, too deep a nesting or too large headers.
 */
export function boundMime(bytes: Uint8Array, limits: EmailLimits): Uint8Array {
  const boundaries: Boundary[] = [];
  /** Byte ranges given to the parser, in order. */
  const kept: number[] = [];
  let cut = false;
  let parts = 1;
  let headerBytes = 0;
  let bodyBytes = 0;
  let bodyLines = 0;

  // The part being read: in its headers or its body.
  let inHeaders = true;
  let depth = 0;
  let inDigest = false;
  let headers: PartHeaders = { contentType: null, encoding: null };
  let field: keyof PartHeaders | null = null;
  let keepBody = true;
  let partBytes = 0;
  let partLines = 0;

  const keep = (start: number, end: number) => {
    if (kept.length > 0 && kept[kept.length - 1] === start) kept[kept.length - 1] = end;
    else kept.push(start, end);
  };

  const endHeaders = () => {
    inHeaders = false;
    field = null;
    const part = readPart(headers, inDigest);
    keepBody = part.keepBody;
    if (part.boundary) boundaries.push({ value: encoder.encode(part.boundary), depth, digest: part.digest });
  };

  for (let start = 0; start < bytes.length; ) {
    const lf = bytes.indexOf(LF, start);
    const next = lf < 0 ? bytes.length : lf + 1;
    let end = next;
    while (end > start && (bytes[end - 1] === LF || bytes[end - 1] === CR)) end--;

    const boundary = boundaries.length > 0 && end - start > 2 && bytes[start] === DASH && bytes[start + 1] === DASH ? matchBoundary(bytes, start, end, boundaries) : null;
    if (boundary) {
      keep(start, next);
      const owner = boundaries[boundary.index];
      if (!owner) throw new Error('unreachable');
      if (boundary.terminator) {
        // The multipart ends; what follows belongs to its parent's body (an epilogue).
        boundaries.length = boundary.index;
        inHeaders = false;
        keepBody = true;
      } else {
        boundaries.length = boundary.index + 1;
        parts++;
        if (parts > limits.maxParts) throw new EmailRejectedError('too_many_parts', `the message has more than ${limits.maxParts} MIME parts`);
        depth = owner.depth + 1;
        if (depth > limits.maxNestingDepth) {
          throw new EmailRejectedError('too_deeply_nested', `Maximum MIME nesting depth of ${limits.maxNestingDepth} levels exceeded`);
        }
        inDigest = owner.digest;
        inHeaders = true;
        headers = { contentType: null, encoding: null };
        field = null;
      }
      partBytes = 0;
      partLines = 0;
    } else if (inHeaders) {
      keep(start, next);
      if (end === start) endHeaders();
      else {
        headerBytes += end - start;
        if (headerBytes > limits.maxHeaderBytes) throw new EmailRejectedError('headers_too_large', `Maximum header size of ${limits.maxHeaderBytes} bytes exceeded`);
        const line = headerDecoder.decode(bytes.subarray(start, end));
        if (line[0] === ' ' || line[0] === '\t') {
          if (field) headers[field] = `${headers[field] ?? ''}${line}`;
        } else {
          const colon = line.indexOf(':');
          const name = (colon < 0 ? line : line.slice(0, colon)).trim().toLowerCase();
          field = name === 'content-type' ? 'contentType' : name === 'content-transfer-encoding' ? 'encoding' : null;
          // The first of each counts, as in postal-mime.
          if (field && headers[field] !== null) field = null;
          if (field) headers[field] = line.slice(colon + 1);
        }
      }
    } else {
      const size = next - start;
      if (
        keepBody &&
        partLines < limits.maxPartLines &&
        partBytes + size <= limits.maxPartBytes &&
        bodyLines < limits.maxBodyLines &&
        bodyBytes + size <= limits.maxBodyBytes
      ) {
        keep(start, next);
        partLines++;
        partBytes += size;
        bodyLines++;
        bodyBytes += size;
      } else cut = true;
    }
    start = next;
  }

  if (!cut) return bytes;
  let total = 0;
  for (let i = 0; i < kept.length; i += 2) total += (kept[i + 1] ?? 0) - (kept[i] ?? 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < kept.length; i += 2) {
    out.set(bytes.subarray(kept[i], kept[i + 1]), at);
    at += (kept[i + 1] ?? 0) - (kept[i] ?? 0);
  }
  return out;
}

/** A boundary line of an open multipart (the innermost that matches), as postal-mime recognises one. */
function matchBoundary(bytes: Uint8Array, start: number, end: number, boundaries: readonly Boundary[]): { index: number; terminator: boolean } | null {
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const value = boundaries[i]?.value;
    if (!value || end - start < value.length + 2) continue;
    let j = 0;
    while (j < value.length && bytes[start + 2 + j] === value[j]) j++;
    if (j < value.length) continue;
    let at = start + 2 + value.length;
    const terminator = end - at >= 2 && bytes[at] === DASH && bytes[at + 1] === DASH;
    if (terminator) at += 2;
    while (at < end && (bytes[at] === SP || bytes[at] === TAB)) at++;
    if (at === end) return { index: i, terminator };
  }
  return null;
}
