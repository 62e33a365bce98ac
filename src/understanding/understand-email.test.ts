import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEml } from '../../test/eval/read-eml.ts';
import { understandEmail } from './understand.ts';
import { FORWARDED_NOTIFICATION } from '../../test/email/forwarded-notification.ts';

const dir = new URL('../../test/fixtures/eml/', import.meta.url);
const fields = ['accountEmail', 'studio', 'prompt', 'settings', 'errorMessage', 'occurredAt', 'timezone', 'generationIds'] as const;
const reports = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f.replace(/\.json$/, '.eml'), expected: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown> }))
  .filter((r) => !('rejected' in r.expected))
  .sort((a, b) => a.name.localeCompare(b.name));

describe('understandEmail keeps what the intake reads today (test/fixtures/eml, email-report.md)', () => {
  it.each(reports)('$name', async ({ name, expected }) => {
    const mail = await readEml(readFileSync(new URL(name, dir)));
    const u = understandEmail(mail);
    const got: Record<string, unknown> = { ...u.fields, accountEmail: u.fields.accountEmail ?? mail.from, timezone: u.timezone };
    for (const field of fields) expect({ field, value: got[field] }).toEqual({ field, value: expected[field] });
  });
});

describe('understandEmail reads what the intake missed (issue "Understanding people")', () => {
  const head = (subject: string) =>
    `From: kim@example.com\r\nTo: support@prismposter.com\r\nSubject: ${subject}\r\nDate: Sat, 21 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n`;
  const read = async (raw: string) => understandEmail(await readEml(new TextEncoder().encode(raw)));

  it('an unquoted error after "failed with:"', async () => {
    const u = await read(`${head('video')}Content-Type: text/plain\r\n\r\nMy video failed at 9:30. It failed with: Out of memory\r\n`);
    expect(u.fields.errorMessage).toBe('Out of memory');
  });

  it('an ISO time in a copied dialog', async () => {
    const u = await read(`${head('error')}Content-Type: text/plain\r\n\r\nThe dialog said:\r\nError: Upstream unavailable\r\nTime: 2026-11-20T01:12:44Z\r\n`);
    expect(u.fields.occurredAt).toBe('2026-11-20T01:12:44Z');
  });

  it('a single-quoted prompt and error in an HTML mail', async () => {
    const html = "<p>I used the prompt 'a koi pond in autumn' in Image Studio and it came back with 'Safety filter timeout'.</p>";
    const u = await read(`${head('image')}Content-Type: text/html\r\n\r\n${html}\r\n`);
    expect(u.fields).toMatchObject({ prompt: 'a koi pond in autumn', errorMessage: 'Safety filter timeout', studio: 'image' });
  });

  it('the studio that failed when two are named', async () => {
    for (const body of [
      'Hi, I made an image in Image Studio, that worked; the video in Video Studio errored out at 9:00.',
      'So I made an image in Image Studio, that worked, and the video in Video Studio failed.',
    ]) {
      expect((await read(`${head('two studios')}Content-Type: text/plain\r\n\r\n${body}\r\n`)).fields.studio).toBe('video');
    }
  });

  it('the prompt and time of a forwarded platform notification', async () => {
    const body = [
      'See below.',
      '',
      ...FORWARDED_NOTIFICATION,
    ].join('\r\n');
    const u = await read(`${head('Fwd: Your generation failed')}Content-Type: text/plain\r\n\r\n${body}\r\n`);
    expect(u.fields).toMatchObject({ prompt: 'lo-fi beat with rain sounds', occurredAt: '2026-11-19T18:32:05Z', errorMessage: 'Music generation failed: encoder crashed' });
  });
});
