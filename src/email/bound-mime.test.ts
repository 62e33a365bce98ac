import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attachmentEml, emptyPartsEml, shortLinesEml } from '../../test/email/large-eml.ts';
import { boundMime } from './bound-mime.ts';
import { DEFAULT_EMAIL_LIMITS } from './email-report.ts';
import { parseEmail } from './parse-email.ts';

const MB = 1024 * 1024;
const encode = (text: string) => new TextEncoder().encode(text.replace(/(?<!\r)\n/g, '\r\n'));
const HEAD = 'From: Maya <maya@example.com>\nSubject: Video failed\nDate: Sat, 21 Nov 2026 10:58:00 +0100\nMIME-Version: 1.0\n';
const base64Lines = (lines: number) => `${'QUJD'.repeat(19)}\n`.repeat(lines);

describe('what the parser is given of a message', () => {
  it('reads a 5 MB text message of short lines in seconds, not minutes: its text up to the limits', async () => {
    const started = performance.now();
    const parsed = await parseEmail(shortLinesEml(5 * MB, '<short@mail.example>'));
    expect(parsed.text.startsWith('My video failed this morning at 9:25 (Berlin time)')).toBe(true);
    expect(parsed.report).toMatchObject({ from: 'maya@example.com', studio: 'video', occurredAt: '2026-11-21T08:25:00Z' });
    expect(parsed.size).toBeGreaterThan(5 * MB - 100);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('refuses 120,000 empty parts before parsing them (too_many_parts)', async () => {
    const started = performance.now();
    await expect(parseEmail(emptyPartsEml(120_000, '<parts@mail.example>'))).rejects.toMatchObject({
      name: 'EmailRejectedError',
      reason: 'too_many_parts',
      message: 'the message has more than 1000 MIME parts',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    // 1,000 parts are a message like any other.
    expect((await parseEmail(emptyPartsEml(998, '<many@mail.example>'))).report.from).toBe('maya@example.com');
  });

  it('lists a 25 MiB attachment by its name without decoding it, and reads the text around it', async () => {
    const raw = attachmentEml(25 * MB - 1024, '<big@mail.example>');
    const parsed = await parseEmail(raw);
    expect(parsed.attachments).toEqual(['screen-recording.mp4']);
    expect(parsed.text).toContain('My video failed this morning');
    expect(boundMime(raw, DEFAULT_EMAIL_LIMITS).byteLength).toBeLessThan(4096);
  });

  it('keeps the structure through the cuts: a text part after a large attachment is read', async () => {
    const raw = encode(
      `${HEAD}Content-Type: multipart/mixed; (a comment) boundary="=_b(1) x"\n\n--=_b(1) x\nContent-Type: image/png; name=shot.png\nContent-Transfer-Encoding: base64\n\n${base64Lines(
        200_000,
      )}--=_b(1) x \nContent-Type: multipart/alternative;\n boundary=inner\n\n--inner\nContent-Type: text/plain; charset=utf-8\n\nThe prompt was "a paper boat". My video failed at 9:25 (Berlin time).\n--inner\nContent-Type: text/html\n\n<p>The prompt was</p>\n--inner--\n--=_b(1) x--\n`,
    );
    const parsed = await parseEmail(raw);
    expect(parsed.attachments).toEqual(['shot.png']);
    expect(parsed.report).toMatchObject({ prompt: 'a paper boat', studio: 'video' });
  });

  it('cuts a long text part at the part limits, and gives every other message to the parser as it is', async () => {
    const long = encode(`${HEAD}Content-Type: text/plain\n\nMy video failed.\n${'line\n'.repeat(50_000)}`);
    const cut = boundMime(long, DEFAULT_EMAIL_LIMITS);
    const text = new TextDecoder().decode(cut);
    expect(text.split('\r\n').filter((l) => l === 'line')).toHaveLength(DEFAULT_EMAIL_LIMITS.maxPartLines - 1);

    // Messages within the limits are given whole; an attachment's body is left out (its name is in its headers).
    const dir = new URL('../../test/fixtures/eml/', import.meta.url);
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
      const raw = new Uint8Array(readFileSync(new URL(name, dir)));
      const given = boundMime(raw, DEFAULT_EMAIL_LIMITS);
      if (name === 'attachment.eml') expect(given.byteLength).toBeLessThan(raw.byteLength);
      else expect(given, name).toBe(raw);
    }
  });

  it('refuses nesting past the limit before parsing (too_deeply_nested)', async () => {
    let body = 'hello\n';
    for (let depth = 40; depth > 0; depth--) body = `Content-Type: multipart/mixed; boundary=b${depth}\n\n--b${depth}\n${body}--b${depth}--\n`;
    await expect(parseEmail(encode(`${HEAD}${body}`))).rejects.toMatchObject({ reason: 'too_deeply_nested' });
  });

  it('reads a forwarded message as it came (7bit), and never one in an encoding that could unfold into any number of lines', async () => {
    const forwarded = 'From: Leo <leo@example.com>\nSubject: my run\n\nThe prompt was "a lighthouse at dawn".\n';
    const plain = encode(`${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee below.\n--b\nContent-Type: message/rfc822\n\n${forwarded}--b--\n`);
    expect((await parseEmail(plain)).text).toContain('a lighthouse at dawn');
    const encoded = encode(
      `${HEAD}Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee below.\n--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${btoa(forwarded)}\n--b--\n`,
    );
    const parsed = await parseEmail(encoded);
    expect(parsed.text).toContain('See below.');
    expect(parsed.text).not.toContain('a lighthouse at dawn');
  });
});
