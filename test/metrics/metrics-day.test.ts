import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '@slack/web-api';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { loadConfig } from '../../src/config.ts';
import { dashboardFigures } from '../../src/metrics/dashboard-figures.ts';
import { buildEml } from '../email/build-eml.ts';
import { WIDGET_SECRET, chatClient, identityHeaders } from '../support/chat-desk.ts';
import { type ServedApp, serveApp } from '../support/serve-app.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';

/*
 * /metrics after a scripted day of traffic on the real desk (SQLite file, the chat API over HTTP,
 * the email intake, staff's decisions, the outbox relay against the Slack stand-in): every family
 * the issue names, with the numbers the day makes. Then the desk is opened again on the same file:
 * the store's figures are the same, the process's start again.
 */

const TOKEN = 'metrics-test-token-5d1c9e';
const SLACK_TOKEN = 'xoxb-metrics-test';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const clock = { now: Date.parse('2026-11-24T09:00:00.000Z') };
const maria = { id: 'U0MARIA', name: 'Maria' };

let dir: string;
let slack: SlackApiServer;

function env(): Record<string, string> {
  return {
    SUPPORT_DB_PATH: join(dir, 'support.db'),
    WIDGET_IDENTITY_SECRET: WIDGET_SECRET,
    METRICS_TOKEN: TOKEN,
    AUTO_REFUND_LIMIT: '20',
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: 'metrics-signing-secret',
    SLACK_TRIAGE_CHANNEL: 'C0TRIAGE',
    SLACK_API_URL: slack.apiUrl,
    SUPPORT_INBOX: 'support@prismposter.test',
    SUPPORT_FROM: 'help@prismposter.test',
  };
}

async function open(extra: Record<string, string> = {}): Promise<{ desk: NodeDesk; server: ServedApp }> {
  const desk = openNodeDesk(loadConfig({ ...env(), ...extra }), { now: () => clock.now, slack: { logLevel: LogLevel.ERROR, timeoutMs: 500 } });
  await seedDemoIfEmpty(desk.sqlite, desk.now());
  return { desk, server: await serveApp(desk.app) };
}

async function scrape(url: string, authorization?: string): Promise<Response> {
  return fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
}

