import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NodeDesk, openNodeDesk } from '../adapters/node/node-desk.ts';
import { loadConfig } from '../src/config.ts';
import { dashboardFigures } from '../src/metrics/dashboard-figures.ts';
import { type BenchSection, summarize } from './stats.ts';

const DAY = 86_400_000;
const MIN = 60_000;
/** The platform's traffic: 100,000 runs a day over 20,000 accounts; a week of it kept. */
const RUNS_PER_DAY = 100_000;
const ACCOUNTS = 20_000;
const RUN_DAYS = 7;
/** The desk's records of 90 days at that traffic: 500 conversations and 200 packets a day. */
const DESK_DAYS = 90;
const CONVERSATIONS_PER_DAY = 500;
const PACKETS_PER_DAY = 200;
const TOKEN = 'bench-metrics-token-0123456789';
const studios = ['image', 'video', 'music', 'storyboard'] as const;
/** The background of failures: 2 % of runs, over eight errors (one without a code). */
const FAILURE_RATE = 0.02;
const errors = ['model_timeout', 'capacity', 'content_policy', 'upstream_error', 'nsfw_filter', 'bad_reference', 'quota', null] as const;

/** A small deterministic PRNG, so every run of the benchmark measures the same data. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the account base and the desk's history straight into the file (prepared inserts in one
 * transaction each: the import's checks are not what is measured), with one incident under way:
 * twelve accounts failing in Video Studio with `model_overloaded` in the last ten minutes.
 */
export function seed(desk: NodeDesk, now: number): { runs: number; failed: number } {
  const { sqlite } = desk.sqlite;
  const rand = mulberry32(7);
  let failed = 0;
  sqlite.transaction(() => {
    const account = sqlite.prepare('INSERT INTO accounts (id, email, email_key, name, timezone, balance) VALUES (?, ?, ?, NULL, ?, 0)');
    for (let i = 0; i < ACCOUNTS; i++) account.run(`acc_${i}`, `user${i}@example.com`, `user${i}@example.com`, 'UTC');
    const run = sqlite.prepare(
      `INSERT INTO generations (id, account_id, studio, prompt, settings, status, error_code, error_message, created_at, created_at_ms, finished_at, library_item_id)
       VALUES (?, ?, ?, 'a prompt', '{}', ?, ?, ?, ?, ?, NULL, NULL)`,
    );
    const total = RUNS_PER_DAY * RUN_DAYS;
    for (let i = 0; i < total; i++) {
      const at = now - RUN_DAYS * DAY + Math.floor((i * RUN_DAYS * DAY) / total);
      const fails = rand() < FAILURE_RATE;
      if (fails) failed++;
      const code = fails ? errors[Math.floor(rand() * errors.length)] : null;
      run.run(
        `gen_${i}`,
        `acc_${Math.floor(rand() * ACCOUNTS)}`,
        studios[i % 4],
        fails ? 'failed' : 'completed',
        code ?? null,
        fails ? `Generation failed (${code ?? `worker w-${i % 50}`})` : null,
        new Date(at).toISOString(),
        at,
      );
    }
    for (let a = 0; a < 12; a++) {
      const at = now - (10 - a * 0.5) * MIN;
      run.run(`gen_incident_${a}`, `acc_${a * 97}`, 'video', 'failed', 'model_overloaded', 'The video model is overloaded', new Date(at).toISOString(), at);
    }
  })();

  sqlite.transaction(() => {
    const log = sqlite.prepare('INSERT INTO conversation_log (id, channel, started_at, outcome, ended_at, packet_ref) VALUES (?, ?, ?, ?, ?, ?)');
    const packet = sqlite.prepare(
      "INSERT INTO packets (ref, account_key, runs_key, channel, status, data, created_at, updated_at) VALUES (?, ?, ?, ?, 'resolved', ?, ?, ?)",
    );
    const audit = sqlite.prepare('INSERT INTO audit_log (at, actor, action, packet_ref, evidence) VALUES (?, ?, ?, ?, ?)');
    const out = sqlite.prepare(
      "INSERT INTO outbox (id, kind, destination, payload, dedupe_key, packet_ref, status, attempts, next_attempt_at, lease_until, created_at, delivered_at) VALUES (?, 'slack.packet', 'C0TRIAGE', '{}', ?, ?, 'delivered', 1, ?, 0, ?, ?)",
    );
    for (let d = 0; d < DESK_DAYS; d++) {
      const dayStart = now - (DESK_DAYS - d) * DAY;
      for (let c = 0; c < CONVERSATIONS_PER_DAY; c++) {
        const at = dayStart + Math.floor((c * DAY) / CONVERSATIONS_PER_DAY);
        const ref = c < PACKETS_PER_DAY ? `PKT-${d}X${c}` : null;
        const outcome = ref ? 'handed_off' : c % 3 === 0 ? 'expired' : 'resolved';
        log.run(`conv_${d}_${c}`, 'widget', at, outcome, at + 5 * MIN, ref);
        if (!ref) continue;
        const studio = studios[c % 4];
        const data = {
          ref,
          channel: 'widget',
          findings: { runs: [{ generationId: `gen_p_${d}_${c}`, studio, status: 'failed', error: { code: errors[c % 4], message: 'failed' }, charged: c % 2 === 0 ? 10 : 0 }] },
        };
        packet.run(ref, `user${c}@example.com`, `gen_p_${d}_${c}`, 'widget', JSON.stringify(data), at, at);
        audit.run(at, 'widget:user@example.com', 'packet.created', ref, '{}');
        if (c % 2 === 0) audit.run(at, 'policy:auto-refund', 'refund.issued', ref, JSON.stringify({ refundDue: 10 }));
        else audit.run(at + 2 * 3_600_000, 'slack:U0STAFF', 'packet.resolved', ref, '{}');
        out.run(`out_${d}_${c}`, `${ref}:slack`, ref, at, at, at + 1000);
      }
    }
  })();
  return { runs: RUNS_PER_DAY * RUN_DAYS + 12, failed: failed + 12 };
}

