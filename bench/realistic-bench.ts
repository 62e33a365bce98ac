import { createHmac } from 'node:crypto';
import type { startSlackApiServer } from '../test/support/slack-api-server.ts';
import { startDeskWithStandIns } from './desk-with-stand-ins.ts';
import { type Arrival, type Completed, runOpenLoad, seededRandom } from './open-load.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';
import { slackRequest, waitForPost } from './slack-ack-bench.ts';
import { TRUSTED, emailReport } from './soak-bench.ts';
import { type BenchSection, percentile } from './stats.ts';

const USERS = 500;
/** Each user sends a turn every 2–5 s (uniform): ≈ 143 turns a second from 500 users. */
const GAP_MS = [2000, 5000] as const;
const EMAILS_PER_S = 2;
const SLACK_PER_S = 5;
const WARMUP_MS = 10_000;
const MEASURE_MS = 40_000;
export const P99_TARGET_MS = 15;

const WIDGET_SECRET = 'realistic-widget-secret';
const INBOUND_SECRET = 'realistic-inbound-secret-0a9b';
/** Questions the help articles answer: the flow stays where it is, as in the chat benchmark. */
const QUESTIONS = ['why does the same prompt sometimes fail and sometimes work?', 'where can I check my credit balance?', 'why is my video taking so long?'];

const email = 'maya@example.com';
const headers = {
  'content-type': 'application/json',
  'x-user-email': email,
  'x-user-hash': createHmac('sha256', WIDGET_SECRET).update(email).digest('hex'),
};

export interface Latencies {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const latencies = (answers: readonly Completed[]): Latencies => {
  const sorted = answers.map((a) => a.latencyMs).sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
};

export interface RealisticMeasurement {
  turn: Latencies;
  email: Latencies;
  slack: Latencies;
  /** Turns a second over the measured window. */
  turnsPerSecond: number;
  /** Answers not as expected (turn 200, email 202, Slack 200), the first of them. */
  errors: number;
  firstError: string | null;
}

/** Arrivals at random but seeded: every server measured gets the same schedule. */
function schedule(ids: readonly string[], packetRef: string, threadTs: string, slack: Awaited<ReturnType<typeof startSlackApiServer>>): Arrival[] {
  const random = seededRandom(21);
  const between = ([low, high]: readonly [number, number]) => low + random() * (high - low);
  const end = WARMUP_MS + MEASURE_MS;
  const arrivals: Arrival[] = [];
  ids.forEach((id, user) => {
    for (let at = random() * GAP_MS[1], n = user; at < end; at += between(GAP_MS), n++) {
      const body = JSON.stringify({ text: QUESTIONS[n % QUESTIONS.length] });
      arrivals.push({ at, kind: 'turn', request: () => ({ method: 'POST', path: `/api/conversations/${id}/messages`, headers, body }) });
    }
  });
  let mails = 1;
  for (let at = random() * 500; at < end; at += between([0.5 / EMAILS_PER_S, 1.5 / EMAILS_PER_S]) * 1000) {
    const n = mails++;
    arrivals.push({
      at,
      kind: 'email',
      request: () => ({
        method: 'POST',
        path: '/api/email/inbound',
        headers: { 'x-inbound-secret': INBOUND_SECRET, 'content-type': 'message/rfc822' },
        body: emailReport(n, n % 4 === 0),
      }),
    });
  }
  let slackRequests = 0;
  for (let at = random() * 200; at < end; at += between([0.5 / SLACK_PER_S, 1.5 / SLACK_PER_S]) * 1000) {
    arrivals.push({ at, kind: 'slack', request: () => slackRequest(slackRequests++, packetRef, threadTs, slack) });
  }
  return arrivals.sort((a, b) => a.at - b.at);
}

/** Starts `build`'s server with Slack and mail wired to local stand-ins, runs the open load, stops it. */
export async function measureRealistic(build: ServerBuild): Promise<RealisticMeasurement> {
  const { slack, server, close } = await startDeskWithStandIns(build, {
    widgetSecret: WIDGET_SECRET,
    inboundSecret: INBOUND_SECRET,
    trusted: TRUSTED,
    inbox: 'triage@realistic.test',
    from: 'support@realistic.test',
  });
  try {
    const first = (await (
      await fetch(`${server.url}/api/email/inbound`, {
        method: 'POST',
        headers: { 'x-inbound-secret': INBOUND_SECRET, 'content-type': 'message/rfc822' },
        body: emailReport(0, true),
      })
    ).json()) as { packetRef: string };
    const threadTs = await waitForPost(slack, first.packetRef);
    // Each user's conversation, past the greeting (the run picked) and a first question, as a widget
    // user's is; the server has read text once before the load (its first turn loads what it reads with).
    const ids: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const started = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers, body: '{}' });
      const { conversationId } = (await started.json()) as { conversationId: string };
      for (const step of [{ option: 'run:gen_maya_video' }, { text: QUESTIONS[i % QUESTIONS.length] }]) {
        await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify(step) });
      }
      ids.push(conversationId);
    }
    const answers = await runOpenLoad(server.url, schedule(ids, first.packetRef, threadTs, slack));
    const expected: Record<string, number> = { turn: 200, email: 202, slack: 200 };
    const wrong = answers.filter((a) => a.status !== expected[a.kind]);
    const measured = answers.filter((a) => a.at >= WARMUP_MS);
    const of = (kind: string) => measured.filter((a) => a.kind === kind);
    return {
      turn: latencies(of('turn')),
      email: latencies(of('email')),
      slack: latencies(of('slack')),
      turnsPerSecond: of('turn').length / (MEASURE_MS / 1000),
      errors: wrong.length,
      firstError: wrong[0] ? `${wrong[0].kind} ${wrong[0].status} ${wrong[0].body.slice(0, 160)}` : null,
    };
  } finally {
    await close();
  }
}

