import { createHmac } from 'node:crypto';
import { memoryOf } from '../test/support/process-memory.ts';
import { startDeskWithStandIns } from './desk-with-stand-ins.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';
import { slackRequest, waitForPost } from './slack-ack-bench.ts';
import { type BenchSection, summarize } from './stats.ts';

const CONVERSATIONS = 3_000;
const CHAT_LANES = 16;
const WIDGET_SECRET = 'soak-widget-secret';
const INBOUND_SECRET = 'soak-inbound-secret-0a9b';
export const TRUSTED = 'mx.soak.test';
const INBOX = 'triage@soak.test';
const RSS_TARGET_MB = 200;

const hash = (email: string) => createHmac('sha256', WIDGET_SECRET).update(email).digest('hex');

/** The server's resident memory now, in MB. */
const rssMb = (pid: number) => memoryOf(pid).rssMb;

/** The n-th email report: verified (DMARC passed at our MX) or from an unknown sender. */
export function emailReport(n: number, verified: boolean): string {
  const from = verified ? 'maya@example.com' : `soak-${n}@example.org`;
  return [
    ...(verified ? [`Authentication-Results: ${TRUSTED}; dmarc=pass header.from=example.com`] : []),
    `From: ${from}`,
    `To: support@soak.test`,
    `Subject: my run failed (${n})`,
    'Date: Tue, 24 Nov 2026 10:58:00 +0100',
    `Message-ID: <soak-${n}@mail.example>`,
    '',
    `My video failed this morning at 9:25 (Berlin time). The prompt was "a paper boat ${n}". I retried twice.`,
  ].join('\r\n');
}

/**
 * A soak of `npm start` in its own process: a few thousand conversations through the chat API
 * (verified and anonymous, questions, hand-offs), while reports arrive by email and staff work in
 * Slack (signed thread messages, clicks, commands), and the relay delivers to Slack's stand-in and a
 * real SMTP server. Measures the server's resident memory throughout, every request's latency, and
 * counts every answer that is not the expected one.
 */
export async function soakBench(): Promise<BenchSection> {
  return (await measureSoak(thisCheckout())).section;
}

