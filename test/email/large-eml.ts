import { authResults, buildEml } from './build-eml.ts';

/** Large and oddly built messages, as a hostile or careless sender makes them (CRLF line ends). */

const encoder = new TextEncoder();
const DATE = 'Sat, 21 Nov 2026 10:58:00 +0100';
const REPORT = 'My video failed this morning at 9:25 (Berlin time) and 40 credits are gone.';

function head(messageId: string, contentType: string): string {
  return [
    authResults('example.com'),
    'From: Maya Berg <maya@example.com>',
    'To: support@prismposter.test',
    'Subject: Video failed',
    `Date: ${DATE}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    '',
    '',
  ].join('\r\n');
}

/** A text/plain report of about `size` bytes: its first line, then short lines (`a`) to the end. */
export function shortLinesEml(size: number, messageId: string): Uint8Array<ArrayBuffer> {
  const start = buildEml({ from: 'maya@example.com', fromName: 'Maya Berg', subject: 'Video failed', date: DATE, messageId, body: `${REPORT}\r\n` });
  return encoder.encode(start + 'a\r\n'.repeat(Math.max(0, Math.floor((size - start.length) / 3))));
}

/** A multipart message of `parts` empty parts. */
export function emptyPartsEml(parts: number, messageId: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${head(messageId, 'multipart/mixed; boundary="b"')}${'--b\r\n\r\n'.repeat(parts)}--b--\r\n`);
}

/** A report with an attachment (base64, 76-character lines) that makes it about `size` bytes. */
export function attachmentEml(size: number, messageId: string, filename = 'screen-recording.mp4'): Uint8Array<ArrayBuffer> {
  const start = `${head(messageId, 'multipart/mixed; boundary="b"')}--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${REPORT}\r\n--b\r\nContent-Type: video/mp4; name="${filename}"\r\nContent-Disposition: attachment; filename="${filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n`;
  const line = `${'QUJD'.repeat(19)}\r\n`;
  const end = '--b--\r\n';
  return encoder.encode(start + line.repeat(Math.max(0, Math.floor((size - start.length - end.length) / line.length))) + end);
}
