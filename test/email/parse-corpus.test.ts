import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmailRejectedError, EmailReport } from '../../src/email/email-report.ts';
import { parseEmailReport } from '../../src/email/parse-email.ts';

const dir = new URL('../fixtures/eml/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

async function parseOrReject(raw: Uint8Array): Promise<unknown> {
  try {
    return await parseEmailReport(raw);
  } catch (error) {
    if (error instanceof EmailRejectedError) return { rejected: error.reason };
    throw error;
  }
}

describe('the email corpus of test/fixtures/eml: each message against its expected result', () => {
  it('covers every kind of message the intake meets', () => {
    for (const kind of ['plain', 'html-only', 'forwarded', 'reply', 'latin1', 'windows-1252', 'shift-jis', 'koi8r', 'attachment', 'auto-reply', 'bounce', 'broken-mime']) {
      expect(fixtures.some((f) => f.startsWith(kind))).toBe(true);
    }
  });

  it.each(fixtures)('%s', async (name) => {
    const expected: unknown = JSON.parse(readFileSync(new URL(name.replace(/\.eml$/, '.json'), dir), 'utf8'));
    const actual = await parseOrReject(readFileSync(new URL(name, dir)));
    expect(actual).toEqual(expected);
    // The contract's shape, keys in its order.
    if (!('rejected' in (actual as object))) expect(Object.keys(actual as object)).toEqual(Object.keys(EmailReport.shape));
  });
});

describe('parse limits', () => {
  const head = 'From: a@example.com\r\nSubject: x\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n';

  it('refuses a message nested deeper than the MIME limit', async () => {
    let body = 'Content-Type: text/plain\r\n\r\nmy video failed\r\n';
    for (let i = 0; i < 40; i++) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}--b${i}--\r\n`;
    await expect(parseOrReject(new TextEncoder().encode(head + body))).resolves.toEqual({ rejected: 'too_deeply_nested' });
  });

  it('refuses headers over the header limit', async () => {
    const huge = `X-Filler: ${'a'.repeat(600 * 1024)}\r\n`;
    await expect(parseOrReject(new TextEncoder().encode(`${head}${huge}\r\nhello`))).resolves.toEqual({ rejected: 'headers_too_large' });
  });

  it('refuses a message over the size cap before parsing it', async () => {
    const raw = new TextEncoder().encode(`${head}\r\n${'x'.repeat(2048)}`);
    await expect(parseEmailReport(raw, { limits: { maxBytes: 1024 } })).rejects.toMatchObject({ reason: 'too_large', code: 'payload_too_large' });
  });

  it('accepts every input form: string, Uint8Array and ArrayBuffer', async () => {
    const text = `${head}\r\nmy image failed`;
    const bytes = new TextEncoder().encode(text);
    const reports = await Promise.all([parseEmailReport(text), parseEmailReport(bytes), parseEmailReport(bytes.buffer)]);
    expect(new Set(reports.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(reports[0]?.studio).toBe('image');
  });
});
