import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/parse-email.ts';
import { shortLinesEml } from '../../test/email/large-eml.ts';
import { type ThreadParser, createThreadParser } from './thread-parser.ts';

const MB = 1024 * 1024;
/** Limits that give the parser the whole message: what parsing costs without the cuts. */
const UNCUT = { maxPartBytes: 1e9, maxPartLines: 1e9, maxBodyBytes: 1e9, maxBodyLines: 1e9 };
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/eml/${name}`, import.meta.url));

describe('email parsing on a worker thread', () => {
  let parser: ThreadParser;
  afterEach(() => parser.close());

  it('answers what parseEmail answers, in process', async () => {
    parser = createThreadParser();
    for (const name of ['plain-report.eml', 'forwarded.eml', 'attachment.eml']) {
      const expected = await parseEmail(new Uint8Array(fixture(name)), { receivedAt: 0 });
      const raw = new Uint8Array(fixture(name));
      expect(await parser.parse(raw, { receivedAt: 0 })).toEqual(expected);
      // Handed over to the thread, not copied.
      expect(raw.byteLength).toBe(0);
    }
    await expect(parser.parse(new TextEncoder().encode('Subject: nobody\r\n\r\nhi'), {})).rejects.toMatchObject({ reason: 'no_sender' });
  }, 30_000);

  it('refuses a message whose parse outgrows the thread (too_complex), and parses the next on a new thread', async () => {
    parser = createThreadParser({ maxHeapMb: 32 });
    const outcome = parser.parse(shortLinesEml(5 * MB, '<heavy@mail.example>'), { limits: UNCUT });
    const next = parser.parse(new Uint8Array(fixture('plain-report.eml')), {});
    await expect(outcome).rejects.toMatchObject({ name: 'EmailRejectedError', reason: 'too_complex', message: expect.stringContaining('32 MB') });
    expect((await next).report.from).toBe('maya@example.com');
  }, 60_000);

  it('refuses a message whose parse takes too long (too_complex), and parses the next', async () => {
    // Heap enough that time, not memory, is what stops it on any machine.
    parser = createThreadParser({ timeoutMs: 500, maxHeapMb: 512 });
    // Started first: the thread's start does not count against the next parse's time.
    await parser.parse(new Uint8Array(fixture('plain-report.eml')), {});
    await expect(parser.parse(shortLinesEml(2 * MB, '<slow@mail.example>'), { limits: UNCUT })).rejects.toMatchObject({
      reason: 'too_complex',
      message: 'parsing the message took longer than 0.5 s',
    });
    expect((await parser.parse(new Uint8Array(fixture('plain-report.eml')), {})).report.from).toBe('maya@example.com');
  }, 60_000);

  it('parses messages that arrive together one after the other, each with its own answer', async () => {
    parser = createThreadParser();
    const names = ['plain-report.eml', 'html-only.eml', 'no-from.eml', 'latin1.eml'];
    const outcomes = await Promise.allSettled(names.map((name) => parser.parse(new Uint8Array(fixture(name)), {})));
    const expected = await Promise.allSettled(names.map((name) => parseEmail(new Uint8Array(fixture(name)), {})));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.report : (o.reason as { reason: string }).reason))).toEqual(
      expected.map((o) => (o.status === 'fulfilled' ? o.value.report : (o.reason as { reason: string }).reason)),
    );
  }, 30_000);
});
