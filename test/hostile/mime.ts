import fc from 'fast-check';
import { authResults } from '../email/build-eml.ts';

/*
 * Raw messages for fuzzing the email intake: arbitrary bytes, and messages of MIME's own shapes
 * with everything in them garbled — senders, encoded words, charsets real and invented, transfer
 * encodings with bodies that are not in them, multiparts with missing or lying boundaries, nesting
 * past the limit, and cuts at any byte.
 */

const CRLF = '\r\n';
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');

export const CHARSETS = [
  'utf-8', 'UTF-8', 'iso-8859-1', 'windows-1252', 'koi8-r', 'shift_jis', 'iso-2022-jp', 'gb18030', 'big5', 'utf-7', 'utf-16', 'utf-16le', 'utf-32',
  'x-unknown', 'x-mac-roman', '', '"', 'utf-8"; x="', '../../etc/passwd', 'iso-8859-99', 'cp1252', 'unicode-1-1-utf-7',
] as const;
const ENCODINGS = ['7bit', '8bit', 'binary', 'base64', 'quoted-printable', 'x-uuencode', 'garbage', ''] as const;

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
/** Printable text with the occasional control character and non-ASCII letter. */
const text = (max: number) => fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0x2ff })).map((c) => String.fromCharCode(c)), maxLength: max });
/** Words of a report, so that some messages get as far as filing a packet. */
const reportWords = fc.constantFrom(
  'my 4k video failed and 40 credits are gone',
  'Image Studio failed at 14:00 UTC, prompt: "neon city"',
  'run gen_maya_video failed, see https://prismposter.example/library/lib_maya_1',
  'yesterday around 3pm (Europe/Berlin) the music run timed out',
  'it worked, thanks',
);

const encodedWord = fc
  .tuple(fc.constantFrom(...CHARSETS), fc.constantFrom('B', 'Q', 'b', 'x'), fc.oneof(text(30), bytes(30).map((b) => b.toString('base64'))))
  .map(([charset, enc, payload]) => `=?${charset}?${enc}?${payload}?=`);

const sender = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('maya@example.com', 'leo@example.com', 'Maya Berg <maya@example.com>', 'Leo Park <leo@example.com>') },
  fc.constantFrom('maya@example.com', 'leo@example.com', 'Maya Berg <maya@example.com>', '"Leo, Park" <leo@example.com>', 'support@prismposter.test'),
  fc.emailAddress(),
  fc.constantFrom('undisclosed-recipients:;', '<>', 'Team: a@example.com, b@example.com;', 'maya@', '@example.com', 'maya@example.com, leo@example.com', 'a@b', '"unclosed <maya@example.com>'),
  encodedWord.map((w) => `${w} <leo@example.com>`),
  text(60),
);

const header = fc.oneof(
  sender.map((s) => `From: ${s}`),
  fc.oneof(text(80), encodedWord, reportWords).map((s) => `Subject: ${s}`),
  fc.oneof(fc.constantFrom('Sat, 21 Nov 2026 10:58:00 +0100', 'yesterday', '', 'Sat, 31 Feb 2026 25:61:00 +9999', 'Mon, 01 Jan 0001 00:00:00 GMT'), text(40)).map((s) => `Date: ${s}`),
  fc.oneof(fc.constantFrom('<dup-1@mail.example>', '<dup-2@mail.example>', '<>', '', 'no-brackets@mail.example'), text(40).map((s) => `<${s}@x>`)).map((s) => `Message-ID: ${s}`),
  fc.constantFrom('Auto-Submitted: auto-replied', 'Precedence: bulk', 'List-Id: <x.example.com>', 'Return-Path: <>', 'In-Reply-To: <a@b>', 'References: <a@b> <c@d>'),
  fc.constantFrom(authResults('example.com'), authResults('example.com', 'fail'), 'Authentication-Results: ;;;', `Authentication-Results: mx.prismposter.test; dmarc=pass header.from=${'x'.repeat(300)}`),
  fc.tuple(text(20).map((s) => s.replace(/[:\s]/g, '') || 'X'), text(100)).map(([k, v]) => `${k}: ${v}`),
  { weight: 1, arbitrary: text(100) },
);