/** The soak against `build`'s server: its section, and the peak RSS for the before/after. */
export async function measureSoak(build: ServerBuild): Promise<{ section: BenchSection; peakRssMb: number; errors: number }> {
  const { slack, smtp, server, close } = await startDeskWithStandIns(
    build,
    { widgetSecret: WIDGET_SECRET, inboundSecret: INBOUND_SECRET, trusted: TRUSTED, inbox: INBOX, from: 'support@soak.test' },
    { OUTBOX_INTERVAL_MS: '200' },
  );
  const latencies = { turn: [] as number[], email: [] as number[], slack: [] as number[] };
  const errors: string[] = [];
  const rss: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => rss.push({ at: performance.now(), mb: rssMb(server.pid) }), 250);
  const startedRss = rssMb(server.pid);

  async function timed(kind: keyof typeof latencies, expected: number[], url: string, init: RequestInit): Promise<unknown> {
    const t = performance.now();
    const res = await fetch(url, init);
    const text = await res.text();
    latencies[kind].push(performance.now() - t);
    if (!expected.includes(res.status)) {
      errors.push(`${kind} ${res.status} ${text.slice(0, 200)}`);
      return null;
    }
    return text ? JSON.parse(text) : null;
  }

  try {
    // One verified report by email, posted by the relay: the packet staff work on in Slack.
    const first = (await timed('email', [202], `${server.url}/api/email/inbound`, {
      method: 'POST',
      headers: { 'x-inbound-secret': INBOUND_SECRET, 'content-type': 'message/rfc822' },
      body: emailReport(0, true),
    })) as { packetRef: string };
    const threadTs = await waitForPost(slack, first.packetRef);

    let conversations = 0;
    let done = false;
    let warmRss = Number.NaN;
    const chatLane = async (lane: number) => {
      while (conversations < CONVERSATIONS) {
        const n = conversations++;
        if (n === Math.floor(CONVERSATIONS / 10)) warmRss = rssMb(server.pid);
        const verified = n % 2 === 0;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          ...(verified && { 'x-user-email': 'maya@example.com', 'x-user-hash': hash('maya@example.com') }),
        };
        const started = (await timed('turn', [201], `${server.url}/api/conversations`, { method: 'POST', headers, body: '{}' })) as {
          conversationId: string;
        } | null;
        if (!started) continue;
        const steps = [
          { option: verified ? 'run:gen_maya_video' : 'other' },
          { text: 'why does the same prompt sometimes fail and sometimes work?' },
          { option: 'still_failing' },
          { option: 'still_failing' },
          // Every fifth conversation goes all the way to support.
          ...(n % 5 === lane % 5 ? [{ option: 'send_to_support' }, { option: 'send' }] : [{ text: 'it worked, thanks' }]),
        ];
        for (const step of steps) {
          await timed('turn', [200], `${server.url}/api/conversations/${started.conversationId}/messages`, {
            method: 'POST',
            headers,
            body: JSON.stringify(step),
          });
        }
      }
    };
    let mails = 1;
    const emailLane = async () => {
      while (!done) {
        const n = mails++;
        await timed('email', [202], `${server.url}/api/email/inbound`, {
          method: 'POST',
          headers: { 'x-inbound-secret': INBOUND_SECRET, 'content-type': 'message/rfc822' },
          body: emailReport(n, n % 4 === 0),
        });
      }
    };
    let slackRequests = 0;
    const slackLane = async () => {
      while (!done) {
        const request = slackRequest(slackRequests++, first.packetRef, threadTs, slack);
        await timed('slack', [200], `${server.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
      }
    };
    const t0 = performance.now();
    const side = Promise.all([emailLane(), slackLane()]);
    await Promise.all(Array.from({ length: CHAT_LANES }, (_, lane) => chatLane(lane)));
    done = true;
    await side;
    const loadS = (performance.now() - t0) / 1000;

    // The relay catches up with what the soak queued.
    const drainStart = performance.now();
    let outbox = { pending: Number.NaN, dead: Number.NaN };
    while (performance.now() - drainStart < 120_000) {
      outbox = ((await (await fetch(`${server.url}/health`)).json()) as { outbox: typeof outbox }).outbox;
      if (outbox.pending === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainS = (performance.now() - drainStart) / 1000;
    const endRss = rssMb(server.pid);
    clearInterval(sampler);
    const peak = Math.max(...rss.map((s) => s.mb));
    const turn = summarize(latencies.turn);
    const email = summarize(latencies.email);
    const slackAck = summarize(latencies.slack);
    const met = peak <= RSS_TARGET_MB && errors.length === 0 && outbox.pending === 0 && outbox.dead === 0;
    const section = {
      title: 'Soak: thousands of conversations with email and Slack traffic',
      target: `peak RSS ≤ ${RSS_TARGET_MB} MB, memory flat, no errors, everything delivered`,
      met,
      lines: [
        `\`npm start\` in its own process; ${CONVERSATIONS.toLocaleString('en')} conversations over ${CHAT_LANES} connections (half verified, a knowledge question each, every fifth handed off to support), while 2 connections post email reports and 2 send signed Slack events, clicks and commands; the relay delivers to the Slack stand-in and a real SMTP server.`,
        `Load: ${loadS.toFixed(0)} s; ${latencies.turn.length.toLocaleString('en')} chat requests, ${latencies.email.length.toLocaleString('en')} emails, ${latencies.slack.length.toLocaleString('en')} Slack requests; errors (unexpected answers): ${errors.length}${errors.length ? ` — first: ${errors[0]}` : ''}.`,
        `Latency: chat p50 ${turn.p50.toFixed(1)} ms, p99 ${turn.p99.toFixed(1)} ms; email intake p50 ${email.p50.toFixed(1)} ms, p99 ${email.p99.toFixed(1)} ms; Slack ack p50 ${slackAck.p50.toFixed(1)} ms, p99 ${slackAck.p99.toFixed(1)} ms.`,
        `Server RSS: ${startedRss.toFixed(0)} MB at start, ${warmRss.toFixed(0)} MB after the first tenth, ${endRss.toFixed(0)} MB at the end, peak ${peak.toFixed(0)} MB (sampled every 250 ms).`,
        `Deliveries: ${slack.callsOf('chat.postMessage').length.toLocaleString('en')} Slack posts and ${smtp.received.length.toLocaleString('en')} mails; the outbox was empty ${drainS.toFixed(1)} s after the load (pending ${outbox.pending}, dead ${outbox.dead}).`,
      ],
    };
    return { section, peakRssMb: peak, errors: errors.length };
  } finally {
    clearInterval(sampler);
    await close();
  }
}
