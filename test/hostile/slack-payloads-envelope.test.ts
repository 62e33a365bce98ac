import fc from 'fast-check';
import { type MockInstance, afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNING_SECRET, type SlackDesk, startSlackDesk } from '../slack/slack-desk.ts';
import type { SlackBody } from '../slack/slack-payloads.ts';
import { postSlack, signWith } from './slack-requests.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * A request signed with the real signing secret whose body is a JSON object (an event, or the
 * `payload` of an interaction form) but not in Slack's envelope is a 400 naming what is missing —
 * bolt would throw on it (a 500 that makes Slack retry an event it will never understand):
 *   form `payload={"type":"block_actions","actions":5}`
 *   form `payload={"type":"view_submission","view":5}`
 *   JSON `{"type":"event_callback","event":null}`
 * Nothing is written to the store and nothing reaches Slack.
 */
describe('signed payloads with a garbled envelope are answered 4xx, never 500', () => {
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

  it('refuses them with 400 before bolt reads them: nothing written, nothing sent, no error logged', async () => {
    logged.mockClear();
    for (const request of [interaction({ type: 'block_actions', actions: 5 }), event({ type: 'event_callback', event: null })]) {
      expect(await statusOf(request)).toBe(400);
    }
    expect(logged.mock.calls).toEqual([]);
  });

  it('answers the three payloads of the report with a 4xx or an empty 200, never a 500', async () => {
    for (const request of [
      interaction({ type: 'block_actions', actions: 5 }),
      interaction({ type: 'view_submission', view: 5 }),
      event({ type: 'event_callback', event: null }),
    ]) {
      expect(await statusOf(request), request.body).toBeLessThan(500);
    }
  });

  it('answers any signed JSON object with a 4xx or a 200, never a 500 (fast-check, 40 runs)', async () => {
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
