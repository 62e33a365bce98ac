import { createHmac } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type LoadOptions, type LoadResult, runLoad } from './http-load.ts';
import { type ServerBuild, type ServerProcess, startServerProcess, thisCheckout } from './server-process.ts';
import { type BenchSection, percentile } from './stats.ts';

const CONNECTIONS = 50;
/** Health and turns are measured in alternating rounds, so both see the same minutes of this shared machine. */
const ROUNDS = 5;
const ROUND_MS = 2000;
const SECRET = 'bench-secret';

/** Several rounds of one load, summed: requests over their seconds, latencies from all rounds together. */
interface Measured {
  requestsPerSecond: number;
  latency: { p50: number; p99: number };
  failures: { non2xx: number; errors: number };
  /** The server's main thread, µs of CPU per request (null where /proc is not readable). */
  cpuUs: number | null;
  /** The load generator (this process), µs of CPU per request: it shares the machine's cores with the server. */
  clientUs: number;
}

/** Latencies with their tenths: the target is judged on the exact figure, and 25.4 must not read as 25. */
const ms = (value: number) => value.toFixed(1);

function describe(label: string, m: Measured): string {
  const cpu = m.cpuUs === null ? '' : `, server main thread ${m.cpuUs.toFixed(0)} µs per request`;
  const { non2xx, errors } = m.failures;
  return `${label}: ${m.requestsPerSecond.toFixed(0)} req/s, latency p50 ${ms(m.latency.p50)} ms, p99 ${ms(m.latency.p99)} ms, ${non2xx} non-2xx, ${errors} broken connections${cpu}, load generator ${m.clientUs.toFixed(0)} µs per request`;
}

/** One round of load, with the CPU the server's main thread and the load generator spent on it. */
async function round(server: ServerProcess, request: LoadOptions['request']) {
  const before = server.mainThreadCpuMs();
  const client = process.cpuUsage();
  const result = await runLoad({ url: server.url, connections: CONNECTIONS, durationMs: ROUND_MS, request });
  const clientCpu = process.cpuUsage(client);
  const after = server.mainThreadCpuMs();
  const serverMs = before === null || after === null ? null : after - before;
  return { result, serverMs, clientUs: clientCpu.user + clientCpu.system };
}

type Round = Awaited<ReturnType<typeof round>>;

function combine(rounds: readonly Round[]): Measured {
  const results: LoadResult[] = rounds.map((r) => r.result);
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const requests = latencies.length;
  const seconds = results.reduce((n, r) => n + r.elapsedMs / 1000, 0);
  const serverMs = rounds.some((r) => r.serverMs === null) ? null : rounds.reduce((n, r) => n + (r.serverMs ?? 0), 0);
  return {
    requestsPerSecond: requests / seconds,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    failures: { non2xx: results.reduce((n, r) => n + r.non2xx, 0), errors: results.reduce((n, r) => n + r.errors, 0) },
    cpuUs: serverMs === null ? null : (serverMs * 1000) / Math.max(1, requests),
    clientUs: rounds.reduce((n, r) => n + r.clientUs, 0) / Math.max(1, requests),
  };
}

const email = 'maya@example.com';
const headers = {
  'content-type': 'application/json',
  'x-user-email': email,
  'x-user-hash': createHmac('sha256', SECRET).update(email).digest('hex'),
};

/** Starts the server (`npm start`'s entry) with the rate limit raised: the benchmark measures the turn, not the limiter. */
function startServer(build: ServerBuild): Promise<ServerProcess> {
  return startServerProcess({ WIDGET_IDENTITY_SECRET: SECRET, CHAT_RATE_PER_MINUTE: '100000000', CHAT_RATE_BURST: '100000000' }, build);
}

/** 50 conversations already past the greeting, one for each connection. */
async function openConversations(server: ServerProcess): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const started = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers, body: '{}' });
    const { conversationId } = (await started.json()) as { conversationId: string };
    await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify({ option: 'run:gen_maya_video' }) });
    ids.push(conversationId);
  }
  return ids;
}

/** Chat turns over 50 connections, one conversation each, each sending a knowledge question. */
function turnRequest(ids: readonly string[]): LoadOptions['request'] {
  // A question the help articles answer: the flow stays where it is (a charge question would check the account).
  const body = JSON.stringify({ text: 'why does the same prompt sometimes fail and sometimes work?' });
  return (i) => ({ method: 'POST', path: `/api/conversations/${ids[i % ids.length]}/messages`, headers, body });
}

const healthRequest: LoadOptions['request'] = () => ({ method: 'GET', path: '/health' });

