import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import type { NodeDesk } from '../../adapters/node/node-desk.ts';
import type { Generation } from '../../src/core/platform-types.ts';
import { chatClient, identityHeaders } from '../support/chat-desk.ts';
import type { ServedApp } from '../support/serve-app.ts';
import type { SlackApiServer } from '../support/slack-api-server.ts';
import type { SmtpSink } from '../support/smtp-sink.ts';
import { failedRun, incidentAccount, startIncidentDesk, stopIncidentDesk } from './incident-desk.ts';
import { INCIDENT_RESOLVE } from '../../adapters/slack/blocks/incident-message.ts';
import { STAFF, buttonClick } from '../slack/slack-payloads.ts';
import { sign } from '../slack/slack-signing.ts';

/*
 * Incidents from the platform's own records, end to end on the real desk: an import of failed runs,
 * the sweep `npm start` runs each INCIDENT_SWEEP_SECONDS, /api/status over HTTP, the incident's one
 * message in Slack (the real @slack/web-api client against the stand-in), and the users who asked
 * told once when it is resolved — in their conversation, or by mail through the SMTP sink.
 */

const SLACK_TOKEN = 'xoxb-incident-test';
const MIN = 60_000;
const T = Date.parse('2026-11-24T10:00:00.000Z');
const clock = { now: T };

let dir: string;
let slack: SlackApiServer;
let smtp: SmtpSink;
let desk: NodeDesk;
let server: ServedApp;

const failed = (n: number, minutesAgo: number, error: Generation['error'], studio: Generation['studio'] = 'video') => failedRun(n, minutesAgo, clock.now, error, studio);

async function importRuns(accounts: number[], generations: Generation[]): Promise<void> {
  await importPlatformData(desk.sqlite, { accounts: accounts.map(incidentAccount), generations, ledger: [] });
}

