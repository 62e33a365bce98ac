import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../adapters/node/cli/main.ts';
import { EmailReport } from '../../src/email/email-report.ts';
import { TRUSTED_ID, buildEml } from '../email/build-eml.ts';
import { type ChatDesk, startChatDesk } from '../support/chat-desk.ts';
import { arbitraryMessage, hostileMessage, nested } from './mime.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * Raw MIME into the email intake under fuzzing (fast-check): `POST /api/email/inbound` of the real
 * app over HTTP, and `npm run cli -- email parse FILE --json` (in process) on the same bytes.
 * Arbitrary bytes, and messages of MIME's shapes garbled in every part (senders, encoded words,
 * charsets real and invented, transfer encodings, boundaries, nesting past the limit, cuts at any
 * byte). The route answers 202 (accepted, duplicate, ignored) or a clear 400/413 with the reason,
 * never a 500; a rejected message changes the store by exactly one dead letter (the table that
 * records rejections: `email_dead_letters`, the documented exception) and nothing else. The CLI
 * prints the email-report.md result or "rejected (reason)", never a stack, and whatever it rejects
 * the intake rejects for the same reason.
 */

const SECRET = 'inbound-secret-for-hostile-fuzzing';
const RUNS = { secrets: 50, arbitrary: 60, hostile: 120, cuts: 40 };
const REASONS = ['empty', 'too_large', 'headers_too_large', 'too_deeply_nested', 'unparseable', 'no_sender'];
const STACK_LINE = /^\s+at .+[(:]\d+/m;

describe('email intake under fuzzing', () => {
  let desk: ChatDesk;
  let dir: string;
  let files = 0;

  beforeAll(async () => {
    desk = await startChatDesk({ INBOUND_EMAIL_SECRET: SECRET, TRUSTED_AUTHSERV_ID: TRUSTED_ID, SUPPORT_INBOX: 'triage@prismposter.test', SUPPORT_FROM: 'support@prismposter.test' });
    dir = mkdtempSync(join(tmpdir(), 'hostile-eml-'));
  });
  afterAll(async () => {
    await desk?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function inbound(body: Uint8Array, secret: string | null = SECRET) {
    const response = await fetch(`${desk.url}/api/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', ...(secret !== null && { 'x-inbound-secret': secret }) },
      body: new Uint8Array(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** `email parse FILE --json` in process, on these bytes. */
  async function parseCli(raw: Uint8Array) {
    const file = join(dir, `m${++files}.eml`);
    writeFileSync(file, raw);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['email', 'parse', file, '--json'], { out: (s) => out.push(s), err: (s) => err.push(s), env: {} });
    rmSync(file);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /** The intake's answer and the CLI's reading of one message, checked against each other and the store. */
  async function checkMessage(raw: Uint8Array) {
    const before = snapshotStore(desk.dbPath);
    const answer = await inbound(raw);
    const changes = storeChanges(before, snapshotStore(desk.dbPath));
    const what = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)} for ${JSON.stringify(Buffer.from(raw).toString('latin1').slice(0, 400))}`;
    expect([202, 400, 413], what).toContain(answer.status);
    if (answer.status === 202) {
      expect(['accepted', 'duplicate', 'ignored'], what).toContain(answer.body.status);
    } else {
      expect(answer.body, what).toMatchObject({ status: 'rejected', reason: expect.any(String), detail: expect.any(String), deadLetterId: expect.any(String) });
      expect(REASONS).toContain(answer.body.reason);
      expect(answer.status === 413).toBe(answer.body.reason === 'too_large');
      // Kept as one dead letter with its reason and first bytes, and nothing else written.
      expect(changes.map((c) => [c.table, c.added.length, c.removed.length]), what).toEqual([['email_dead_letters', 1, 0]]);
      expect(changes[0]?.added[0]).toMatchObject({ id: answer.body.deadLetterId, reason: answer.body.reason, size: raw.byteLength });
    }

    const cli = await parseCli(raw);
    expect(cli.out + cli.err).not.toMatch(STACK_LINE);
    if (cli.code === 0) {
      expect(cli.err).toBe('');
      EmailReport.strict().parse(JSON.parse(cli.out));
    } else {
      expect(cli.code, `${cli.err} — ${what}`).toBe(1);
      const rejected = /^rejected \(([a-z_]+)\): ./.exec(cli.err);
      expect(rejected, `the CLI says why: ${cli.err}`).not.toBeNull();
      // What the CLI rejects, the intake rejects for the same reason.
      expect(answer.body, `CLI: ${cli.err}`).toMatchObject({ status: 'rejected', reason: rejected?.[1] });
    }
  }

  it(`refuses a missing or wrong secret with 401 and writes nothing, not even a dead letter (${RUNS.secrets} runs)`, async () => {
    const secret = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
      fc.nat({ max: SECRET.length - 1 }).map((n) => SECRET.slice(0, n)),
      fc.constantFrom(`${SECRET}x`, SECRET.toUpperCase(), SECRET.replace(/.$/, '_'), `${SECRET},${SECRET}`),
    );
    const message = buildEml({ from: 'leo@example.com', subject: 'hi', date: 'Sat, 21 Nov 2026 10:58:00 +0100', body: 'my image failed' });
    await fc.assert(
      fc.asyncProperty(fc.option(secret, { nil: null }), async (given) => {
        fc.pre(given !== SECRET);
        const before = snapshotStore(desk.dbPath);
        const answer = await inbound(Buffer.from(message), given === '' ? null : given);
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ error: { code: 'unauthorized' } });
        expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.secrets },
    );
  });

  it(`takes arbitrary bytes: 202 or a clear 400 with a dead letter, never a 500; the CLI agrees (${RUNS.arbitrary} runs)`, async () => {
    await fc.assert(fc.asyncProperty(arbitraryMessage, checkMessage), { numRuns: RUNS.arbitrary });
  });

  it(`takes garbled MIME (senders, encoded words, charsets, encodings, boundaries, nesting, cuts): the same (${RUNS.hostile} runs)`, async () => {
    await fc.assert(fc.asyncProperty(hostileMessage, checkMessage), { numRuns: RUNS.hostile });
  });

  it(`takes a real multipart report cut at any byte: the same (${RUNS.cuts} runs)`, async () => {
    const whole = readFileSync(fileURLToPath(new URL('../fixtures/eml/attachment.eml', import.meta.url)));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: whole.length }), fc.nat(), async (cut, n) => {
        // Another Message-ID each time, so that every cut is read rather than answered as a duplicate.
        const raw = Buffer.from(whole.subarray(0, cut).toString('latin1').replace('<attach@mail.example>', `<cut-${cut}-${n}@mail.example>`), 'latin1');
        await checkMessage(raw);
      }),
      { numRuns: RUNS.cuts },
    );
  });

  it.each<[string, () => Uint8Array, string]>([
    ['an empty message', () => new Uint8Array(), 'empty'],
    ['headers over 512 KiB', () => Buffer.from(`From: leo@example.com\r\nX-Pad: ${'a'.repeat(600 * 1024)}\r\nSubject: x\r\n\r\nmy video failed`), 'headers_too_large'],
    ['MIME nested 40 levels deep', () => nested(40), 'too_deeply_nested'],
    ['no From at all', () => Buffer.from('Subject: who am I\r\nMessage-ID: <nofrom@x>\r\n\r\nmy video failed'), 'no_sender'],
    ['a From that is no address', () => Buffer.from('From: not an address\r\nSubject: x\r\nMessage-ID: <badfrom@x>\r\n\r\nmy video failed'), 'no_sender'],
  ])('rejects %s with 400, its reason and a dead letter; the CLI says the same', async (_, raw, reason) => {
    const bytes = raw();
    const before = snapshotStore(desk.dbPath);
    const answer = await inbound(bytes);
    expect(answer).toMatchObject({ status: 400, body: { status: 'rejected', reason } });
    const [letter] = storeChanges(before, snapshotStore(desk.dbPath)).flatMap((c) => c.added.map((row) => ({ table: c.table, ...row })));
    expect(letter).toMatchObject({ table: 'email_dead_letters', reason, size: bytes.byteLength, raw_truncated: bytes.byteLength > 256 * 1024 ? 1 : 0 });
    await checkMessage(bytes);
  });
});
