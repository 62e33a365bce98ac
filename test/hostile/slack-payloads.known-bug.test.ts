import fc from 'fast-check';
import { type MockInstance, afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNING_SECRET, type SlackDesk, startSlackDesk } from '../slack/slack-desk.ts';
import type { SlackBody } from '../slack/slack-payloads.ts';
import { postSlack, signWith } from './slack-requests.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * KNOWN BUG (kept failing on purpose with `it.fails`, so that main stays green; when it is fixed,
 * these tests fail and must become plain `it`s in fuzz-slack.test.ts).
 *
 * A request signed with the real signing secret whose body is a JSON object (an event, or the
 * `payload` of an interaction form) but not in Slack's envelope is answered 500
 * `{"error":{"code":"internal","message":"the Slack request failed"}}`. Bolt's `processEvent`
 * throws on it before any listener acknowledges (`parseTeamId` reads `body.team.team_id` /
 * `body.user.team_id` of a payload without them; `getTypeAndConversation` uses `in` on a null
 * `event`), and the receiver turns that rejection into a DeskError('internal').
 *
 * Inputs (each signed):
 *   form `payload={"type":"block_actions","actions":5}`                → 500 (TypeError reading 'team_id')
 *   form `payload={"type":"view_submission","view":5}`                 → 500 (TypeError reading 'team_id')
 *   JSON `{"type":"event_callback","event":null}`                      → 500 (TypeError: 'in' on null)
 * Expected: a 4xx (400: the body is not a Slack request) or an empty 200 — never a 500, which
 * reports a fault of ours and makes Slack retry an event it will never understand.
 * At fault: adapters/slack/fetch-receiver.ts, `#dispatch` (the `processEvent` rejection handler
 * answers `new DeskError('internal', …)`); adapters/slack/slack-request.ts (`readSlackRequest`)
 * only checks that the body is an object, not that it is one of Slack's envelopes.
 * Severity: low (needs the signing secret), but every such request logs an error with a stack.
 * Nothing is written to the store (checked below), and nothing reaches Slack.
 */
describe('KNOWN BUG: signed payloads with a garbled envelope are answered 500', () => {
  let desk: SlackDesk;
  let dbPath: string;
  /** Bolt's logger writes to console.error: kept out of the test output, and looked at. */
  let logged: MockInstance<typeof console.error>;

  beforeAll(async () => {
    logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    desk = await startSlackDesk();
    await desk.fileMaya();
    await desk.settle();
    dbPath = desk.deps.config.dbPath;
  });
  afterAll(async () => {
    await desk?.close();
    logged.mockRestore();
  });

  const signed = (request: SlackBody) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signWith(SIGNING_SECRET, timestamp, request.body) };
  };
  const interaction = (payload: unknown): SlackBody => ({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() });
  const event = (body: unknown): SlackBody => ({ contentType: 'application/json', body: JSON.stringify(body) });

  /** Posts it signed; answers the status, having checked that nothing was written or sent. */
  async function statusOf(request: SlackBody): Promise<number> {
    const before = snapshotStore(dbPath);
    const calls = desk.slack.calls.length;
    const response = await postSlack(desk, request, signed(request));
    await desk.channel.settled();
    expect(storeChanges(before, snapshotStore(dbPath))).toEqual([]);
    expect(desk.slack.calls.slice(calls).map((c) => c.method)).not.toContain('chat.postMessage');
    return response.status;
  }

  it('writes nothing and sends nothing for them, and logs the failure (this part holds today)', async () => {
    logged.mockClear();
    for (const request of [interaction({ type: 'block_actions', actions: 5 }), event({ type: 'event_callback', event: null })]) {
      expect(await statusOf(request)).toBeGreaterThanOrEqual(200);
    }
    expect(logged.mock.calls.map((args) => args.join(' '))).toEqual([expect.stringContaining('a Slack request failed'), expect.stringContaining('a Slack request failed')]);
  });

  it.fails('answers the three payloads of the report with a 4xx or an empty 200, never a 500', async () => {
    for (const request of [
      interaction({ type: 'block_actions', actions: 5 }),
      interaction({ type: 'view_submission', view: 5 }),
      event({ type: 'event_callback', event: null }),
    ]) {
      expect(await statusOf(request), request.body).toBeLessThan(500);
    }
  });

  it.fails('answers any signed JSON object with a 4xx or a 200, never a 500 (fast-check, 40 runs)', async () => {
    const envelope = fc.oneof(
      fc.object({ maxDepth: 2 }),
      fc.record({ type: fc.constantFrom('block_actions', 'view_submission', 'event_callback', 'shortcut', 'message_action'), actions: fc.jsonValue({ maxDepth: 1 }), event: fc.jsonValue({ maxDepth: 1 }), view: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: ['type'] }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, fc.boolean(), async (body, asForm) => {
        expect(await statusOf(asForm ? interaction(body) : event(body))).toBeLessThan(500);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });
});
