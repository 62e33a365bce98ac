import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, SendBody, StartBody, Turn } from '../../src/chat/chat-schemas.ts';
import { type ChatClient, type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import { rawHttp, rawRequest } from './raw-http.ts';
import { hasLoneSurrogate, hostileText } from './arbitraries.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * The chat API of chat-api.md under fuzzing (fast-check), on the real app served over HTTP with a
 * real SQLite file: bodies that are not what a call takes, identity headers that are not a valid
 * pair (through fetch, and byte for byte through a raw socket), conversation ids that are nobody's.
 * Each is answered with a clear 4xx in the error shape of the contract — never a 500 — and the
 * store (every row of every table) is as it was. Valid but hostile text is answered normally and
 * reads back as it was answered. (Text with a lone surrogate is refused: chat-unicode.test.ts.)
 */

const MAYA = 'maya@example.com';
const RUNS = { sendBodies: 120, startBodies: 80, identities: 100, rawHeaders: 60, ids: 100, hostileText: 40 };

/** JSON as the fetch standard reads a body: a leading byte order mark is dropped. */
const isJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\ufeff/, '')) };
  } catch {
    return { ok: false };
  }
};

/** JSON texts of every shape, and texts that are not JSON at all. */
const anyBodyText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ text: fc.jsonValue({ maxDepth: 1 }), option: fc.jsonValue({ maxDepth: 1 }), timezone: fc.jsonValue({ maxDepth: 1 }), extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.oneof(fc.constant(''), fc.string({ maxLength: 40 })).map((text) => JSON.stringify({ text })),
  fc.string({ maxLength: 130 }).map((option) => JSON.stringify({ option })),
  hostileText(200),
  fc.integer({ min: 2001, max: 6000 }).map((n) => JSON.stringify({ text: 'x'.repeat(n) })),
  fc.integer({ min: 17_000, max: 40_000 }).map((n) => JSON.stringify({ text: 'y'.repeat(n) })),
  fc.integer({ min: 1, max: 8000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.constantFrom('{"text": "hi"', '{"text": "hi"}}', '\u00ef\u00bb\u00bf{}', '{"text": "\\ud800"', 'null', '{"__proto__": {"text": "hi"}}', '{"text": "a", "text": 5}', '{"option": "send"}\u0000', '\ufeff{}'),
);

describe('chat API under fuzzing', () => {
  let desk: ChatDesk;
  let maya: ChatClient;
  let conversation: string;

  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '100000', CHAT_RATE_PER_MINUTE: '100000' });
    maya = chatClient(desk.url, identityHeaders(MAYA));
    conversation = (await maya.start()).conversationId;
    await maya.send(conversation, { option: 'run:gen_maya_video' });
  });
  afterAll(() => desk?.close());

  /** A 4xx in the contract's error shape, with a message that says something. */
  function expectClearRefusal(answer: { status: number; body: unknown }, statuses: readonly number[], what: string) {
    expect(statuses, `${what} → ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`).toContain(answer.status);
    const error = ErrorBody.parse(answer.body).error;
    expect(error.code).not.toBe('internal');
    expect(error.message.length).toBeGreaterThan(3);
    return error;
  }

  /** POST with a raw body text (fetch sends it as UTF-8). */
  const post = (path: string, body: string, headers: Record<string, string> = maya.headers) =>
    fetch(`${desk.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => {
      const text = await r.text();
      return { status: r.status, body: isJson(text).ok ? JSON.parse(text) : text };
    });

  it(`refuses every body of POST …/messages that is not { text } or { option } with 400 or 413, and the store is unchanged (${RUNS.sendBodies} runs)`, async () => {
    const invalid = anyBodyText.filter((text) => {
      const parsed = isJson(text);
      return !parsed.ok || !SendBody.safeParse(parsed.value).success;
    });
    await fc.assert(
      fc.asyncProperty(invalid, async (body) => {
        const before = snapshotStore(desk.dbPath);
        const answer = await post(`/api/conversations/${conversation}/messages`, body);
        const error = expectClearRefusal(answer, [400, 413], body.slice(0, 100));
        if (answer.status === 400) expect(error.code).toBe('bad_request');
        else expect(error.code).toBe('payload_too_large');
        expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.sendBodies },
    );
  });

  it(`refuses every body of POST /api/conversations that is not {} or { timezone } with 400 or 413, and starts nothing (${RUNS.startBodies} runs)`, async () => {
    const invalid = anyBodyText.filter((text) => {
      if (text.trim() === '') return false; // no body at all is a start
      const parsed = isJson(text);
      return !parsed.ok || !StartBody.safeParse(parsed.value).success;
    });
    await fc.assert(
      fc.asyncProperty(invalid, async (body) => {
        const before = snapshotStore(desk.dbPath);
        const answer = await post('/api/conversations', body);
        expectClearRefusal(answer, [400, 413], body.slice(0, 100));
        expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.startBodies },
    );
  });

  it('refuses bodies sent as another media type with a 4xx, and the store is unchanged', async () => {
    const before = snapshotStore(desk.dbPath);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '']) {
      for (const path of ['/api/conversations', `/api/conversations/${conversation}/messages`]) {
        const response = await fetch(`${desk.url}${path}`, { method: 'POST', headers: { ...maya.headers, ...(contentType && { 'content-type': contentType }) }, body: '{"text":"hello"}' });
        const answer = { status: response.status, body: await response.json() };
        expectClearRefusal(answer, [400, 415], `${contentType} to ${path}`);
      }
    }
    expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
  });

  describe('identity headers', () => {
    const hash = (email: string) => identityHeaders(email)['x-user-hash'] ?? '';
    /** Header values fetch can carry: Latin-1 without control characters (it strips the spaces around them). */
    const headerText = (max: number) =>
      fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: max });
    const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
    const email = fc.oneof(fc.constantFrom(MAYA, 'leo@example.com', 'MAYA@EXAMPLE.COM', ' maya@example.com', 'maya@example.com.', 'maya@exämple.com'), fc.emailAddress(), headerText(60));
    const forgedHash = (forEmail: string) =>
      fc.oneof(
        hex(64),
        headerText(80),
        fc.constant(hash('leo@example.com')),
        fc.constant(identityHeaders(forEmail, 'another-secret')['x-user-hash'] ?? ''),
        fc.nat({ max: 63 }).map((i) => {
          const h = hash(forEmail);
          return `${h.slice(0, i)}${h[i] === '0' ? '1' : '0'}${h.slice(i + 1)}`;
        }),
        fc.nat({ max: 63 }).map((i) => hash(forEmail).slice(0, i)),
        hex(2).map((extra) => `${hash(forEmail)}${extra}`),
        fc.constant(Buffer.from(hash(forEmail), 'hex').toString('base64')),
      );
    /** Pairs that are not a valid identity: forged hashes, half pairs. Both blank would be anonymous. */
    const forged = fc.oneof(
      email.chain((e) => forgedHash(e.trim().toLowerCase()).map((h) => ({ 'x-user-email': e, 'x-user-hash': h }))),
      email.map((e) => ({ 'x-user-email': e })),
      fc.oneof(hex(64), fc.constant(hash(MAYA))).map((h) => ({ 'x-user-hash': h })),
    ).filter((headers) => {
      const e = (headers as Record<string, string>)['x-user-email']?.trim() ?? '';
      const h = (headers as Record<string, string>)['x-user-hash']?.trim() ?? '';
      return (e !== '' || h !== '') && h.toLowerCase() !== hash(e.toLowerCase());
    });

    it(`refuses a forged or half identity with 401 on every call, and the store is unchanged (${RUNS.identities} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(forged, async (headers: Record<string, string>) => {
          const before = snapshotStore(desk.dbPath);
          for (const answer of [
            await request(desk.url, 'POST', '/api/conversations', { body: {}, headers }),
            await request(desk.url, 'GET', `/api/conversations/${conversation}`, { headers }),
            await request(desk.url, 'POST', `/api/conversations/${conversation}/messages`, { body: { option: 'still_failing' }, headers }),
          ]) {
            expect(expectClearRefusal(answer, [401], JSON.stringify(headers)).code).toBe('unauthorized');
            expect(JSON.stringify(answer.body)).not.toContain('gen_maya');
          }
          expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
        }),
        { numRuns: RUNS.identities },
      );
    });

    it(`answers identity headers of raw bytes (invalid UTF-8, control characters, huge) with a 4xx and no answer from the app's innards (${RUNS.rawHeaders} runs)`, async () => {
      // Any bytes but LF (which would end the header and start another: not one header any more), and
      // not only blanks (an empty header is an absent one: anonymous, which is no refusal).
      const anyBytes = fc
        .uint8Array({ minLength: 1, maxLength: 120 })
        .map((bytes) => bytes.map((b) => (b === 0x0a ? 0x20 : b)))
        .filter((bytes) => bytes.some((b) => b !== 0x20 && b !== 0x09));
      const rawHeader = fc.oneof(
        anyBytes.map((bytes) => Buffer.concat([Buffer.from('X-User-Email: '), Buffer.from(bytes)])),
        anyBytes.map((bytes) => Buffer.concat([Buffer.from('X-User-Hash: '), Buffer.from(bytes)])),
        fc.constantFrom(
          Buffer.from(`X-User-Email: maya@example.com\rX-User-Hash: ${hash(MAYA)}`, 'latin1'),
          Buffer.from('X-User-Email: ma\u0000ya@example.com', 'latin1'),
          Buffer.from('X-User-Email: m\u00e4ya@example.com', 'latin1'),
          Buffer.from([0x58, 0x2d, 0x55, 0x73, 0x65, 0x72, 0x2d, 0x45, 0x6d, 0x61, 0x69, 0x6c, 0x3a, 0x20, 0xc3, 0x28, 0xa0, 0xa1, 0x40, 0x78, 0x2e, 0x63, 0x6f]),
          Buffer.from(`X-User-Email: maya@example.com\r\n folded@example.com\r\nX-User-Hash: ${hash(MAYA)}`, 'latin1'),
          Buffer.from(`X-User-Email: ${'m'.repeat(70_000)}@example.com`, 'latin1'),
        ),
      );
      const call = fc.constantFrom(
        { method: 'POST', path: '/api/conversations', body: '{}' },
        { method: 'GET', path: '/api/conversations/CONV', body: '' },
        { method: 'POST', path: '/api/conversations/CONV/messages', body: '{"option":"still_failing"}' },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(rawHeader, { minLength: 1, maxLength: 3 }), call, async (headers, { method, path, body }) => {
          const before = snapshotStore(desk.dbPath);
          const bytes = rawRequest(method, path.replace('CONV', conversation), [...headers, 'Content-Type: application/json'], Buffer.from(body));
          const answer = await rawHttp(desk.url, bytes);
          expect([400, 401, 413, 431], `${answer.head}\n${answer.body}`).toContain(answer.status);
          if (answer.body !== '') expect(ErrorBody.safeParse(JSON.parse(answer.body)).success || answer.body === 'Bad Request').toBe(true);
          expect(answer.body).not.toContain('gen_maya');
          expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
        }),
        { numRuns: RUNS.rawHeaders },
      );
    });
  });

  it(`answers conversation ids that are nobody's with 404 (400 when malformed), and the store is unchanged (${RUNS.ids} runs)`, async () => {
    const id = fc
      .oneof(fc.string({ minLength: 1, maxLength: 130 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), fc.constantFrom('%', '%zz', '..', '.', '%2e%2e', '%2F', 'conv_', `${'a'.repeat(101)}`))
      .filter((s) => s !== conversation);
    await fc.assert(
      fc.asyncProperty(id, async (raw) => {
        const before = snapshotStore(desk.dbPath);
        const segment = /^%|^\.\.?$/.test(raw) ? raw : encodeURIComponent(raw);
        for (const answer of [
          await request(desk.url, 'GET', `/api/conversations/${segment}`, { headers: maya.headers }).catch((e: unknown) => ({ status: -1, body: String(e), headers: new Headers() })),
          await request(desk.url, 'POST', `/api/conversations/${segment}/messages`, { body: { text: 'hello' }, headers: maya.headers }).catch((e: unknown) => ({ status: -1, body: String(e), headers: new Headers() })),
        ]) {
          expectClearRefusal(answer, [400, 404], `id ${JSON.stringify(raw)}`);
        }
        expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.ids },
    );
  });

  it(`answers valid but hostile text and options (unicode, control characters, Slack and HTML markup, 2000 characters) with a turn that reads back as answered (${RUNS.hostileText} runs)`, async () => {
    const input = fc.oneof(
      hostileText(2000)
        .filter((s) => !hasLoneSurrogate(s) && s.trim().length >= 1 && s.trim().length <= 2000)
        .map((text) => ({ text })),
      fc.constantFrom('<script>alert(1)</script>', '"; DROP TABLE packets; --', '{{7*7}}', '${process.exit(1)}', '\u0000\u0001\u0002', 'ｍａｙａ＠ｅｘａｍｐｌｅ．ｃｏｍ', '🙂'.repeat(1000)).map((text) => ({ text })),
      fc.string({ minLength: 1, maxLength: 120 }).map((option) => ({ option })),
    );
    let id = conversation;
    let turns = 0;
    await fc.assert(
      fc.asyncProperty(input, async (body) => {
        // A fresh conversation now and then, so the flow is met in more than one state.
        if (turns++ % 10 === 0) id = (await maya.start()).conversationId;
        const answer = await request(desk.url, 'POST', `/api/conversations/${id}/messages`, { body, headers: maya.headers });
        expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
        const turn = Turn.parse(answer.body);
        expect(turn.messages[0]?.from).toBe('user');
        const whole = await maya.get(id);
        expect(whole.messages.slice(-turn.messages.length)).toEqual(turn.messages);
        expect(whole.state).toBe(turn.state);
      }),
      { numRuns: RUNS.hostileText },
    );
  });
});
