import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { seedDemoIfEmpty } from '../adapters/db/seed-demo.ts';
import { openNodeDesk } from '../adapters/node/node-desk.ts';
import { type SlackApiServer, startSlackApiServer } from '../test/support/slack-api-server.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import { type BenchSection, summarize } from './stats.ts';

const CONNECTIONS = 50;
const WARMUP = 500;
const REQUESTS = 5_000;
export const SECRET = 'bench-signing-secret';
export const TOKEN = 'xoxb-bench';
export const CHANNEL = 'C0TRIAGE';

/**
 * Ack latency of `POST /slack/events` on a running desk (`npm start` in its own process, SQLite
 * file, Slack's Web API stood in on 127.0.0.1): 50 connections send signed requests as staff do in
 * a busy triage channel — thread messages (a tenth of them `reply:` to the user), Assign clicks and
 * `/prism packet` — each one new, so every request is verified and dispatched, with the work after
 * the ack running in the same process meanwhile.
 */
export async function slackAckBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'slack-bench-'));
  const slack = await startSlackApiServer({ token: TOKEN, userNames: { U0STAFF1: 'Maria' } });
  const env = {
    SUPPORT_DB_PATH: join(dir, 'support.db'),
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_TRIAGE_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.apiUrl,
  };
  let started: ServerProcess | null = null;
  try {
    const ref = await fileDemoPacket(env);
    const server = await startServerProcess(env);
    started = server;
    const threadTs = await waitForPost(slack, ref);

    let n = 0;
    // What autocannon set up (its Host header among others) stays; the body and its headers are new.
    const setupRequest = (request: autocannon.Request): autocannon.Request => {
      const next = slackRequest(n++, ref, threadTs, slack);
      return { ...request, ...next, headers: { ...request.headers, ...next.headers } };
    };
    const requests: autocannon.Request[] = [{ method: 'POST', path: '/slack/events', setupRequest }];
    await autocannon({ url: server.url, connections: CONNECTIONS, amount: WARMUP, requests });
    const samples: number[] = [];
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const run = autocannon({ url: server.url, connections: CONNECTIONS, amount: REQUESTS, timeout: 10, requests }, (error, done) =>
        error ? reject(error) : resolve(done),
      );
      run.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
    });
    const lastAck = performance.now();
    const drainedMs = (await workDone(slack, n, 60_000)) - lastAck;
    const s = summarize(samples);
    const failed = result.non2xx + result.errors + result.timeouts;
    return {
      title: 'Slack: acknowledgement of events, clicks and commands under load',
      target: `p99 ≤ 100 ms under ${CONNECTIONS} concurrent signed requests, all answered 200`,
      met: s.p99 <= 100 && failed === 0,
      lines: [
        `${s.n.toLocaleString('en')} signed requests after ${WARMUP} warm-up, ${CONNECTIONS} connections (autocannon 8) against \`npm start\` in its own process; mix: 45 % thread messages, 5 % \`reply:\` to the user, 25 % Assign clicks, 25 % \`/prism packet\`.`,
        `Ack latency: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms; ${Math.round(s.n / result.duration)} requests/s.`,
        `Answers other than 200: ${result.non2xx}; connection errors: ${result.errors}; timeouts: ${result.timeouts}.`,
        `The work after the acks (${slack.calls.length.toLocaleString('en')} Slack API calls, ${slack.responses.length.toLocaleString('en')} command answers) waits while acks are due, and was all done ${Number.isFinite(drainedMs) ? `${(drainedMs / 1000).toFixed(1)} s` : 'not within 60 s'} after the last ack.`,
      ],
    };
  } finally {
    await started?.stop();
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeds the demo and files Maya's report in the database the desk will open. */
async function fileDemoPacket(env: Record<string, string>): Promise<string> {
  const deps = openNodeDesk(loadConfig(env));
  try {
    await seedDemoIfEmpty(deps.sqlite, deps.now());
    const { packet } = await deps.packets.file({ channel: 'email', accountEmail: 'maya@example.com', verified: true });
    return packet.ref;
  } finally {
    deps.close();
  }
}

/** The relay of the running desk posts the packet: its ts is the thread staff write in. */
export async function waitForPost(slack: SlackApiServer, ref: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const post = [...slack.messages.values()].find((m) => m.text.startsWith(ref));
    if (post) return post.ts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the desk did not post the packet to Slack');
}

/**
 * When the desk has done the work of the first `sent` requests: every click and reply told its
 * member of staff (chat.postEphemeral), every command answered (its response URL). Infinity if not
 * within `timeoutMs`.
 */
async function workDone(slack: SlackApiServer, sent: number, timeoutMs: number): Promise<number> {
  let notes = 0;
  let answers = 0;
  for (let i = 0; i < sent; i++) {
    const kind = i % 20;
    if (kind === 0 || (kind >= 10 && kind < 15)) notes++;
    else if (kind >= 15) answers++;
  }
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (slack.callsOf('chat.postEphemeral').length >= notes && slack.responses.length >= answers) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number.POSITIVE_INFINITY;
}

/** The n-th request of the mix, signed now. */
export function slackRequest(n: number, ref: string, threadTs: string, slack: SlackApiServer) {
  const ts = `${1_800_000_000 + n}.000100`;
  const kind = n % 20;
  let contentType = 'application/json';
  let body: string;
  if (kind < 10) {
    const text = kind === 0 ? `reply: update ${n}: we are on it` : `note ${n}: looks like the 4k queue`;
    const event = { type: 'message', user: 'U0STAFF1', text, ts, thread_ts: threadTs, channel: CHANNEL, channel_type: 'channel', event_ts: ts };
    body = JSON.stringify({ type: 'event_callback', team_id: 'T0PRISM', api_app_id: 'A0PRISM', event, event_id: `Ev${n}`, event_time: 1 });
  } else {
    contentType = 'application/x-www-form-urlencoded';
    const trigger = `${n}.T0PRISM.bench`;
    body =
      kind < 15
        ? new URLSearchParams({
            payload: JSON.stringify({
              type: 'block_actions', user: { id: 'U0STAFF1', username: 'maria', name: 'maria', team_id: 'T0PRISM' }, api_app_id: 'A0PRISM',
              container: { type: 'message', message_ts: threadTs, channel_id: CHANNEL }, trigger_id: trigger, team: { id: 'T0PRISM', domain: 'prism' },
              channel: { id: CHANNEL, name: 'support-triage' }, response_url: slack.responseUrl(`a${n}`),
              actions: [{ action_id: 'triage.assign', block_id: `triage:${ref}`, value: ref, type: 'button', action_ts: ts }],
            }),
          }).toString()
        : new URLSearchParams({
            team_id: 'T0PRISM', channel_id: CHANNEL, user_id: 'U0STAFF1', user_name: 'maria', command: '/prism',
            text: `packet ${ref}`, response_url: slack.responseUrl(`c${n}`), trigger_id: trigger,
          }).toString();
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    method: 'POST' as const,
    path: '/slack/events',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
    body,
  };
}
