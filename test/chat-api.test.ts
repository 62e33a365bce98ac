import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Packet } from '../src/core/support-packet.ts';
import { articles } from '../knowledge/articles.generated.ts';
import { createKnowledgeBase } from '../src/knowledge/knowledge-base.ts';
import {
  type Answer,
  type ChatClient,
  type ChatDesk,
  WIDGET_SECRET,
  chatClient,
  checkDeclared,
  errorOf,
  identityHeaders,
  request,
  startChatDesk,
} from './support/chat-desk.ts';

/*
 * The chat API of chat-api.md end to end: the real app served over HTTP, the real SQLite file with
 * the demo seeded, the real flow, packets, outbox and refunds. The desk's clock runs from a fixed
 * afternoon in Berlin (Tue 24 Nov 2026, 14:30 CET) so the times the bot names are known.
 */

const BASE = Date.parse('2026-11-24T13:30:00.000Z');
const MAYA = 'maya@example.com';
const DESTINATIONS = { SLACK_TRIAGE_CHANNEL: '#support-triage', SUPPORT_INBOX: 'support@prismposter.test' };

/** A clock that runs from BASE and can be moved forward. */
function testClock() {
  const started = Date.now();
  let skipped = 0;
  return { now: () => BASE + (Date.now() - started) + skipped, skip: (ms: number) => void (skipped += ms) };
}

type Message = { id: string; from: string; text: string; options?: { id: string; label: string }[] | undefined };

/** chat-api.md's table: the option ids offered in each state (none where it lists none); `more` until the details are shown. */
function expectedOptions(state: string, runIds: readonly string[] = [], signedIn = false): string[] {
  const table: Record<string, string[]> = {
    greeting: [...runIds.map((id) => `run:${id}`), 'other'],
    waiting: ['arrived', 'still_stuck'],
    retry: ['worked', 'still_failing', 'more'],
    simplify: ['worked', 'still_failing', 'more'],
    findings: ['send_to_support', 'all_good', ...(signedIn ? ['more'] : [])],
    packet: ['send', 'dont_send'],
  };
  return table[state] ?? [];
}

/** The options the user can pick after a turn: those of its last bot message. */
function offered(messages: readonly Message[]): string[] {
  const last = messages.filter((m) => m.from === 'bot').at(-1);
  return last?.options?.map((o) => o.id) ?? [];
}

const botTexts = (messages: readonly Message[]) => messages.filter((m) => m.from === 'bot').map((m) => m.text).join('\n');