async function status(): Promise<{ status: number; text: string; body: { incidents: Record<string, unknown>[] } }> {
  const response = await fetch(`${server.url}/api/status`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

beforeEach(async () => {
  clock.now = T;
  ({ dir, slack, smtp, desk, server } = await startIncidentDesk('incident', clock, SLACK_TOKEN));
});

afterEach(() => stopIncidentDesk({ dir, slack, smtp, desk, server }));

describe('incidents', () => {
  it('opens one incident for six accounts failing in Video Studio with one error within ten minutes, shows it, posts it once and tells who asked once', async () => {
    const overloaded = { code: 'model_overloaded', message: 'The video model is overloaded, try again later' };
    await importRuns([1, 2, 3, 4, 5, 6, 7], [1, 2, 3, 4, 5, 6].map((n) => failed(n, 11 - n, overloaded)));
    expect((await status()).body).toEqual({ incidents: [] });

    const swept = await desk.incidents.sweep();
    expect(swept.opened).toHaveLength(1);
    const id = swept.opened[0] ?? '';
    expect(id).toMatch(/^INC-[A-Z0-9]{8}$/);
    // The next sweep finds it open: no second incident.
    expect((await desk.incidents.sweep()).opened).toEqual([]);

    const shown = await status();
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      incidents: [{ id, studio: 'video', error: 'model_overloaded', since: new Date(T - 10 * MIN).toISOString(), accounts: 6, status: 'open' }],
    });
    // Public: no account's id or address.
    expect(shown.text).not.toMatch(/acc_|@example\.com|gen_/);

    // One message in the triage channel.
    await desk.relay.runOnce();
    const posts = slack.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.channel).toBe('C0TRIAGE');
    expect(String(posts[0]?.args.text)).toContain(`Open incident ${id}: Video Studio, model_overloaded, 6 accounts`);

    // A seventh account fails: the same message is updated, no new one.
    clock.now = T + 2 * MIN;
    await importRuns([7], [failed(7, 0, overloaded)]);
    expect((await desk.incidents.sweep()).grow).toEqual([{ id, accounts: 7, lastFailureAt: clock.now }]);
    await desk.relay.runOnce();
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);
    // The incident's message only, then its update (the packet below is posted separately).
    const updates = slack.callsOf('chat.update');
    expect(updates).toHaveLength(1);
    expect(String(updates[0]?.args.text)).toContain('7 accounts');

    // An affected user files their case: the packet names the incident, and its Slack message says so.
    const user1 = chatClient(server.url, identityHeaders('user1@example.com'));
    const conversation = await user1.start();
    const run = conversation.messages[0]?.options?.find((o) => o.id.startsWith('run:'))?.id ?? '';
    expect(run).toBe('run:gen_video_1_10');
    // Told it is a known problem, they ask for a person (no retry advice: it cannot help).
    for (const option of [run, 'human']) await user1.send(conversation.conversationId, { option });
    const sent = await user1.send(conversation.conversationId, { option: 'send' });
    const ref = sent.packet?.ref ?? '';
    expect((await desk.store.listAudit(ref)).filter((e) => e.action === 'incident.linked').map((e) => e.evidence)).toEqual([{ incidentId: id }]);
    await desk.relay.runOnce();
    const packetPost = slack.callsOf('chat.postMessage').find((c) => String(c.args.text).startsWith(ref));
    expect(JSON.stringify(packetPost?.args.blocks)).toContain(`Part of incident \`${id}\``);

    // Two users ask to be told: one in their conversation, one (verified, conversation gone) by mail.
    await desk.incidents.watch(id, { conversationId: conversation.conversationId, email: 'user1@example.com' });
    await desk.incidents.watch(id, { conversationId: 'conv_gone', email: 'User2@example.com' });
    // Asking twice is one ask.
    await desk.incidents.watch(id, { conversationId: conversation.conversationId, email: 'user1@example.com' });

    clock.now = T + 20 * MIN;
    // Staff click Resolve on the incident's message: a signed interaction, as Slack sends it.
    const click = buttonClick({ actionId: INCIDENT_RESOLVE, ref: id, channel: 'C0TRIAGE', messageTs: String(posts[0]?.args.ts ?? '1.0') });
    const timestamp = Math.floor(clock.now / 1000);
    const acked = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': click.contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sign('incident-signing-secret', timestamp, click.body),
      },
      body: click.body,
    });
    expect(acked.status).toBe(200);
    await desk.slack?.settled();
    expect(await desk.incidents.get(id)).toMatchObject({ status: 'resolved', resolvedBy: `slack:${STAFF.id}`, resolvedAt: clock.now });
    // Resolving again changes nothing and tells nobody again.
    expect(await desk.incidents.resolve(id, 'slack:U0JON')).toBeNull();
    // The conversation named the incident when the run was picked: the notice is the message saying it is fixed.
    const told = (await user1.get(conversation.conversationId)).messages.filter((m) => m.text.includes(id) && m.text.includes('is fixed'));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toBe(`The problem in Video Studio you asked about (model_overloaded) is fixed: you can run it again. (${id})`);

    await desk.relay.runOnce();
    await smtp.waitFor(1);
    expect(smtp.received.map((m) => m.to)).toEqual([['user2@example.com']]);
    expect(smtp.received[0]?.parsed.subject).toBe('Fixed: the problem in Video Studio');
    const resolvedMessage = slack.callsOf('chat.update').at(-1);
    expect(String(resolvedMessage?.args.text)).toContain(`Resolved incident ${id}`);
    expect(JSON.stringify(resolvedMessage?.args.blocks)).not.toContain('incident.resolve');

    // A later sweep and relay tell nobody twice.
    await desk.incidents.sweep();
    await desk.relay.runOnce();
    expect(smtp.received).toHaveLength(1);
    expect((await user1.get(conversation.conversationId)).messages.filter((m) => m.text.includes(id) && m.text.includes('is fixed'))).toHaveLength(1);
    expect((await status()).body.incidents).toEqual([expect.objectContaining({ id, status: 'resolved', accounts: 7 })]);
  });

  it('opens none for five accounts with five different errors', async () => {
    const errors = ['model_overloaded', 'content_policy', 'bad_resolution', 'quota', 'timeout'];
    await importRuns([1, 2, 3, 4, 5], [1, 2, 3, 4, 5].map((n) => failed(n, n, { code: errors[n - 1], message: 'failed' })));
    expect((await desk.incidents.sweep()).opened).toEqual([]);
    expect((await status()).body).toEqual({ incidents: [] });
    await desk.relay.runOnce();
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
  });

  it('resolves an incident by itself after INCIDENT_QUIET_MINUTES without a new failure', async () => {
    await importRuns([1, 2, 3, 4, 5], [1, 2, 3, 4, 5].map((n) => failed(n, n, { message: `Music render failed on worker w-${n}7` }, 'music')));
    const [id] = (await desk.incidents.sweep()).opened;
    expect((await status()).body.incidents).toEqual([expect.objectContaining({ id, studio: 'music', error: 'Music render failed on worker w-57', accounts: 5 })]);
    // The last failure was a minute before T.
    clock.now = T + 28 * MIN;
    expect((await desk.incidents.sweep()).quiet).toEqual([]);
    clock.now = T + 29 * MIN;
    expect((await desk.incidents.sweep()).quiet).toEqual([id]);
    expect((await desk.incidents.get(id ?? ''))?.resolvedBy).toBe('quiet');
  });
});