/** The families by name, each sample's value by its labels (`outcome=resolved`), histograms as parsed. */
async function figures(url: string): Promise<Map<string, ParsedFamily>> {
  const response = await scrape(url, `Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return new Map(parsePrometheusTextFormat(await response.text()).map((f) => [f.name, f]));
}

const values = (family: ParsedFamily | undefined) =>
  Object.fromEntries((family?.metrics ?? []).map((m) => [Object.values(m.labels ?? {}).join(',') || '', Number(m.value)]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metrics-day-'));
  slack = await startSlackApiServer({ token: SLACK_TOKEN });
});

afterAll(async () => {
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  let first: { desk: NodeDesk; server: ServedApp };
  let before: Map<string, ParsedFamily>;

  beforeAll(async () => {
    first = await open();
    const { desk, server } = first;
    const start = clock.now;

    // Maya: the video run that was charged, handed off; 40 credits is over the automatic limit: proposed to staff.
    const maya = chatClient(server.url, identityHeaders('maya@example.com'));
    const m = await maya.start();
    for (const option of ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support']) await maya.send(m.conversationId, { option });
    const mayaSent = await maya.send(m.conversationId, { option: 'send' });
    expect(mayaSent.state).toBe('handed_off');
    const mayaRef = mayaSent.packet?.ref ?? '';

    // Ana: the music run with an inferred charge of 12 credits, handed off and refunded at once by the policy.
    const ana = chatClient(server.url, identityHeaders('ana@example.com'));
    const a = await ana.start();
    for (const option of ['run:gen_ana_music', 'still_failing', 'still_failing', 'send_to_support']) await ana.send(a.conversationId, { option });
    const anaSent = await ana.send(a.conversationId, { option: 'send' });
    expect(anaSent.packet?.status).toBe('refunded');
    const anaRef = anaSent.packet?.ref ?? '';

    // Leo: retrying helped; resolved without a packet.
    const leo = chatClient(server.url, identityHeaders('leo@example.com'));
    const l = await leo.start();
    await leo.send(l.conversationId, { option: 'other' });
    expect((await leo.send(l.conversationId, { text: 'yes' })).state).toBe('resolved');

    // Sam: says something the desk does not understand, then leaves; the conversation expires.
    const sam = chatClient(server.url, identityHeaders('sam@example.com'));
    const s = await sam.start();
    expect((await sam.send(s.conversationId, { text: 'qwxz blorp fnord' })).messages.at(-1)?.text).toMatch(/didn’t catch/);

    // Mail: one report filed, the same message delivered again, an auto-reply ignored, one refused unread.
    const report = buildEml({
      from: 'leo@example.com',
      subject: 'Image Studio failed',
      body: 'My Image Studio run failed with "Something went wrong" this morning. Account: leo@example.com',
      date: 'Tue, 24 Nov 2026 09:30:00 +0000',
      messageId: '<report-1@mail.example>',
    });
    expect((await desk.email.intake.receive(report)).status).toBe('accepted');
    expect((await desk.email.intake.receive(report)).status).toBe('duplicate');
    const auto = buildEml({ from: 'leo@example.com', subject: 'Out of office', body: 'Away.', date: 'Tue, 24 Nov 2026 09:31:00 +0000', headers: ['Auto-Submitted: auto-replied'] });
    expect((await desk.email.intake.receive(auto)).status).toBe('ignored');
    expect((await desk.email.intake.rejectUnread('too_large', 'over the cap', 30_000_000)).status).toBe('rejected');
    const emailRef = (await desk.email.store.getMessage('<report-1@mail.example>'))?.packetRef ?? '';
    expect(emailRef).toMatch(/^PKT-/);

    // Staff: Maya's refund approved after 10 minutes; a reply on Ana's after 2 hours; the mail case closed after 30 hours.
    clock.now = start + 10 * MINUTE;
    expect((await desk.triage?.approveRefund(mayaRef, maria))?.status).toBe('done');
    clock.now = start + 2 * HOUR;
    expect((await desk.triage?.replyToUser(anaRef, maria, 'Glad it is sorted.', 'C0TRIAGE:1'))?.status).toBe('done');
    clock.now = start + 30 * HOUR;
    expect((await desk.triage?.resolve(emailRef, maria))?.status).toBe('done');

    // Sam's conversation expired; the relay meets a Slack that refuses the channel: those deliveries are dead.
    expect(await desk.conversations.expire()).toBeGreaterThanOrEqual(1);
    slack.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await desk.relay.runOnce();
    slack.heal();
    before = await figures(server.url);
  });

  afterAll(async () => {
    await first?.server.close();
    first?.desk.close();
  });

  it('answers 401 without the token or with another, and nothing of the figures', async () => {
    const none = await scrape(first.server.url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await scrape(first.server.url, 'Bearer metrics-test-token-5d1c9X')).status).toBe(401);
    expect((await scrape(first.server.url, TOKEN)).status).toBe(401);
  });

  it('has every family of the issue, with the day’s numbers', async () => {
    const outbox = await first.desk.store.listOutbox();
    const pending = outbox.filter((r) => r.status === 'pending').length;
    const dead = outbox.filter((r) => r.status === 'dead').length;
    // The three packets' posts and the one update Slack was asked for while it refused; the mail waits for SMTP.
    expect([pending, dead]).toEqual([9, 4]);
    // Among the pending, the two staff messages written into widget conversations: mailed if still unread.
    expect(outbox.filter((r) => r.kind === 'email.unread' && r.status === 'pending')).toHaveLength(2);
    expect(values(before.get('desk_conversations_started_total'))).toEqual({ '': 4 });
    expect(values(before.get('desk_conversations_ended_total'))).toEqual({ resolved: 1, handed_off: 2, expired: 1 });
    expect(values(before.get('desk_packets_filed_total'))).toEqual({ widget: 2, email: 1 });
    expect(values(before.get('desk_refunds_total'))).toEqual({ auto: 1, staff: 1 });
    expect(values(before.get('desk_refunded_credits_total'))).toEqual({ auto: 12, staff: 40 });
    expect(values(before.get('desk_email_intake_total'))).toEqual({ accepted: 1, duplicate: 1, ignored: 1, rejected: 1 });
    expect(values(before.get('desk_understanding_fallbacks_total'))).toEqual({ confirm: 0, not_understood: 1 });
    expect(values(before.get('desk_outbox_pending'))).toEqual({ '': pending });
    expect(values(before.get('desk_outbox_dead'))).toEqual({ '': dead });
    expect(values(before.get('desk_incidents_open'))).toEqual({ '': 0 });
    // First responses: 600 s (Maya's refund), 7,200 s (the reply to Ana), 108,000 s (closing the mail case).
    expect(before.get('desk_first_staff_response_seconds')?.metrics).toEqual([
      {
        buckets: { '60': '0', '300': '0', '900': '1', '1800': '1', '3600': '1', '7200': '2', '14400': '2', '28800': '2', '86400': '2', '172800': '3', '604800': '3', '+Inf': '3' },
        sum: '115800',
        count: '3',
      },
    ]);
    // Resolutions: Ana's at filing (0 s, the automatic refund), Maya's at 600 s, the mail case at 108,000 s.
    expect(before.get('desk_resolution_seconds')?.metrics).toEqual([
      {
        buckets: { '60': '1', '300': '1', '900': '2', '1800': '2', '3600': '2', '7200': '2', '14400': '2', '28800': '2', '86400': '2', '172800': '3', '604800': '3', '+Inf': '3' },
        sum: '108600',
        count: '3',
      },
    ]);
    // Ten turns were timed (four starts, six messages before the hand-offs' sends … all of them).
    const turns = before.get('desk_chat_turn_seconds')?.metrics[0];
    expect(Number(turns?.count)).toBe(4 + 5 + 5 + 2 + 1);
    expect(turns?.buckets?.['+Inf']).toBe(turns?.count);
  });

  it('gives the console the same day in its figures for the last 7 days, read with SQL from the same file', async () => {
    const { week, month } = await dashboardFigures(first.desk.metrics, clock.now);
    expect(week.conversations).toEqual({ started: 4, ended: 4, selfServed: 1 });
    expect(week.selfServiceRate).toBe(0.25);
    // The widget packets' failed runs, both charged (Leo's mail names no run: its packet has none).
    expect(week.failedRuns).toEqual({ total: 2, charged: 2 });
    expect(week.chargedForFailureRate).toBe(1);
    expect(week.refunds).toEqual({ auto: { count: 1, credits: 12 }, staff: { count: 1, credits: 40 }, total: { count: 2, credits: 52 } });
    expect(week.medianFirstStaffResponseSeconds).toBe(7200);
    expect(week.medianResolutionSeconds).toBe(600);
    expect(week.topFailureClusters.map((c) => `${c.studio}/${c.error}/${c.runs}`).sort()).toEqual(['music/model_timeout/1', 'video/model_timeout/1']);
    expect(month.refunds.total).toEqual(week.refunds.total);
  });

  it('answers the same store figures after a restart on the same file; the process figures start again', async () => {
    await first.server.close();
    first.desk.close();
    first = await open();
    const after = await figures(first.server.url);
    for (const [name, family] of before) {
      if (name === 'desk_chat_turn_seconds' || name === 'desk_understanding_fallbacks_total') continue;
      expect(after.get(name), name).toEqual(family);
    }
    expect(after.get('desk_chat_turn_seconds')?.metrics[0]?.count).toBe('0');
    expect(values(after.get('desk_understanding_fallbacks_total'))).toEqual({ confirm: 0, not_understood: 0 });
  });

  it('is not there without METRICS_TOKEN: 404', async () => {
    await first.server.close();
    first.desk.close();
    first = await open({ METRICS_TOKEN: '' });
    const response = await scrape(first.server.url, `Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
  });
});
