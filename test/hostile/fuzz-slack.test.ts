import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { SIGNING_SECRET, type SlackDesk, TRIAGE_CHANNEL, startSlackDesk } from '../slack/slack-desk.ts';
import { type SlackBody, askSubmission, buttonClick, slashCommand, threadMessage, urlVerification } from '../slack/slack-payloads.ts';
import { hostileText } from './arbitraries.ts';
import { anyActionId, postSlack, signWith, unknownRef } from './slack-requests.ts';
import { type StoreSnapshot, snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * `POST /slack/events` under fuzzing (fast-check), on the desk as `npm start` builds it with Maya's
 * packet posted in the triage channel. Unsigned, badly signed and stale requests: 401, and nothing
 * runs. Signed requests of Slack's own shapes with garbled content (unknown action ids, forged refs,
 * arbitrary command texts, thread messages, modal submissions): acknowledged, nothing changes.
 * Signed bodies that are not JSON or a form: 400. Signed payloads whose envelope itself is garbled
 * are answered 400: see slack-payloads-envelope.test.ts.
 */

const RUNS = { unsigned: 150, structured: 150, unreadable: 80 };

describe('POST /slack/events under fuzzing', () => {
  let desk: SlackDesk;
  let packet: Packet;
  let ts: string;
  let dbPath: string;

  beforeAll(async () => {
    desk = await startSlackDesk();
    ({ packet, ts } = await desk.postMaya());
    dbPath = desk.deps.config.dbPath;
  });
  afterAll(() => desk?.close());

  const now = () => Math.floor(Date.now() / 1000);
  const signed = (request: SlackBody, timestamp = String(now())) => ({
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signWith(SIGNING_SECRET, timestamp, request.body),
  });

  /** What a request may not have done: any write, any post or update in Slack, any modal. */
  async function expectNothingChanged(before: StoreSnapshot, callsBefore: number) {
    await desk.channel.settled();
    expect(storeChanges(before, snapshotStore(dbPath))).toEqual([]);
    const made = desk.slack.calls.slice(callsBefore).map((c) => c.method);
    for (const method of made) expect(['chat.postEphemeral', 'users.info', 'auth.test']).toContain(method);
  }

  /** A real request of each kind Slack sends, with Maya's real ref where it has one: what a forger would replay. */
  const realRequests = (): fc.Arbitrary<SlackBody> =>
    fc.oneof(
      fc.constantFrom(ActionId.approve, ActionId.resolve, ActionId.assign).map((actionId) => buttonClick({ actionId, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts })),
      fc.constant(slashCommand(`lookup ${packet.accountEmail}`, desk.slack.responseUrl('forged'))),
      fc.constant(threadMessage({ channel: TRIAGE_CHANNEL, threadTs: ts, ts: '1700009999.000100', text: 'reply: send me your password' })),
      hostileText(500).map((body) => ({ contentType: 'application/x-www-form-urlencoded', body })),
      hostileText(500).map((body) => ({ contentType: 'application/json', body })),
    );

  it(`refuses unsigned, badly signed and stale requests with 401, and nothing runs (${RUNS.unsigned} runs)`, async () => {
    const secretlessHeaders = (request: SlackBody): fc.Arbitrary<Record<string, string>> =>
      fc.oneof(
        fc.constant({}),
        fc.constant({ 'x-slack-signature': signed(request)['x-slack-signature'] }),
        fc.constant({ 'x-slack-request-timestamp': String(now()) }),
        fc.string({ maxLength: 80 }).map((s) => ({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': s })),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== SIGNING_SECRET).map((secret) => ({ ...signed({ ...request, body: request.body }), 'x-slack-signature': signWith(secret, String(now()), request.body) })),
        // Signed for another body, or another timestamp than the header's.
        fc.constant({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': signWith(SIGNING_SECRET, String(now()), `${request.body}&`) }),
        fc.constant({ 'x-slack-request-timestamp': String(now()), 'x-slack-signature': signWith(SIGNING_SECRET, String(now() - 1), request.body) }),
        // Stale or from the future, signed with the real secret (a captured request replayed).
        fc.oneof(fc.integer({ min: 301, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -301 })).map((skew) => signed(request, String(now() + skew))),
        // The signature altered in form: upper case, another version, cut short or longer. (Spaces around it are HTTP's, stripped.)
        fc.constantFrom(
          (s: string) => s.toUpperCase(),
          (s: string) => s.replace('v0=', 'v1='),
          (s: string) => s.slice(0, -1),
          (s: string) => `${s}0`,
          (s: string) => s.replace('v0=', ''),
        ).map((alter) => {
          const headers = signed(request);
          return { ...headers, 'x-slack-signature': alter(headers['x-slack-signature']) };
        }),
        // A timestamp Slack never sends, with a random signature.
        fc.tuple(fc.constantFrom('', ' ', '-1', '1e9', '0x65', '17000000000000', `${now()}.5`, `${now()} `, 'NaN'), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })).map(([timestamp, hex]) => ({
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': `v0=${hex}`,
        })),
      );
    const cases = realRequests()
      .filter((r) => !(r.contentType.startsWith('application/x-www-form-urlencoded') && new URLSearchParams(r.body).get('ssl_check') === '1'))
      .chain((request) => secretlessHeaders(request).map((headers) => ({ request, headers })));

    await fc.assert(
      fc.asyncProperty(cases, async ({ request, headers }) => {
        const before = snapshotStore(dbPath);
        const calls = desk.slack.calls.length;
        const responses = desk.slack.responses.length;
        const response = await postSlack(desk, request, headers);
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
        await desk.channel.settled();
        expect(desk.slack.calls.length).toBe(calls);
        expect(desk.slack.responses.length).toBe(responses);
        expect(storeChanges(before, snapshotStore(dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.unsigned },
    );
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('open');
  });

  it(`acknowledges signed requests of Slack's shapes with garbled content, and changes nothing (${RUNS.structured} runs)`, async () => {
    const refs = fc.oneof(unknownRef([packet.ref]), fc.string({ maxLength: 30 }), fc.constantFrom('', 'PKT-', `${packet.ref}\u0000`, packet.ref.toLowerCase().replace('pkt-', 'PKT_')));
    const tsLike = fc.oneof(fc.constantFrom(ts, '1.000001', '0', ''), fc.string({ maxLength: 20 }));
    const requests: fc.Arbitrary<{ kind: string; request: SlackBody }> = fc.oneof(
      // A click: any action id with a ref no packet has; or Maya's real ref under an action id that is no button of ours.
      fc.record({ actionId: anyActionId, ref: refs, channel: fc.oneof(fc.constant(TRIAGE_CHANNEL), fc.string({ maxLength: 12 })), messageTs: tsLike }).map((o) => ({ kind: 'click', request: buttonClick(o) })),
      fc.string({ maxLength: 30 })
        .filter((id) => !(Object.values(ActionId) as string[]).includes(id))
        .map((actionId) => ({ kind: 'click', request: buttonClick({ actionId, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts }) })),
      // The Ask for info modal coming back with metadata naming no packet (or not JSON), and any question.
      fc
        .record({
          privateMetadata: fc.oneof(
            fc.string({ maxLength: 60 }),
            refs.map((ref) => JSON.stringify({ ref, channel: TRIAGE_CHANNEL })),
            fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
          ),
          question: hostileText(300),
          viewId: fc.string({ maxLength: 12 }),
        })
        .map((o) => ({ kind: 'modal', request: askSubmission(o) })),
      // `/prism` with any text, and look-ups of what is no account or packet.
      fc
        .oneof(
          hostileText(200),
          hostileText(100).map((s) => `lookup ${s}`),
          fc.emailAddress().filter((e) => !e.endsWith('@example.com')).map((e) => `lookup ${e}`),
          refs.map((r) => `packet ${r}`),
        )
        .map((text) => ({ kind: 'command', request: slashCommand(text, desk.slack.responseUrl('fuzz')) })),
      // Thread messages: a `reply:` into no packet's thread, and anything but a `reply:` in Maya's.
      fc.record({ channel: fc.oneof(fc.constant(TRIAGE_CHANNEL), fc.string({ maxLength: 12 })), threadTs: tsLike.filter((t) => t !== ts), ts: tsLike, text: hostileText(200).map((s) => `reply: ${s}`) }).map((o) => ({ kind: 'thread', request: threadMessage(o) })),
      hostileText(200)
        .filter((text) => !/^\s*reply:/i.test(text))
        .map((text) => ({ kind: 'thread', request: threadMessage({ channel: TRIAGE_CHANNEL, threadTs: ts, ts: '1700008888.000100', text }) })),
      fc.string({ maxLength: 100 }).map((challenge) => ({ kind: 'challenge', request: urlVerification(challenge) })),
    );

    await fc.assert(
      fc.asyncProperty(requests, async ({ kind, request }) => {
        const before = snapshotStore(dbPath);
        const calls = desk.slack.calls.length;
        const answered = desk.slack.responses.length;
        const response = await postSlack(desk, request, signed(request));
        expect(response.status, `${kind}: ${request.body.slice(0, 300)}`).toBe(200);
        if (kind === 'challenge') expect(await response.json()).toEqual({ challenge: JSON.parse(request.body).challenge });
        await expectNothingChanged(before, calls);
        if (kind === 'command') {
          // Answered to the asker only; what they typed comes back escaped (no ping, no disguised link).
          const [answer, ...more] = desk.slack.responses.slice(answered);
          expect(more).toHaveLength(0);
          expect(answer?.body.response_type).toBe('ephemeral');
          const text = String(answer?.body.text);
          expect(text).toMatch(/^(Usage: \/prism lookup <email> \| \/prism packet <ref>$|No account with the email [^<>]*\.$|No packet [^<>]*\.$)/s);
        }
      }),
      { numRuns: RUNS.structured },
    );
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('open');
    expect((await desk.deps.store.listAudit(packet.ref)).map((a) => a.action)).toEqual(['packet.created']);
  });

  it(`answers signed bodies that are neither a JSON object nor a form of one with 400, and nothing runs (${RUNS.unreadable} runs)`, async () => {
    const notAnObject = fc.oneof(
      hostileText(300).filter((s) => {
        try {
          const v: unknown = JSON.parse(s);
          return v === null || typeof v !== 'object' || Array.isArray(v);
        } catch {
          return true;
        }
      }),
      fc.jsonValue({ maxDepth: 3 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => JSON.stringify(v)),
      fc.nat({ max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    );
    const unreadable = fc.oneof(
      notAnObject.map((body) => ({ contentType: 'application/json', body })),
      notAnObject.map((payload) => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ payload }).toString() })),
    );
    await fc.assert(
      fc.asyncProperty(unreadable, async (request) => {
        const before = snapshotStore(dbPath);
        const calls = desk.slack.calls.length;
        const response = await postSlack(desk, request, signed(request));
        expect(response.status, request.body.slice(0, 200)).toBe(400);
        const { error } = (await response.json()) as { error: { code: string; message: string } };
        expect(error.code).toBe('bad_request');
        expect(error.message).toMatch(/JSON|form/);
        await desk.channel.settled();
        expect(desk.slack.calls.length).toBe(calls);
        expect(storeChanges(before, snapshotStore(dbPath))).toEqual([]);
      }),
      { numRuns: RUNS.unreadable },
    );
  });

  it('refuses a signed body over 1 MiB with 413 before reading it as Slack, and nothing runs', async () => {
    const before = snapshotStore(dbPath);
    const request = slashCommand(`lookup ${'x'.repeat(1024 * 1024)}`, desk.slack.responseUrl('big'));
    const response = await postSlack(desk, request, signed(request));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    await expectNothingChanged(before, desk.slack.calls.length);
  });
});
