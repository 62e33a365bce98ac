import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNodeDesk } from '../adapters/node/node-desk.ts';
import { loadConfig } from '../src/config.ts';
import { newId } from '../src/core/ids.ts';
import { openEventStream } from '../test/support/event-stream.ts';
import { serveApp } from '../test/support/serve-app.ts';

/*
 * `npx tsx bench/event-streams.ts [N]` (default 500): what N open live-reply streams cost the Node
 * desk (each reads SQLite every CHAT_EVENTS_POLL_MS, 1 s) — CPU over 10 idle seconds — and how
 * long a staff reply takes to reach its stream. Decides whether streams need an in-process wake-up
 * (docs/live-replies.md). Not part of `npm run bench`: the desk and the clients share one process.
 */

const n = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'event-streams-'));
const limits = { CHAT_EVENTS_PER_CLIENT: '100000', CHAT_RATE_BURST: '100000', CHAT_RATE_PER_MINUTE: '100000' };
const desk = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: join(dir, 'support.db'), ...limits }));
const server = await serveApp(desk.app);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ids: string[] = [];
for (let i = 0; i < n; i++) ids.push((await desk.conversations.start({ kind: 'anonymous' })).conversationId);
const streams = await Promise.all(ids.map((id) => openEventStream(`${server.url}/api/conversations/${id}/events`)));
await sleep(2000);

const cpuBefore = process.cpuUsage();
const started = performance.now();
await sleep(10_000);
const cpu = process.cpuUsage(cpuBefore);
const share = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
console.log(`${n} idle streams: ${(share * 100).toFixed(1)} % of one core`);

const latencies: number[] = [];
for (let i = 0; i < 20; i++) {
  const k = (i * 37) % n;
  const stream = streams[k];
  const id = ids[k];
  if (!stream || !id) continue;
  const before = stream.events.length;
  const at = performance.now();
  await desk.store.appendMessages(id, [{ id: newId('msg'), from: 'agent', text: 'a staff reply', at: Date.now() }]);
  await stream.until((s) => s.events.length > before, 5000);
  latencies.push(performance.now() - at);
  await sleep(Math.random() * 300);
}
latencies.sort((a, b) => a - b);
console.log(`reply to stream: median ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms (${latencies.length} replies)`);

for (const stream of streams) stream.close();
await server.close();
desk.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