const ms = (value: number) => value.toFixed(1);
export const describeLatencies = (l: Latencies) => `p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms (${l.n.toLocaleString('en')} requests)`;

export const realisticMethod = `bench/realistic-bench.ts: ${USERS} widget users (one conversation each, verified), each sending a knowledge question every ${GAP_MS[0] / 1000}–${GAP_MS[1] / 1000} s at random (≈ ${Math.round((USERS * 2) / ((GAP_MS[0] + GAP_MS[1]) / 1000))} turns/s), beside ≈ ${EMAILS_PER_S} emails/s to the inbound mail route (a quarter verified: packet, reconciliation, auto-reply) and ≈ ${SLACK_PER_S} signed Slack requests/s (thread messages, Assign clicks, /prism packet), the relay delivering to a Slack stand-in and a real SMTP server; open loop (bench/open-load.ts: each request sent at its scheduled time on a free keep-alive connection or a new one, latency from the scheduled time to the last byte of the answer, so a server falling behind is not hidden); ${WARMUP_MS / 1000} s of the same load first, then ${MEASURE_MS / 1000} s measured; the same seeded schedule for every server.`;

/** The turn's latency under a realistic open load, next to email and Slack traffic, against `npm start`'s server. */
export async function realisticBench(): Promise<BenchSection> {
  const m = await measureRealistic(thisCheckout());
  return {
    title: 'A realistic open load: 500 widget users, with email and Slack beside them',
    target: `turn p99 ≤ ${P99_TARGET_MS} ms, every answer as expected`,
    met: m.turn.p99 <= P99_TARGET_MS && m.errors === 0,
    lines: [
      `Server: \`npm start\`'s entry (dist/server/node.mjs) as its own process on a fresh SQLite file. Load: ${realisticMethod}`,
      `Chat turn (\`POST /api/conversations/{id}/messages\`): ${m.turnsPerSecond.toFixed(0)} turns/s, ${describeLatencies(m.turn)}.`,
      `Email intake (\`POST /api/email/inbound\`): ${describeLatencies(m.email)}.`,
      `Slack (\`POST /slack/events\`, ack): ${describeLatencies(m.slack)}.`,
      `Unexpected answers: ${m.errors}${m.firstError ? ` — first: ${m.firstError}` : ''}.`,
    ],
  };
}
