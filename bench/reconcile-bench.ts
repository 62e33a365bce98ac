import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { importPlatformData } from '../adapters/db/import-platform-data.ts';
import { type SqliteHandle, openSqlite } from '../adapters/db/open-sqlite.ts';
import { reconcileWithPlatform } from '../src/core/reconcile-service.ts';
import { heavyAccount } from './reconcile-bench-data.ts';
import { type BenchSection, summarize } from './stats.ts';

const RUNS = 100_000;
const LEDGER = 100_000;
const SPAN_DAYS = 3 * 365;
const ITERATIONS = 500;

/**
 * Reconciles one account with 100,000 runs and 100,000 ledger entries (spread over three years)
 * over a 30-day window, through the real SQLite store on a file, as the CLI and the chat do.
 */
export async function reconcileBench(): Promise<BenchSection> {
  const dense = await measure(SPAN_DAYS);
  // The same 100,000 runs over ten years: what the window costs when it holds fewer of them.
  const sparse = await measure(10 * 365);
  return {
    title: 'Reconciliation of a heavy account through the SQLite store',
    target: 'p99 ≤ 5 ms',
    met: dense.p99 <= 5,
    lines: [...dense.lines, ...sparse.lines],
  };
}

async function seed(handle: SqliteHandle, spanDays: number, now: number) {
  const data = heavyAccount({ runs: RUNS, ledger: LEDGER, spanDays, now });
  await importPlatformData(handle, { accounts: [data.account], generations: data.generations, ledger: data.ledger });
  return data.account;
}

async function measure(spanDays: number): Promise<{ p99: number; lines: string[] }> {
  const SPAN_DAYS = spanDays;
  const dir = mkdtempSync(join(tmpdir(), 'desk-bench-'));
  const handle = openSqlite(join(dir, 'bench.db'));
  try {
    const now = Date.parse('2026-11-24T00:00:00Z');
    // Only the account is kept: the 200,000 generated records go once imported (a server holds none of them).
    const account = await seed(handle, SPAN_DAYS, now);
    const data = { account };
    const platform = createDrizzlePlatformData(handle, { now: () => now, newId: (p) => `${p}_bench` });

    let last = await reconcileWithPlatform(platform, data.account, { now });
    for (let i = 0; i < 50; i++) await reconcileWithPlatform(platform, data.account, { now }); // warm-up
    (globalThis as { gc?: () => void }).gc?.();
    const samples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const t = performance.now();
      last = await reconcileWithPlatform(platform, data.account, { now });
      samples.push(performance.now() - t);
    }
    const s = summarize(samples);
    return {
      p99: s.p99,
      lines: [
        `Account: ${RUNS.toLocaleString('en')} runs and ${LEDGER.toLocaleString('en')} ledger entries spread over ${SPAN_DAYS} days; window: the 30 days before now.`,
        `Inside the window: ${last.runs.length} problem runs examined, ${last.otherSpends.length} other spends listed, refund due ${last.totals.refundDue} credits.`,
        `${s.n} reconciliations after 50 warm-up: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms.`,
      ],
    };
  } finally {
    handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