async function time(iterations: number, work: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

/**
 * What a Prometheus scrape of `GET /metrics` and one incident sweep cost on a desk whose platform
 * runs 100,000 generations a day, through the real SQLite store and the real app.
 */
export async function metricsBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-metrics-bench-'));
  const now = Date.parse('2026-11-24T12:00:00Z');
  const desk = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: join(dir, 'bench.db'), METRICS_TOKEN: TOKEN }), { now: () => now });
  try {
    const seeded = seed(desk, now);
    const first = await desk.incidents.sweep();
    const scrape = async () => {
      const response = await desk.app.fetch(new Request('http://desk/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }));
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      return response.text();
    };
    const bytes = (await scrape()).length;
    const metrics = await time(50, scrape);
    const sweep = await time(50, () => desk.incidents.sweep());
    const page = await time(10, () => dashboardFigures(desk.metrics, now));
    const f = (s: ReturnType<typeof summarize>) => `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;
    return {
      title: 'Metrics and incident detection on 100,000 runs a day',
      target: '`GET /metrics` p99 ≤ 100 ms and an incident sweep p99 ≤ 1 s (it runs once a minute)',
      met: metrics.p99 <= 100 && sweep.p99 <= 1000,
      lines: [
        `Platform: ${ACCOUNTS.toLocaleString('en')} accounts, ${RUNS_PER_DAY.toLocaleString('en')} runs a day for ${RUN_DAYS} days (${seeded.runs.toLocaleString('en')} runs, ${seeded.failed.toLocaleString('en')} failed), in the same SQLite file (embedded).`,
        `Desk: ${DESK_DAYS} days of ${CONVERSATIONS_PER_DAY} conversations and ${PACKETS_PER_DAY} packets a day (${(DESK_DAYS * CONVERSATIONS_PER_DAY).toLocaleString('en')} conversations, ${(DESK_DAYS * PACKETS_PER_DAY).toLocaleString('en')} packets, ${(DESK_DAYS * PACKETS_PER_DAY * 2).toLocaleString('en')} audit entries).`,
        `GET /metrics (${bytes.toLocaleString('en')} bytes, every figure an SQL aggregate), 50 scrapes: ${f(metrics)}.`,
        `Incident sweep (the last 15 minutes' failures of every account, one incident open: ${first.opened.length} opened by the first sweep), 50 sweeps: ${f(sweep)}.`,
        `The console's figures for 7 and 30 days (dashboardFigures), 10 reads: ${f(page)}.`,
      ],
    };
  } finally {
    desk.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
