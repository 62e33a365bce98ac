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
async function fastest(read: () => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 2; i++) {
    const started = performance.now();
    await read();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Reading `unit` repeated to 100,000 characters is quick, or takes about four times what 25,000 take (a square would take sixteen). */
async function expectOnePass(unit: string, read: (text: string) => unknown): Promise<void> {
  const large = await fastest(() => read(repeated(unit, 100_000)));
  if (large < MAIL_MS) return;
  const small = await fastest(() => read(repeated(unit, 25_000)));
  expect(large / small, `${JSON.stringify(unit)}: ${large.toFixed(0)} ms for 100,000 characters, ${small.toFixed(0)} ms for 25,000`).toBeLessThan(8);
}

const SENT = Date.parse('2026-11-24T12:00:00Z');

describe('text built to make the reader backtrack', () => {
  it(`reads a 2,000-character chat message of each shape in under ${CHAT_MS} ms`, async () => {
    for (const unit of SHAPES) {
      const text = repeated(unit, 2000);
      const ms = await fastest(() => understand(text, { now: SENT, timezone: 'UTC', locale: 'en' }));
      expect(ms, `${JSON.stringify(unit)} × 2,000 characters`).toBeLessThan(CHAT_MS);
    }
  });

  it('reads a mail body of each shape in time that grows with its length, not its square', async () => {
    for (const unit of SHAPES) await expectOnePass(unit, (own) => understandEmail({ subject: 'Video failed', own, forwarded: null, sentAt: SENT, headerOffset: 60 }));
  }, 60_000);

  it('turns an HTML body of each shape into text in time that grows with its length, not its square', async () => {
    for (const unit of HTML_SHAPES) await expectOnePass(unit, htmlToText);
  }, 60_000);

  it('reads headers of comments that never close in time that grows with their length, not its square', async () => {
    const mail = (value: string) =>
      ['From: a@example.com', 'Subject: hi', 'Message-ID: <x@example.com>', `Date: ${value}`, `Auto-Submitted: ${value}`, `Precedence: ${value}`, `Return-Path: ${value}`, '', 'My video failed.'].join('\r\n');
    for (const unit of ['(', '( ', '(a']) await expectOnePass(unit, (value) => parseEmail(mail(value), { receivedAt: 0 }));
  }, 60_000);
});
