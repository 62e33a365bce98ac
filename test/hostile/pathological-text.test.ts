import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/email/html-to-text.ts';
import { parseEmail } from '../../src/email/parse-email.ts';
import { understand, understandEmail } from '../../src/understanding/index.ts';

/*
 * Text built to make a regular expression backtrack: one character or a short piece repeated to
 * the longest text the desk reads (2,000 characters in chat, 100,000 of a mail's body). Shapes of
 * this list took time growing with the square of their length in the reader: an address pattern
 * on a run without an "@", blank lines before an error line, links without "/library/", and
 * quotes that never close, each blanked with a copy of the whole text; in an HTML-only mail, tags,
 * comments and <style> blocks that never close. 100 KB of "a" took ~11 s of the parse thread, of
 * "“0:" ~14 s, of "<<" as HTML ~4 s, of "(" as a Date header (comments never closed) ~4 s; the worst chat message ~20 ms of the server's thread. Read
 * in one pass now. A chat message must read well under a bound that leaves room for a slow
 * machine; a mail body that takes a while must take about four times as long for four times the
 * text: that catches a pattern gone quadratic again, not a few per cent.
 */

const SHAPES = ['a', 'a.', '\n', ' \n', 'http://', 'https://a', 'sooo', '2026-', 'UTC+', '“', '“0:', 'a “', "“l'", 'a@', 'Time: ', 'gen_a', 'PKT-', '-', '_'];
/** An HTML-only mail's body: tags, comments and <style> blocks that never close. */
const HTML_SHAPES = ['<<', '</', '<!--<', '<!--', '<style', '<style<', '<a ', '<blockquote ', '<div class=', '<hr ', '&#'];
const CHAT_MS = 100;
const MAIL_MS = 250;

const repeated = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
/** The fastest of two readings: the first pays for compiling what it runs. */
function fastest(read: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    read();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('text built to make the reader backtrack', () => {
  it(`reads a 2,000-character chat message of each shape in under ${CHAT_MS} ms`, () => {
    for (const unit of SHAPES) {
      const text = repeated(unit, 2000);
      const ms = fastest(() => understand(text, { now: Date.parse('2026-11-24T12:00:00Z'), timezone: 'UTC', locale: 'en' }));
      expect(ms, `${JSON.stringify(unit)} × 2,000 characters`).toBeLessThan(CHAT_MS);
    }
  });

  it('reads a mail body of each shape in time that grows with its length, not its square', () => {
    const read = (own: string) => () => understandEmail({ subject: 'Video failed', own, forwarded: null, sentAt: Date.parse('2026-11-24T12:00:00Z'), headerOffset: 60 });
    for (const unit of SHAPES) {
      const large = fastest(read(repeated(unit, 100_000)));
      // Quick enough is enough; slower, it must be a pass over the text: four times the text, about four times the time.
      if (large < MAIL_MS) continue;
      const small = fastest(read(repeated(unit, 25_000)));
      expect(large / small, `${JSON.stringify(unit)}: ${large.toFixed(0)} ms for 100,000 characters, ${small.toFixed(0)} ms for 25,000`).toBeLessThan(8);
    }
  }, 60_000);

  it('turns an HTML body of each shape into text in time that grows with its length, not its square', () => {
    for (const unit of HTML_SHAPES) {
      const large = fastest(() => htmlToText(repeated(unit, 100_000)));
      if (large < MAIL_MS) continue;
      const small = fastest(() => htmlToText(repeated(unit, 25_000)));
      expect(large / small, `${JSON.stringify(unit)}: ${large.toFixed(0)} ms for 100,000 characters, ${small.toFixed(0)} ms for 25,000`).toBeLessThan(8);
    }
  }, 60_000);

  it('reads headers of comments that never close in time that grows with their length, not its square', async () => {
    for (const unit of ['(', '( ', '(a']) {
      const mail = (length: number) => {
        const value = repeated(unit, length);
        const headers = [`Date: ${value}`, `Auto-Submitted: ${value}`, `Precedence: ${value}`, `Return-Path: ${value}`];
        return ['From: a@example.com', 'Subject: hi', 'Message-ID: <x@example.com>', ...headers, '', 'My video failed.'].join('\r\n');
      };
      const timed = async (raw: string) => {
        const started = performance.now();
        await parseEmail(raw, { receivedAt: 0 });
        return performance.now() - started;
      };
      const large = Math.min(await timed(mail(100_000)), await timed(mail(100_000)));
      if (large < MAIL_MS) continue;
      const small = Math.min(await timed(mail(25_000)), await timed(mail(25_000)));
      expect(large / small, `${JSON.stringify(unit)}: ${large.toFixed(0)} ms for 100,000 characters, ${small.toFixed(0)} ms for 25,000`).toBeLessThan(8);
    }
  }, 60_000);
});