const contentType = fc
  .tuple(fc.constantFrom('text/plain', 'text/html', 'text/enriched', 'application/octet-stream', 'message/rfc822', 'image/png', ''), fc.constantFrom(...CHARSETS))
  .map(([type, charset]) => `Content-Type: ${type}; charset=${charset}`);

/** One leaf part: a content type, a transfer encoding and a body that may not be in it. */
const leaf = fc
  .tuple(contentType, fc.constantFrom(...ENCODINGS), fc.oneof(reportWords.map(utf8), text(200).map(latin1), bytes(200), bytes(100).map((b) => latin1(b.toString('base64')))))
  .map(([type, encoding, body]) => Buffer.concat([latin1(`${type}${CRLF}${encoding ? `Content-Transfer-Encoding: ${encoding}${CRLF}` : ''}${CRLF}`), body]));

/** A multipart of parts (nested as deep as asked), with a boundary that may be missing, empty or lying. */
function multipart(depth: number): fc.Arbitrary<Buffer> {
  const part = depth <= 0 ? leaf : fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: multipart(depth - 1) });
  return fc
    .tuple(
      fc.constantFrom('mixed', 'alternative', 'related', 'digest'),
      fc.oneof(fc.constantFrom('b1', '', '"', '--', 'b1"; boundary="b2'), text(30).map((s) => s.replace(/[\r\n]/g, ''))),
      fc.array(part, { minLength: 0, maxLength: 4 }),
      fc.boolean(),
      fc.constantFrom('b1', 'b2', ''),
    )
    .map(([kind, boundary, parts, closed, used]) => {
      const delimiter = used || boundary;
      const chunks: Buffer[] = [latin1(`Content-Type: multipart/${kind}; boundary="${boundary}"${CRLF}${CRLF}preamble${CRLF}`)];
      for (const p of parts) chunks.push(latin1(`--${delimiter}${CRLF}`), p, latin1(CRLF));
      if (closed) chunks.push(latin1(`--${delimiter}--${CRLF}`));
      return Buffer.concat(chunks);
    });
}

/** A multipart nested `levels` deep around one text part (past 32 is past the desk's limit). */
export function nested(levels: number, headers = 'From: leo@example.com\r\nSubject: deep\r\n'): Buffer {
  let body = 'Content-Type: text/plain\r\n\r\nmy video failed\r\n';
  for (let i = 0; i < levels; i++) body = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${body}\r\n--n${i}--\r\n`;
  return latin1(`${headers}MIME-Version: 1.0\r\n${body}`);
}

/** A whole message of MIME's shapes, garbled, sometimes cut short at any byte. */
export const hostileMessage: fc.Arbitrary<Buffer> = fc
  .tuple(
    // Most have a From of some kind (else all would be "no sender"); the other headers are anything.
    fc.option(sender.map((s) => `From: ${s}`), { freq: 5, nil: undefined }),
    fc.array(header, { minLength: 0, maxLength: 8 }),
    fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 3, arbitrary: multipart(2) }, { weight: 1, arbitrary: fc.integer({ min: 30, max: 40 }).map((n) => nested(n, '').subarray('MIME-Version: 1.0\r\n'.length)) }),
    fc.option(fc.nat(), { nil: undefined }),
    fc.oneof({ weight: 4, arbitrary: fc.constant(CRLF) }, { weight: 2, arbitrary: fc.constant('\n') }, { weight: 1, arbitrary: fc.constant('\r') }),
  )
  .map(([from, headers, body, cut, eol]) => {
    const head = latin1(`${[...(from ? [from] : []), ...headers].join(eol)}${eol}MIME-Version: 1.0${eol}`);
    const whole = Buffer.concat([head, body]);
    return cut === undefined ? whole : whole.subarray(0, cut % (whole.length + 1));
  });

/** Arbitrary bytes, and arbitrary text, as a message. */
export const arbitraryMessage: fc.Arbitrary<Buffer> = fc.oneof(bytes(2048), text(1024).map(latin1), fc.string({ maxLength: 1024 }).map(utf8));