/** Turns and `GET /health` in alternating rounds on one server. */
async function measure(server: ServerProcess): Promise<{ turns: Measured; health: Measured }> {
  const ids = await openConversations(server);
  // Warm-up (not counted): the first seconds of a fresh process are spent compiling.
  await round(server, healthRequest);
  await round(server, turnRequest(ids));
  const healthRounds: Round[] = [];
  const turnRounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    healthRounds.push(await round(server, healthRequest));
    turnRounds.push(await round(server, turnRequest(ids)));
  }
  return { turns: combine(turnRounds), health: combine(healthRounds) };
}

export interface ChatMeasurement {
  turns: Measured;
  health: Measured;
  /** Turns a second over /health requests a second. */
  ratio: number;
  failures: number;
}

/** Starts `build`'s server, measures turns and /health side by side, stops it. */
export async function measureChat(build: ServerBuild): Promise<ChatMeasurement> {
  const server = await startServer(build);
  const { turns, health } = await measure(server).finally(() => server.stop());
  const failures = turns.failures.non2xx + turns.failures.errors + health.failures.non2xx + health.failures.errors;
  return { turns, health, ratio: turns.requestsPerSecond / health.requestsPerSecond, failures };
}

/**
 * The chat benchmark against several builds, `rounds` times, each round starting with another build so
 * none always runs first: each build's measurements, round by round.
 */
export async function measureChatInRounds(builds: readonly ServerBuild[], rounds: number): Promise<Map<string, ChatMeasurement[]>> {
  const runs = new Map<string, ChatMeasurement[]>(builds.map((b) => [b.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const build of builds.map((_, i) => builds[(i + round) % builds.length] as ServerBuild)) {
      const m = await measureChat(build);
      console.log(`  ${build.label}: ${m.turns.requestsPerSecond.toFixed(0)} turns/s, ratio ${m.ratio.toFixed(3)}`);
      runs.get(build.label)?.push(m);
    }
  }
  return runs;
}

/**
 * #21's ratio, for the turn it built: judged without the cost of reading the text (turn-parts), as
 * the reading #22 put in every turn (an intent classifier) costs more than the rest of the turn can give.
 */
export const HOUSE_RATIO_TARGET = 0.15;
/** The whole turn, its text read by the classifier: at most ~10× a /health request. */
export const TURN_RATIO_TARGET = 0.1;

/** How this benchmark measures, for its section and the before/after's. */
export const chatMethod = `bench/chat-turn-bench.ts: the server as its own process on a fresh SQLite file; load from bench/http-load.ts in the benchmark's own process (closed loop, keep-alive, one request in flight per connection), ${CONNECTIONS} connections; after a ${ROUND_MS / 1000} s warm-up of each, /health and the turn in ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s, summed.`;

/**
 * A full chat turn (restore the flow's snapshot, understand, transition, persist snapshot and
 * messages) against a running server, next to `GET /health` on the same server in the same run,
 * 50 connections each: what a turn costs against the cheapest request.
 */
export async function chatTurnBench(): Promise<BenchSection> {
  const { turns, health, ratio, failures } = await measureChat(thisCheckout());
  return {
    title: 'A chat turn next to /health on the same server',
    target: `throughput ratio (turns/s ÷ /health requests/s) ≥ ${TURN_RATIO_TARGET}: a turn, reading its text with the intent classifier, costs at most ~10× a /health request (without the reading ≥ ${HOUSE_RATIO_TARGET}: turn-parts)`,
    met: ratio >= TURN_RATIO_TARGET && failures === 0,
    lines: [
      `Server: \`npm start\`'s entry as its own process on a fresh SQLite file; load: bench/http-load.ts in the benchmark's own process (closed loop, keep-alive, one request in flight per connection, each connection's request built once), ${CONNECTIONS} connections; after a ${ROUND_MS / 1000} s warm-up of each, /health and the turn in ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s (both see the same minutes of this shared machine), summed; latency from writing a request to the last byte of its answer.`,
      'Turn: `POST /api/conversations/{id}/messages` with a knowledge question, verified identity, one conversation per connection: read the stored conversation, restore the snapshot, understand the text, search the knowledge base, transition, persist snapshot and messages. /health reads the outbox backlog (one prepared statement).',
      describe('GET /health', health),
      describe('chat turn', turns),
      `Throughput ratio (turn / health): ${ratio.toFixed(2)}.`,
      `Load generator: ${turns.clientUs.toFixed(0)} µs of CPU per turn request, ${health.clientUs.toFixed(0)} per /health request, on the same ${availableParallelism()} cores as the server.`,
      // Little's law for a closed loop: every connection always has one request in flight.
      `Closed loop (its p99 is not a target; the realistic benchmark judges latency): with ${CONNECTIONS} connections each always waiting, the mean latency is ${CONNECTIONS} / throughput = ${((CONNECTIONS / turns.requestsPerSecond) * 1000).toFixed(0)} ms whatever a turn costs; turn p99 ${ms(turns.latency.p99)} ms.`,
    ],
  };
}
