import { createHmac } from 'node:crypto';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { startServerProcess } from './server-process.ts';
import type { BenchSection } from './stats.ts';

const CONNECTIONS = 50;
const DURATION_S = 10;
const SECRET = 'bench-secret';

type Result = Awaited<ReturnType<typeof autocannon>>;

const spread = (r: Result) => r.latency.p99 / Math.max(1, r.latency.p50);

function describe(label: string, r: Result): string {
  return `${label}: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`;
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
    const health = await autocannon({ url: `${server.url}/health`, connections: CONNECTIONS, duration: DURATION_S });
    let next = 0;
    const turn = await autocannon({
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
    const ratio = turn.requests.average / health.requests.average;
    const failures = turn.non2xx + turn.errors + turn.timeouts;
    return {
      title: 'A chat turn next to /health on the same server',
      target: 'throughput ratio ≥ 0.25 and turn p99 ≤ 25 ms',
      met: ratio >= 0.25 && turn.latency.p99 <= 25 && failures === 0,
      lines: [
        `Server: \`npm start\`'s entry as its own process on a fresh SQLite file; load: autocannon in the bench process, ${CONNECTIONS} connections, ${DURATION_S} s each.`,
        'Turn: `POST /api/conversations/{id}/messages` with a knowledge question, verified identity, one conversation per connection: restore the snapshot, understand the text, search the knowledge base, transition, persist snapshot and messages.',
        describe('GET /health', health),
        describe('chat turn', turn),
        `Throughput ratio (turn / health): ${ratio.toFixed(2)}.`,
        // Little's law for a closed loop: every connection always has one request in flight.
        `With ${CONNECTIONS} connections each always waiting on a turn, the mean latency is ${CONNECTIONS} / throughput = ${((CONNECTIONS / turn.requests.average) * 1000).toFixed(0)} ms whatever a turn costs.`,
        // The spread above the median is the machine's and the load generator's: /health barely works.
        `The tail above the median: p99 / p50 = ${spread(turn).toFixed(1)} for the turn, ${spread(health).toFixed(1)} for /health (a database ping). At /health's spread, a p99 ≤ 25 ms needs a p50 ≤ ${(25 / spread(health)).toFixed(0)} ms, i.e. about ${Math.round((CONNECTIONS * spread(health)) / 0.025)} turns/s from one process sharing ${cpus().length} cores with the load generator — ${(CONNECTIONS * spread(health)) / 0.025 > health.requests.average ? 'more than /health itself reaches here' : 'within what /health reaches here'}.`,
      ],
    };
  } finally {
    await server.stop();
  }
}