describe('chat API: a verified user, an anonymous user, and what goes wrong', () => {
  const clock = testClock();
  let desk: ChatDesk;
  let maya: ChatClient;
  let anonymous: ChatClient;

  beforeAll(async () => {
    desk = await startChatDesk(
      { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, ...DESTINATIONS, CHAT_RATE_BURST: '500' },
      { now: clock.now },
    );
    maya = chatClient(desk.url, identityHeaders(MAYA));
    anonymous = chatClient(desk.url);
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('takes a verified user from the greeting to a packet with support, offering the options of chat-api.md at each step', async () => {
    const transcript: Message[] = [];
    const step = async (input: { text: string } | { option: string }, state: string, options = expectedOptions(state, [], true)) => {
      const turn = await maya.send(conversationId, input);
      expect(turn.state).toBe(state);
      expect(turn.messages[0]).toMatchObject({ from: 'user' });
      expect(offered(turn.messages)).toEqual(options);
      transcript.push(...turn.messages);
      return turn;
    };

    const started = await maya.start();
    const conversationId = started.conversationId;
    transcript.push(...started.messages);
    expect(started.state).toBe('greeting');
    // Her one run of the week that did not complete (the music and image runs completed).
    expect(offered(started.messages)).toEqual(expectedOptions('greeting', ['gen_maya_video']));
    expect(started.messages[0]?.options?.[0]?.label).toBe('Video Studio · 12:55 · failed');

    const retry = await step({ option: 'run:gen_maya_video' }, 'retry');
    expect(retry.messages[0]?.text).toBe('Video Studio · 12:55 · failed');
    expect(botTexts(retry.messages)).toContain('“Generation failed: model timeout”');
    // Short, and what a retry costs: nothing; what this run was charged is due back.
    expect(botTexts(retry.messages).length).toBeLessThan(300);
    expect(botTexts(retry.messages)).toContain('Failed runs cost nothing; you pay only when one completes. This one was charged 40 credits anyway');

    const simplify = await step({ option: 'still_failing' }, 'simplify');
    expect(botTexts(simplify.messages)).toMatch(/lower the resolution from 4k to 1080p/);

    // A question on the way is answered from the knowledge base, and the flow stays where it was.
    const question = 'why does the same prompt sometimes fail and sometimes work?';
    const article = createKnowledgeBase(articles).answer(question);
    expect(article).not.toBeNull();
    const answered = await step({ text: question }, 'simplify');
    expect(answered.messages.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(answered.messages[1]?.text).toContain(`(from “${article?.title}”)`);

    const findings = await step({ option: 'still_failing' }, 'findings');
    // Her time (Europe/Berlin, CET) and the 40 credits; the music run in another tab 14 minutes later a tap away.
    expect(botTexts(findings.messages)).toBe(
      'Your Video Studio run at 12:55 failed and was charged 40 credits: that is due back to you. Shall I send this to support?',
    );
    const details = await step({ option: 'more' }, 'findings', ['send_to_support', 'all_good']);
    const found = botTexts(details.messages);
    expect(found).toContain('a Music Studio run at 13:09, maybe in another tab, used 10 credits');
    // The image run of the day before has nothing to do with it.
    expect(found).not.toMatch(/Image Studio|4 credits/);
    expect(found).toContain('Your balance is 146 credits.');

    const packetStep = await step({ option: 'send_to_support' }, 'packet');
    const shown = botTexts(packetStep.messages);
    expect(shown).toContain('Account: maya@example.com (signed in)');
    expect(shown).toContain('Settings: resolution 4k, 1 reference image, 8 seconds long\n');
    expect(shown).toContain('When: Tue 24 Nov 12:55 (Europe/Berlin time)');
    // Only what she did: she never said she checked the Credits page.
    expect(shown).toContain('Already tried: retried and simplified\n');
    expect(shown).toContain('Press Send when you’re ready.');

    // A secret typed by mistake reaches support masked.
    await step({ text: 'my card is 4111 1111 1111 1111' }, 'packet');

    const sent = await step({ option: 'send' }, 'handed_off');
    const packet = Packet.parse(sent.packet);
    expect(packet.ref).toMatch(/^PKT-[A-Z0-9]{6,10}$/);
    expect(botTexts(sent.messages)).toContain(`Your reference is ${packet.ref}`);
    // The auto-refund limit is 0: the refund is proposed to staff, not issued.
    expect(botTexts(sent.messages)).toContain('I’ve proposed a refund of 40 credits to the support team');
    expect(packet).toMatchObject({
      channel: 'widget',
      accountEmail: MAYA,
      verified: true,
      studio: 'video',
      prompt: 'a paper boat crossing a stormy sea at dusk, cinematic',
      errorMessage: 'Generation failed: model timeout',
      timezone: 'Europe/Berlin',
      generationIds: ['gen_maya_video'],
      stepsTried: ['retry', 'simplify'],
      missing: [],
      status: 'open',
    });
    expect(packet.findings?.refundDue).toBe(40);
    expect(packet.findings?.runs.map((r) => [r.generationId, r.verdict, r.outstanding])).toEqual([['gen_maya_video', 'refund_due', 40]]);
    const said = packet.transcript.map((e) => e.text);
    expect(said).toContain('my card is [card ending 1111]');
    expect(JSON.stringify(packet)).not.toContain('4111 1111 1111 1111');
    expect(said).toContain(question);
    // The transcript runs to the user's last word: the Send itself, as the conversation shows it.
    const sentByUser = sent.messages.filter((m) => m.from === 'user');
    expect(sentByUser).toHaveLength(1);
    expect(packet.transcript.at(-1)).toMatchObject({ from: 'user', text: sentByUser[0]?.text });
    expect(packet.transcript.filter((e) => e.from === 'user').length).toBe(transcript.filter((m) => m.from === 'user').length);

    // One delivery to Slack and one to the inbox, written with the packet.
    const outbox = await desk.deps.store.listOutbox({ packetRef: packet.ref });
    expect(outbox.map((o) => [o.kind, o.destination, o.status]).sort()).toEqual([
      ['email.packet', DESTINATIONS.SUPPORT_INBOX, 'pending'],
      ['slack.packet', DESTINATIONS.SLACK_TRIAGE_CHANNEL, 'pending'],
    ]);
    for (const row of outbox) expect(row.createdAt).toBe(Date.parse(packet.createdAt));
    expect(await desk.deps.store.getPacket(packet.ref)).toEqual(packet);
    const ledger = await desk.deps.platform.listLedger('acc_maya', { since: 0, until: clock.now() });
    expect(ledger.entries.filter((e) => e.type === 'refund')).toEqual([]);

    // Afterwards the bot quotes the reference; the whole conversation reads back as it happened.
    const after = await step({ text: 'any news?' }, 'handed_off');
    expect(botTexts(after.messages)).toContain(packet.ref);
    const whole = await maya.get(conversationId);
    expect(whole).toMatchObject({ conversationId, state: 'handed_off', packet: { ref: packet.ref } });
    expect(whole.messages).toEqual(transcript);
    expect(new Set(whole.messages.map((m) => m.id)).size).toBe(whole.messages.length);
    expect(whole.messages.map((m) => Date.parse(m.at))).toEqual([...whole.messages.map((m) => Date.parse(m.at))].sort((a, b) => a - b));
  });

  it('closes the conversation when the retry worked ("it worked")', async () => {
    const { conversationId } = await maya.start();
    expect((await maya.send(conversationId, { option: 'run:gen_maya_video' })).state).toBe('retry');
    const turn = await maya.send(conversationId, { text: 'it worked' });
    expect(turn.state).toBe('resolved');
    expect(botTexts(turn.messages)).toContain('glad it works now');
    expect(offered(turn.messages)).toEqual([]);
    expect((await maya.get(conversationId)).state).toBe('resolved');
  });

  it('asks a user to wait for a run still within its expected time, then goes on when it is still stuck', async () => {
    const sam = chatClient(desk.url, identityHeaders('sam@example.com'));
    const started = await sam.start();
    // Newest first: the image run of 2 minutes ago, the video run stuck for 3 hours; times in his zone.
    expect(offered(started.messages)).toEqual(expectedOptions('greeting', ['gen_sam_image', 'gen_sam_video']));
    const waiting = await sam.send(started.conversationId, { option: 'run:gen_sam_image' });
    expect(waiting.state).toBe('waiting');
    expect(offered(waiting.messages)).toEqual(expectedOptions('waiting'));
    expect(botTexts(waiting.messages)).toContain('Runs like it can take up to 10 minutes, so it should be done by about 14:38 (Africa/Lagos time)');
    const retry = await sam.send(started.conversationId, { option: 'still_stuck' });
    expect(retry.state).toBe('retry');
    expect(offered(retry.messages)).toEqual(expectedOptions('retry'));
  });

  it('answers a question in the greeting without leaving it, and where her account says otherwise, says so', async () => {
    const { conversationId } = await maya.start();
    const turn = await maya.send(conversationId, { text: 'How do I check my credits?' });
    expect(turn.state).toBe('greeting');
    expect(turn.messages[1]?.text).toMatch(/\(from “[^”]+”\)$/);
    expect(turn.messages[2]?.text).toBe(
      'Your account shows a charge, though. Your Video Studio run at 12:55 failed and was charged 40 credits: that is due back to you. I can send it to support for you.',
    );
    expect(offered(turn.messages)).toEqual([...expectedOptions('greeting', ['gen_maya_video']), 'send_to_support']);
    const leo = chatClient(desk.url, identityHeaders('leo@example.com'));
    const his = await leo.start();
    const answered = await leo.send(his.conversationId, { text: 'How do I check my credits?' });
    // Refunded already: nothing on his account says otherwise.
    expect(answered.messages.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(offered(answered.messages)).toEqual(expectedOptions('greeting', ['gen_leo_image']));
  });

  describe('identity', () => {
    let mayas: string;
    beforeAll(async () => {
      mayas = (await maya.start()).conversationId;
    });

    it.each<[string, Record<string, string>]>([
      ['a wrong hash', { ...identityHeaders(MAYA), 'x-user-hash': identityHeaders('leo@example.com')['x-user-hash'] ?? '' }],
      ['a hash made with another secret', identityHeaders(MAYA, 'not-the-secret')],
      ['an email without a hash', { 'x-user-email': MAYA }],
      ['a hash without an email', { 'x-user-hash': identityHeaders(MAYA)['x-user-hash'] ?? '' }],
    ])('refuses %s with 401', async (_, headers) => {
      for (const answer of [
        await request(desk.url, 'POST', '/api/conversations', { body: {}, headers }),
        await request(desk.url, 'GET', `/api/conversations/${mayas}`, { headers }),
        await request(desk.url, 'POST', `/api/conversations/${mayas}/messages`, { body: { option: 'other' }, headers }),
      ]) {
        expect(answer.status).toBe(401);
        expect(errorOf(answer).code).toBe('unauthorized');
      }
    });

    it('accepts the email in any case, the hash being of the lowercase email', async () => {
      const shouting = chatClient(desk.url, { ...identityHeaders(MAYA), 'x-user-email': 'Maya@Example.COM' });
      expect(offered((await shouting.start()).messages)).toContain('run:gen_maya_video');
      expect((await shouting.get(mayas)).conversationId).toBe(mayas);
    });

    it.each<[string, () => Record<string, string>]>([
      ['another verified user', () => identityHeaders('leo@example.com')],
      ['an anonymous user', () => ({})],
    ])('answers 404 to %s for her conversation, and changes nothing', async (_, headers) => {
      const before = await maya.get(mayas);
      for (const answer of [
        await request(desk.url, 'GET', `/api/conversations/${mayas}`, { headers: headers() }),
        await request(desk.url, 'POST', `/api/conversations/${mayas}/messages`, { body: { option: 'other' }, headers: headers() }),
      ]) {
        expect(answer.status).toBe(404);
        expect(errorOf(answer).code).toBe('not_found');
        expect(JSON.stringify(answer.body)).not.toMatch(/gen_maya|maya@/);
      }
      expect(await maya.get(mayas)).toEqual(before);
    });

    it('answers 404 for an unknown conversation', async () => {
      for (const answer of [
        await maya.raw('GET', '/api/conversations/conv_doesnotexist'),
        await maya.raw('POST', '/api/conversations/conv_doesnotexist/messages', { text: 'hello' }),
      ]) {
        expect(answer.status).toBe(404);
        expect(errorOf(answer).code).toBe('not_found');
      }
    });

    it('keeps a verified user out of an anonymous conversation', async () => {
      const { conversationId } = await anonymous.start();
      expect((await anonymous.get(conversationId)).state).toBe('greeting');
      expect((await maya.raw('GET', `/api/conversations/${conversationId}`)).status).toBe(404);
    });
  });

  describe('bodies', () => {
    let id: string;
    beforeAll(async () => {
      id = (await maya.start()).conversationId;
    });

    it.each<[string, unknown, RegExp]>([
      ['an empty object', {}, /^text or option: /],
      ['empty text', { text: '' }, /^text: /],
      ['blank text', { text: '   ' }, /^text: /],
      ['an option that is not a string', { option: 5 }, /^option: /],
      ['text that is not a string', { text: 5 }, /^text: /],
      ['an extra key', { text: 'hello', extra: true }, /^extra: /],
      ['text that is too long', { text: 'x'.repeat(2001) }, /^text: /],
      ['an array', [], /^body: /],
    ])('refuses %s with 400 naming the field', async (_, body, field) => {
      const answer = await maya.raw('POST', `/api/conversations/${id}/messages`, body);
      expect(answer.status).toBe(400);
      const error = errorOf(answer);
      expect(error.code).toBe('bad_request');
      expect(error.message).toMatch(field);
    });

    it('refuses an unknown field when starting', async () => {
      const answer = await maya.raw('POST', '/api/conversations', { email: 'someone@else.com' });
      expect(answer.status).toBe(400);
      expect(errorOf(answer).message).toMatch(/^email: /);
    });

    it('starts with no body at all, with or without a JSON content type', async () => {
      for (const headers of [maya.headers, { ...maya.headers, 'content-type': 'application/json' }]) {
        const answer = await fetch(`${desk.url}/api/conversations`, { method: 'POST', headers });
        expect(answer.status).toBe(201);
        const started = (await answer.json()) as { state: string; conversationId: string };
        checkDeclared('POST', '/api/conversations', { status: answer.status, headers: answer.headers, body: started });
        expect(started.state).toBe('greeting');
        expect(started.conversationId).toMatch(/^conv_/);
      }
    });

    it('takes JSON sent with parameters or as a +json type, and refuses other media types with 415 changing nothing', async () => {
      const own = (await maya.start()).conversationId;
      const send = (type: string) =>
        request(desk.url, 'POST', `/api/conversations/${own}/messages`, { body: { text: 'hello' }, headers: { ...maya.headers, 'content-type': type } });
      const before = (await maya.get(own)).messages.length;
      for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json']) expect((await send(type)).status, type).toBe(200);
      const taken = (await maya.get(own)).messages.length;
      expect(taken).toBeGreaterThan(before);
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        const answer = await send(type);
        expect(answer.status, type).toBe(415);
        expect(errorOf(answer).code).toBe('bad_request');
      }
      expect((await maya.get(own)).messages.length).toBe(taken);
    });

    it('refuses a message with no body at all with 400 naming the fields', async () => {
      const answer = await maya.raw('POST', `/api/conversations/${id}/messages`);
      expect(answer.status).toBe(400);
      expect(errorOf(answer).message).toBe('text or option: send exactly one of them');
    });

    it('refuses a body that is not JSON with 400', async () => {
      for (const path of ['/api/conversations', `/api/conversations/${id}/messages`]) {
        const answer = await maya.raw('POST', path, '{"text": "hello"');
        expect(answer.status).toBe(400);
        expect(errorOf(answer).code).toBe('bad_request');
        expect(errorOf(answer).message).toBe('body: not valid JSON');
      }
    });

    it('refuses a body over the limit with 413, with or without a Content-Length', async () => {
      const big = JSON.stringify({ text: 'x'.repeat(20 * 1024) });
      const declared = await maya.raw('POST', `/api/conversations/${id}/messages`, big);
      expect(declared.status).toBe(413);
      expect(errorOf(declared).code).toBe('payload_too_large');

      const streamed = await fetch(`${desk.url}/api/conversations/${id}/messages`, {
        method: 'POST',
        headers: { ...maya.headers, 'content-type': 'application/json' },
        body: new Blob([big]).stream(),
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      const refused: Answer = { status: streamed.status, headers: streamed.headers, body: await streamed.json() };
      checkDeclared('POST', `/api/conversations/${id}/messages`, refused);
      expect(refused.status).toBe(413);
      expect(errorOf(refused).code).toBe('payload_too_large');

      // Nothing of it reached the conversation.
      expect((await maya.get(id)).messages.map((m) => m.from)).toEqual(['bot']);
    });
  });

  it('describes itself as OpenAPI 3.1 at /openapi.json', async () => {
    const answer = await request(desk.url, 'GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[]; requestBody?: unknown; responses: Record<string, { description: string; content?: unknown }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/conversations',
      '/api/conversations/{id}',
      '/api/conversations/{id}/events',
      '/api/conversations/{id}/locale',
      '/api/conversations/{id}/messages',
    ]);
    expect(Object.keys(doc.paths['/api/conversations'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/conversations/{id}'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/conversations/{id}/messages'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/conversations/{id}/events'] ?? {})).toEqual(['get']);

    // Structurally valid: every operation answers with described responses, every path parameter is
    // declared, every $ref resolves.
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
        for (const response of Object.values(operation.responses)) expect(typeof response.description).toBe('string');
        for (const name of path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? []) {
          expect(operation.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
        }
        expect(operation.responses).toHaveProperty('400');
        expect(operation.responses).toHaveProperty('429');
        // The identity headers are part of every operation's contract.
        for (const name of ['x-user-email', 'x-user-hash']) {
          expect(operation.parameters).toContainEqual(expect.objectContaining({ name, in: 'header', required: false }));
        }
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }

    const { Message, Turn } = doc.components.schemas;
    expect(Object.keys(Message?.properties ?? {}).sort()).toEqual(['at', 'author', 'from', 'id', 'options', 'text']);
    expect(Message?.required?.sort()).toEqual(['at', 'from', 'id', 'text']);
    expect(Object.keys(Turn?.properties ?? {}).sort()).toEqual(['locale', 'messages', 'packet', 'state']);
    expect(JSON.stringify(doc.paths['/api/conversations/{id}/messages']?.post?.responses['200'])).toContain('#/components/schemas/Turn');
    expect(JSON.stringify(doc.paths['/api/conversations/{id}/messages']?.post?.requestBody)).toContain('#/components/schemas/SendMessage');
  });

  it('documents every answer each route can give, and how long a 429 asks to wait', async () => {
    const doc = (await request(desk.url, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    };
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    // A body is taken (413, 415); a conversation is named (404); a turn can race another or wait on the platform (409, 503).
    expect(statuses('/api/conversations', 'post')).toEqual(['201', '400', '401', '413', '415', '429', '500', '503']);
    expect(statuses('/api/conversations/{id}/messages', 'post')).toEqual(['200', '400', '401', '404', '409', '413', '415', '429', '500', '503']);
    expect(statuses('/api/conversations/{id}', 'get')).toEqual(['200', '400', '401', '404', '429', '500']);
    expect(statuses('/api/conversations/{id}/events', 'get')).toEqual(['200', '400', '401', '404', '429', '500']);
    for (const operations of Object.values(doc.paths)) {
      for (const operation of Object.values(operations)) expect(operation.responses['429']?.headers).toHaveProperty('Retry-After');
    }
  });

  it('reports its health', async () => {
    const answer = await request(desk.url, 'GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ok', database: 'ok' });
  });

  describe('an anonymous user', () => {
    /** Anything of the demo accounts: run ids, credit amounts, emails, names. */
    const ACCOUNT_DATA = /gen_|acc_|\d+ credits?\b|balance is|@|\b(Maya|Berg|Leo|Ana|Sam)\b/;

    it('gets general help and an unverified packet that says what is missing, and never any account data', async () => {
      const started = await anonymous.start();
      expect(started.state).toBe('greeting');
      expect(botTexts(started.messages)).toMatch(/Which studio were you using, and roughly when did it happen\?/);
      expect(offered(started.messages)).toEqual(['other']);
      const id = started.conversationId;
      const messages = [...started.messages];
      for (const [input, state] of [
        [{ option: 'other' }, 'retry'],
        [{ option: 'still_failing' }, 'simplify'],
        [{ option: 'still_failing' }, 'findings'],
        [{ option: 'send_to_support' }, 'packet'],
        [{ option: 'send' }, 'handed_off'],
      ] as const) {
        const turn = await anonymous.send(id, input);
        expect(turn.state).toBe(state);
        expect(offered(turn.messages)).toEqual(expectedOptions(state));
        messages.push(...turn.messages);
        if (turn.packet) {
          expect(Packet.parse(turn.packet)).toMatchObject({
            verified: false,
            accountEmail: null,
            findings: null,
            missing: ['accountEmail', 'studio', 'prompt', 'timestamp'],
            status: 'needs_info',
            stepsTried: ['retry', 'simplify'],
          });
        }
      }
      expect(botTexts(messages)).toContain('Without a signed-in account I can’t see your history');
      expect(botTexts(messages)).toContain('support still needs your account email');
      expect(botTexts(messages)).not.toMatch(ACCOUNT_DATA);
      expect((await anonymous.get(id)).packet?.verified).toBe(false);
    });

    it('fills the account email it types in, and the packet stays unverified, without the account’s data', async () => {
      const anonymousInBerlin = await anonymous.start({ timezone: 'Europe/Berlin' });
      const id = anonymousInBerlin.conversationId;
      const messages = [...anonymousInBerlin.messages];
      const say = async (input: { text: string } | { option: string }, state: string) => {
        const turn = await anonymous.send(id, input);
        expect(turn.state).toBe(state);
        messages.push(...turn.messages);
        return turn;
      };
      await say({ text: 'My video failed around 13:00' }, 'retry');
      await say({ text: 'still failing' }, 'simplify');
      await say({ text: 'no' }, 'findings');
      const packetStep = await say({ option: 'send_to_support' }, 'packet');
      expect(botTexts(packetStep.messages)).toContain('support still needs your account email (the one you sign in with) and the prompt');
      const filled = await say({ text: 'I sign in as Maya@Example.com' }, 'packet');
      expect(botTexts(filled.messages)).toMatch(/Account: maya@example\.com\n/);
      expect(botTexts(filled.messages)).not.toContain('signed in');
      const sent = await say({ option: 'send' }, 'handed_off');
      const packet = Packet.parse(sent.packet);
      expect(packet).toMatchObject({
        verified: false,
        accountEmail: MAYA,
        studio: 'video',
        occurredAt: '2026-11-24T12:00:00.000Z',
        timezone: 'Europe/Berlin',
        generationIds: [],
        findings: null,
        missing: ['prompt'],
        status: 'needs_info',
      });
      expect(botTexts(sent.messages)).toContain('I couldn’t confirm charges from here');
      // The only account detail anywhere is the email the user typed.
      expect(botTexts(messages).replaceAll('maya@example.com', '')).not.toMatch(ACCOUNT_DATA);
      // Claiming her email does not join (or reveal) a packet of hers.
      expect(await desk.deps.store.listAudit(packet.ref)).toEqual([expect.objectContaining({ action: 'packet.created' })]);
    });
  });
});

describe('chat API: calls from host pages on other origins (CORS)', () => {
  const SHOP = 'https://shop.example';
  let listed: ChatDesk;
  let any: ChatDesk;
  beforeAll(async () => {
    [listed, any] = await Promise.all([
      startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, WIDGET_ALLOWED_ORIGINS: SHOP }),
      startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([listed?.close(), any?.close()]);
  });

  it('answers a preflight with the allowed methods, the identity headers and a max age', async () => {
    const answer = await fetch(`${listed.url}/api/conversations`, {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-user-email,x-user-hash' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('Content-Type,X-User-Email,X-User-Hash,Last-Event-ID');
    expect(answer.headers.get('access-control-max-age')).toBe('600');
  });

  it('allows a listed origin on the answer and says the answer varies by origin; no other origin', async () => {
    const maya = chatClient(listed.url, identityHeaders(MAYA));
    const allowed = await maya.raw('POST', '/api/conversations', {}, { origin: SHOP });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(allowed.headers.get('vary')).toBe('Origin');
    expect(allowed.headers.get('content-type')).toMatch(/application\/json/);

    const other = await maya.raw('POST', '/api/conversations', {}, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toBe('Origin');
  });

  it('allows any origin with *, on refusals too', async () => {
    const ok = await chatClient(any.url, identityHeaders(MAYA)).raw('POST', '/api/conversations', {}, { origin: 'https://anywhere.example' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('vary')).toBeNull();
    const refused = await request(any.url, 'GET', '/api/conversations/conv_any', {
      headers: { 'x-user-email': MAYA, 'x-user-hash': 'f'.repeat(64), origin: 'https://anywhere.example' },
    });
    expect(refused.status).toBe(401);
    expect(errorOf(refused).code).toBe('unauthorized');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });
});

describe('chat API: too many requests', () => {
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '3' });
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('answers the 4th quick request with 429 and Retry-After, per user, and lets the user in again after waiting', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    for (let i = 0; i < 3; i++) expect((await maya.raw('POST', '/api/conversations', {})).status).toBe(201);
    const refused = await maya.raw('POST', '/api/conversations', {});
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('rate_limited');
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    const seconds = Number(retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await maya.raw('GET', '/api/conversations/conv_any')).status).toBe(429);

    // Someone else is not held up by her.
    expect((await chatClient(desk.url, identityHeaders('leo@example.com')).raw('POST', '/api/conversations', {})).status).toBe(201);

    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 50));
    expect((await maya.raw('POST', '/api/conversations', {})).status).toBe(201);
  });

  it('counts refused identities too: guessing hashes is held up after the burst', async () => {
    const guesses = Array.from({ length: 4 }, (_, i) => ({ 'x-user-email': 'ana@example.com', 'x-user-hash': `${i}`.repeat(64) }));
    const answers = [];
    for (const headers of guesses) answers.push(await request(desk.url, 'GET', '/api/conversations/conv_any', { headers }));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 429]);
    expect(answers[3]?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('chat API: refunds at hand-off', () => {
  /** Maya through the flow to the hand-off; answers the final turn. */
  async function handOff(client: ChatClient) {
    const { conversationId } = await client.start();
    for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support']) await client.send(conversationId, { option });
    const sent = await client.send(conversationId, { option: 'send' });
    expect(sent.state).toBe('handed_off');
    return { conversationId, sent, packet: Packet.parse(sent.packet) };
  }

  describe('with AUTO_REFUND_LIMIT=50', () => {
    let desk: ChatDesk;
    beforeAll(async () => {
      desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, AUTO_REFUND_LIMIT: '50', ...DESTINATIONS });
    });
    afterAll(async () => {
      await desk?.close();
    });

    it('issues the 40 credits through the platform, logs it, marks the packet refunded and tells the user', async () => {
      const maya = chatClient(desk.url, identityHeaders(MAYA));
      const range = () => ({ since: 0, until: Date.now() + 60_000 });
      const before = await desk.deps.platform.listLedger('acc_maya', range());
      expect(before.balance).toBe(146);

      const { conversationId, sent, packet } = await handOff(maya);
      expect(botTexts(sent.messages)).toContain('A refund of 40 credits was issued automatically.');
      expect(botTexts(sent.messages)).not.toContain('proposed');
      expect(packet.status).toBe('refunded');
      expect(packet.findings?.refundDue).toBe(40);

      const after = await desk.deps.platform.listLedger('acc_maya', range());
      expect(after.balance).toBe(186);
      expect(after.entries.filter((e) => e.type === 'refund')).toEqual([
        expect.objectContaining({ accountId: 'acc_maya', generationId: 'gen_maya_video', amount: 40 }),
      ]);
      const audit = await desk.deps.store.listAudit(packet.ref);
      expect(audit.map((a) => a.action)).toEqual(['packet.created', 'refund.issued']);
      expect(audit[1]).toMatchObject({ actor: 'policy:auto-refund', evidence: { limit: 50, refundDue: 40 } });
      expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('refunded');
      expect((await maya.get(conversationId)).packet?.status).toBe('refunded');
    });
  });

  describe('with the default limit (0)', () => {
    let desk: ChatDesk;
    beforeAll(async () => {
      desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET });
    });
    afterAll(async () => {
      await desk?.close();
    });

    it('issues nothing and says the refund was proposed to staff', async () => {
      const { sent, packet } = await handOff(chatClient(desk.url, identityHeaders(MAYA)));
      expect(botTexts(sent.messages)).toContain('I’ve proposed a refund of 40 credits to the support team; they’ll confirm it.');
      expect(packet.status).toBe('open');
      const ledger = await desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
      expect(ledger.balance).toBe(146);
      expect(ledger.entries.filter((e) => e.type === 'refund')).toEqual([]);
      expect((await desk.deps.store.listAudit(packet.ref)).map((a) => a.action)).toEqual(['packet.created']);
    });
  });
});

describe('chat API: idle conversations expire', () => {
  const clock = testClock();
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CONVERSATION_TTL_HOURS: '2' }, { now: clock.now });
  });
  afterAll(async () => {
    await desk?.close();
  });

  it('answers 404 once a conversation has been idle past its TTL, and expire() deletes it', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const idle = (await maya.start()).conversationId;
    const active = (await maya.start()).conversationId;

    // Each turn extends the TTL: 90 minutes later both are alive, and one is answered.
    clock.skip(90 * 60_000);
    expect((await maya.send(active, { option: 'run:gen_maya_video' })).state).toBe('retry');
    expect((await maya.get(idle)).state).toBe('greeting');

    clock.skip(40 * 60_000); // 130 minutes after the start: `idle` is past its 2 hours
    for (const answer of [
      await maya.raw('GET', `/api/conversations/${idle}`),
      await maya.raw('POST', `/api/conversations/${idle}/messages`, { option: 'other' }),
    ]) {
      expect(answer.status).toBe(404);
      expect(errorOf(answer).code).toBe('not_found');
    }
    expect((await maya.get(active)).state).toBe('retry');

    expect(await desk.deps.conversations.expire()).toBe(1);
    expect(await desk.deps.store.getConversation(idle)).toBeNull();
    expect(await desk.deps.store.listMessages(idle)).toEqual([]);
    expect(await desk.deps.store.getConversation(active)).not.toBeNull();
  });
});
