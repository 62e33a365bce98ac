import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Packet } from '../../src/core/support-packet.ts';
import { type ChatClient, type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import { type AccountRecords, accountRecords, leakedMarkers } from './account-records.ts';
import { driveToPacket } from './chat-flow.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * Isolation of the chat API (chat-api.md: "a conversation belongs to whoever started it: any other
 * identity gets 404 for it"), probed with two verified accounts that both reached a packet: Maya
 * (A: a failed 4k video, 40 credits due) and Leo (B: a failed image run, refunded). Every call of
 * the API is tried with the other's identity, conversation id and packet ref, and with forged or
 * half identities; every answer is searched for the other's records as the SQLite file holds them
 * (account id, email, name, run ids, prompts, error messages, Library items, ledger ids, packet refs,
 * conversation ids). Nothing may leak, and nothing of the probes may change the store.
 */

const A_EMAIL = 'maya@example.com';
const B_EMAIL = 'leo@example.com';

describe('chat API isolation between two accounts', () => {
  let desk: ChatDesk;
  let a: ChatClient;
  let b: ChatClient;
  let anonymous: ChatClient;
  let convA: { id: string; answers: unknown[]; packet: Packet };
  let convB: { id: string; answers: unknown[]; packet: Packet };
  let convAnon: { id: string; answers: unknown[]; packet: Packet };
  let recordsA: AccountRecords;
  let recordsB: AccountRecords;

  beforeAll(async () => {
    desk = await startChatDesk({
      WIDGET_IDENTITY_SECRET: WIDGET_SECRET,
      CHAT_RATE_BURST: '10000',
      SLACK_TRIAGE_CHANNEL: '#support-triage',
      SUPPORT_INBOX: 'support@prismposter.test',
    });
    a = chatClient(desk.url, identityHeaders(A_EMAIL));
    b = chatClient(desk.url, identityHeaders(B_EMAIL));
    anonymous = chatClient(desk.url);
    convA = await driveToPacket(a);
    convB = await driveToPacket(b);
    convAnon = await driveToPacket(anonymous);
    recordsA = accountRecords(desk.dbPath, 'acc_maya');
    recordsB = accountRecords(desk.dbPath, 'acc_leo');
  });
  afterAll(() => desk?.close());

  /** Checks that an answer holds none of `records`, saying which were found. */
  const expectNoneOf = (records: AccountRecords, answer: unknown, typed: readonly string[] = []) =>
    expect(leakedMarkers(answer, records, typed), JSON.stringify(answer).slice(0, 500)).toEqual([]);

  it('files a packet for each, and each account reads its own records (the markers are real)', async () => {
    expect(convA.packet).toMatchObject({ accountEmail: A_EMAIL, verified: true, generationIds: ['gen_maya_video'] });
    expect(convB.packet).toMatchObject({ accountEmail: B_EMAIL, verified: true });
    expect(convAnon.packet).toMatchObject({ verified: false, accountEmail: null, findings: null });
    expect(new Set([convA.packet.ref, convB.packet.ref, convAnon.packet.ref]).size).toBe(3);
    expect(recordsA.packetRefs).toEqual([convA.packet.ref]);
    expect(recordsB.packetRefs).toEqual([convB.packet.ref]);
    expect(recordsA.conversationIds).toEqual([convA.id]);
    // Positive controls: the search finds a record where it is (else "no leak" would prove nothing).
    const ownA = await a.get(convA.id);
    expect(leakedMarkers(ownA, recordsA)).toEqual(expect.arrayContaining([convA.id, convA.packet.ref, 'gen_maya_video', 'Generation failed: model timeout']));
    expect(leakedMarkers(await b.get(convB.id), recordsB)).toEqual(expect.arrayContaining([convB.id, convB.packet.ref]));
  });

  it("shows neither account the other's records in its own conversation, nor the anonymous one", () => {
    for (const answer of convB.answers) expectNoneOf(recordsA, answer);
    for (const answer of convA.answers) expectNoneOf(recordsB, answer);
    for (const answer of convAnon.answers) {
      expectNoneOf(recordsA, answer);
      expectNoneOf(recordsB, answer);
    }
  });

  describe('probes on the other account’s conversation', () => {
    /** B's identity, A's identity spoofed, half identities and nobody. */
    const hash = (email: string, secret = WIDGET_SECRET) => identityHeaders(email, secret)['x-user-hash'] ?? '';
    const identities: [string, Record<string, string>, 401 | 404][] = [
      ['the other account', identityHeaders(B_EMAIL), 404],
      ['nobody (anonymous)', {}, 404],
      ["A's email with B's hash", { 'x-user-email': A_EMAIL, 'x-user-hash': hash(B_EMAIL) }, 401],
      ["B's email with A's hash", { 'x-user-email': B_EMAIL, 'x-user-hash': hash(A_EMAIL) }, 401],
      ["A's email without a hash", { 'x-user-email': A_EMAIL }, 401],
      ["A's hash without an email", { 'x-user-hash': hash(A_EMAIL) }, 401],
      ["A's email, hashed with another secret", { 'x-user-email': A_EMAIL, 'x-user-hash': hash(A_EMAIL, 'guessed-secret') }, 401],
      ["both emails in one header with B's hash", { 'x-user-email': `${B_EMAIL}, ${A_EMAIL}`, 'x-user-hash': hash(B_EMAIL) }, 401],
      ["A's email with trailing garbage and A's hash", { 'x-user-email': `${A_EMAIL}x`, 'x-user-hash': hash(A_EMAIL) }, 401],
      ["A's hash, truncated", { 'x-user-email': A_EMAIL, 'x-user-hash': hash(A_EMAIL).slice(0, 63) }, 401],
      ["A's hash with one more digit", { 'x-user-email': A_EMAIL, 'x-user-hash': `${hash(A_EMAIL)}0` }, 401],
    ];
    const bodies: unknown[] = [{ text: 'hello' }, { option: 'send' }, { option: 'run:gen_maya_video' }, { option: 'still_failing' }];
    /** The conversation id as other spellings and encodings of the same path. */
    const idVariants = (id: string) => [
      id,
      id.toUpperCase(),
      `${id}%20`,
      `%20${id}`,
      `${id}/`,
      [...id].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
      `${id}%00`,
      `${id};`,
      `${id}?id=${id}`,
      `./${id}`,
      `x/../${id}`,
      `${id.slice(0, -1)}`,
    ];

    it("answers every call with B's, a forged, a half or no identity on A's conversation without A's data, and changes nothing", async () => {
      const before = snapshotStore(desk.dbPath);
      const seenA = await a.get(convA.id);
      let probes = 0;
      for (const [who, headers, status] of identities) {
        for (const path of idVariants(convA.id).map((v) => `/api/conversations/${v}`)) {
          const answers = [await request(desk.url, 'GET', path, { headers })];
          for (const body of bodies) answers.push(await request(desk.url, 'POST', `${path}/messages`, { body, headers }));
          for (const answer of answers) {
            probes++;
            // 401 for a refused identity; 404 (or 400 for a malformed id) for an identity that is not the owner.
            if (status === 401) expect(answer.status, `${who} on ${path}`).toBe(401);
            else expect([400, 404], `${who} on ${path}: ${answer.status}`).toContain(answer.status);
            // (A "no route for …" answer may echo the path the prober typed, and nothing else.)
            expectNoneOf(recordsA, answer.body, [convA.id]);
            expectNoneOf(recordsA, [...answer.headers.entries()], [convA.id]);
          }
        }
      }
      expect(probes).toBe(identities.length * 12 * 5);
      expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      expect(await a.get(convA.id)).toEqual(seenA);
    });

    it("keeps both accounts out of the anonymous user's conversation, the anonymous user out of theirs, and finds nothing by ref or account", async () => {
      const before = snapshotStore(desk.dbPath);
      for (const [client, id] of [
        [a, convAnon.id],
        [b, convAnon.id],
        [anonymous, convA.id],
        [anonymous, convB.id],
        [a, convB.id],
        [b, convA.id],
      ] as const) {
        for (const answer of [await client.raw('GET', `/api/conversations/${id}`), await client.raw('POST', `/api/conversations/${id}/messages`, { option: 'send' })]) {
          expect(answer.status).toBe(404);
          expect(answer.body).toEqual({ error: { code: 'not_found', message: 'no such conversation' } });
        }
      }
      // A packet ref, an account id or a run id in place of a conversation id finds nothing either.
      for (const id of [convA.packet.ref, 'acc_maya', 'gen_maya_video', A_EMAIL]) {
        for (const client of [b, anonymous, a]) {
          const path = `/api/conversations/${encodeURIComponent(id)}`;
          for (const answer of [await client.raw('GET', path), await client.raw('POST', `${path}/messages`, { text: 'hello' })]) {
            expect(answer.status, `${id}`).toBe(404);
            expectNoneOf(recordsA, answer.body, [id]);
          }
        }
      }
      expect(storeChanges(before, snapshotStore(desk.dbPath))).toEqual([]);
      // The owners still read theirs.
      expect((await anonymous.get(convAnon.id)).packet?.ref).toBe(convAnon.packet.ref);
      expect((await b.get(convB.id)).packet?.ref).toBe(convB.packet.ref);
    });
  });

  describe("the other account's identifiers typed into one's own conversation", () => {
    /** What the prober types: A's run ids, Library item, packet ref, email and prompt words. */
    const typedOf = (ref: string) => ['gen_maya_video', `gen_maya_video failed, see ${ref}`, 'maya@example.com', 'my library item lib_maya_1 is gone', `packet ${ref}`];

    it("B asking about A's runs, Library item, email and packet ref learns nothing of A, and A's packet is untouched", async () => {
      const packetA = await desk.deps.store.getPacket(convA.packet.ref);
      const started = await b.start();
      const typed = typedOf(convA.packet.ref);
      const answers: unknown[] = [started, await b.raw('POST', `/api/conversations/${started.conversationId}/messages`, { option: 'run:gen_maya_video' })];
      for (const text of typed) answers.push(await b.send(started.conversationId, { text }));
      const current = await b.get(started.conversationId);
      const { answers: rest, packet } = await driveToPacket(b, { id: current.conversationId, messages: current.messages, state: current.state });
      answers.push(...rest, await b.get(started.conversationId));
      for (const answer of answers) expectNoneOf(recordsA, answer, typed);
      expect(packet.ref).not.toBe(convA.packet.ref);
      expect(packet.findings?.account).toEqual({ id: 'acc_leo', email: B_EMAIL });
      expect(packet.findings?.runs.map((r) => r.generationId) ?? []).not.toContain('gen_maya_video');
      expect(await desk.deps.store.getPacket(convA.packet.ref)).toEqual(packetA);
    });

    it("an anonymous user naming A's email, runs and ref gets an unverified packet without A's data, apart from A's", async () => {
      const packetA = await desk.deps.store.getPacket(convA.packet.ref);
      const typed = typedOf(convA.packet.ref);
      const started = await anonymous.start();
      const answers: unknown[] = [started];
      for (const text of typed) answers.push(await anonymous.send(started.conversationId, { text }));
      const current = await anonymous.get(started.conversationId);
      const { answers: rest, packet } = await driveToPacket(anonymous, { id: current.conversationId, messages: current.messages, state: current.state });
      answers.push(...rest, await anonymous.get(started.conversationId));
      for (const answer of answers) expectNoneOf(recordsA, answer, typed);
      expect(packet).toMatchObject({ verified: false, findings: null });
      expect(packet.ref).not.toBe(convA.packet.ref);
      expect(await desk.deps.store.getPacket(convA.packet.ref)).toEqual(packetA);
      // Nothing of A's packet was written anew: no join, no second delivery to support.
      const outboxA = await desk.deps.store.listOutbox({ packetRef: convA.packet.ref });
      expect(outboxA.map((o) => o.kind).sort()).toEqual(['email.packet', 'slack.packet']);
    });
  });

  it('answers unknown methods on the conversation paths with 404 and no data', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      for (const path of [`/api/conversations/${convA.id}`, `/api/conversations/${convA.id}/messages`, '/api/conversations']) {
        const answer = await request(desk.url, method, path, { headers: identityHeaders(B_EMAIL), body: { text: 'x' } });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expectNoneOf(recordsA, answer.body, [convA.id]);
      }
    }
    expect((await a.get(convA.id)).packet?.ref).toBe(convA.packet.ref);
  });
});
