import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import type { BenchSection } from './stats.ts';

const CONNECTIONS = 50;
const DURATION_S = 10;
const SECRET = 'bench-secret';

type Result = Awaited<ReturnType<typeof autocannon>>;

const spread = (r: Result) => r.latency.p99 / Math.max(1, r.latency.p50);

function describe(label: string, r: Result, cpuUs: number | null): string {
  const cpu = cpuUs === null ? '' : `, server main thread ${cpuUs.toFixed(0)} µs per request`;
  return `${label}: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts${cpu}`;
}

/** Runs one autocannon load and measures the server's main-thread CPU per request meanwhile. */
async function measured(server: ServerProcess, options: autocannon.Options): Promise<{ result: Result; cpuUs: number | null }> {
  const before = server.mainThreadCpuMs();
  const result = await autocannon(options);
  const after = server.mainThreadCpuMs();
  const cpuUs = before === null || after === null || result.requests.total === 0 ? null : ((after - before) * 1000) / result.requests.total;
  return { result, cpuUs };
}

/**
 * A full chat turn (restore the flow's snapshot, transition, persist snapshot and messages) against
 * a running server, next to `GET /health` on the same server in the same run, 50 connections each.
 */
export async function chatTurnBench(): Promise<BenchSection> {
  // The per-identity rate limit is raised: the benchmark measures the turn, not the limiter.
  const server = await startServerProcess({
    WIDGET_IDENTITY_SECRET: SECRET,
    CHAT_RATE_PER_MINUTE: '100000000',
    CHAT_RATE_BURST: '100000000',
  });
  try {
    const email = 'maya@example.com';
    const headers = {
      'content-type': 'application/json',
      'x-user-email': email,
      'x-user-hash': createHmac('sha256', SECRET).update(email).digest('hex'),
    };
    // One conversation per connection, each already past the greeting.
    const ids: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const started = await fetch(`${server.url}/api/conversations`, { method: 'POST', headers, body: '{}' });
      const { conversationId } = (await started.json()) as { conversationId: string };
      await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify({ option: 'run:gen_maya_video' }) });
      ids.push(conversationId);
    }
    const health = await measured(server, { url: `${server.url}/health`, connections: CONNECTIONS, duration: DURATION_S });
    let next = 0;
    const turn = await measured(server, {
      url: server.url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (request, context) => {
            const connection = context as { id?: string };
            connection.id ??= ids[next++ % ids.length];
            return {
              ...request,
              path: `/api/conversations/${String(connection.id)}/messages`,
              body: JSON.stringify({ text: 'were my credits charged?' }),
            };
          },
        },
      ],
    });
    const ratio = turn.result.requests.average / health.result.requests.average;
    const failures = turn.result.non2xx + turn.result.errors + turn.result.timeouts;
    const p99 = turn.result.latency.p99;
    // The throughput a p99 of 25 ms needs at the spread measured, and what a turn may then cost.
    const needed = (CONNECTIONS * spread(turn.result)) / 0.025;
    return {
      title: 'A chat turn next to /health on the same server',
      target: 'throughput ratio ≥ 0.25 and turn p99 ≤ 25 ms',
      met: ratio >= 0.25 && p99 <= 25 && failures === 0,
      lines: [
        `Server: \`npm start\`'s entry as its own process on a fresh SQLite file; load: autocannon in the bench process, ${CONNECTIONS} connections, ${DURATION_S} s each.`,
        'Turn: `POST /api/conversations/{id}/messages` with a knowledge question, verified identity, one conversation per connection: restore the snapshot, understand the text, search the knowledge base, transition, persist snapshot and messages. /health reads the outbox backlog (one prepared statement).',
        describe('GET /health', health.result, health.cpuUs),
        describe('chat turn', turn.result, turn.cpuUs),
        `Throughput ratio (turn / health): ${ratio.toFixed(2)}.`,
        // Little's law for a closed loop: every connection always has one request in flight.
        `Closed loop: with ${CONNECTIONS} connections each always waiting, the mean latency is ${CONNECTIONS} / throughput = ${((CONNECTIONS / turn.result.requests.average) * 1000).toFixed(0)} ms whatever a turn costs.`,
        // Node takes the requests that are ready, answers them all, then looks again: one arriving meanwhile waits for the next round.
        `The tail: p99 / p50 = ${spread(turn.result).toFixed(1)} for the turn, ${spread(health.result).toFixed(1)} for /health. The event loop answers in rounds (the requests ready when it looks, then the next look), and a request that comes in during a round waits for the next one, so under a closed loop the p99 is about two rounds, whatever a request costs. At the turn's spread, p99 ≤ 25 ms needs about ${Math.round(needed)} turns/s here, i.e. a turn costing about ${Math.round(1e6 / needed)} µs of the main thread${turn.cpuUs === null ? '' : ` (now ${turn.cpuUs.toFixed(0)})`}.`,
      ],
    };
  } finally {
    await server.stop();
  }
}
