import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { createDrizzleEmailStore } from '../adapters/db/drizzle-email-store.ts';
import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../adapters/db/drizzle-support-store.ts';
import { openSqlite } from '../adapters/db/open-sqlite.ts';
import { newId } from '../src/core/ids.ts';
import { newPacketRef } from '../src/core/packet-ref.ts';
import { createPacketService } from '../src/core/packet-service.ts';
import { seedDemoIfEmpty } from '../adapters/db/seed-demo.ts';
import { createEmailIntake } from '../src/email/email-intake.ts';
import { type BenchSection, summarize } from './stats.ts';

const PASSES = 9;
const NOW = Date.parse('2026-11-21T10:00:00Z');
const TRUSTED = 'mx.bench.test';

/** The corpus: the real-world oddities, our own fixtures, and verified reports that reach reconciliation. */
function corpus(): Uint8Array[] {
  const dirs = [new URL('../test/fixtures/email-realworld/', import.meta.url), new URL('../test/fixtures/eml/', import.meta.url)];
  const files = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => new Uint8Array(readFileSync(new URL(f, dir)))),
  );
  const verified = ['maya', 'leo', 'ana', 'sam'].map((name) =>
    new TextEncoder().encode(
      [
        `Authentication-Results: ${TRUSTED}; dmarc=pass header.from=example.com`,
        `From: ${name}@example.com`,
        'Subject: my run failed',
        'Date: Sat, 21 Nov 2026 10:58:00 +0100',
        '',
        'My video failed this morning at 9:25 (Berlin time). The prompt was "a paper boat". I retried twice.',
      ].join('\r\n'),
    ),
  );
  return [...files, ...verified];
}

/** Each pass gets fresh Message-IDs (the first header wins), so the intake processes every message again. */
function withMessageId(raw: Uint8Array, id: string): Uint8Array {
  const head = new TextEncoder().encode(`Message-ID: <${id}@bench.test>\r\n`);
  const out = new Uint8Array(head.byteLength + raw.byteLength);
  out.set(head);
  out.set(raw, head.byteLength);
  return out;
}

/** Deliveries in flight at once in the concurrent runs: a gateway delivers messages in parallel. */
const IN_FLIGHT = 8;

/** The median of per-pass ratios: a pass's parse and intake run back to back, so a burst of noise on the machine skews one pass, not the figure. */
const median = (values: readonly number[]) => summarize([...values]).p50;

/**
 * Email intake throughput against a bare postal-mime parse of the same messages in the same run:
 * the intake parses, reads the text, checks trust, files the packet (reconciling verified
 * senders), queues the auto-reply and settles the Message-ID, on a SQLite file opened as the
 * server opens it. Each pass parses the corpus bare, then takes it through the intake one message
 * at a time, then with 8 deliveries in flight (fresh Message-IDs each time). Target ≥ 0.3×.
 */
export async function emailIntakeBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'email-bench-'));
  const sqlite = openSqlite(join(dir, 'bench.db'));
  try {
    await seedDemoIfEmpty(sqlite, NOW);
    const now = () => NOW;
    const platform = createDrizzlePlatformData(sqlite, { now, newId });
    const store = createDrizzleSupportStore(sqlite);
    const destinations = { slackChannel: null, supportInbox: 'triage@bench.test' };
    const packets = createPacketService({ platform, store, now, newRef: () => newPacketRef(), newId, destinations });
    const intake = createEmailIntake({
      store,
      emailStore: createDrizzleEmailStore(sqlite),
      platform,
      packets,
      now,
      newId,
      destinations,
      supportFrom: 'support@bench.test',
      trustedAuthservId: TRUSTED,
      maxAutoRepliesPerDay: Number.POSITIVE_INFINITY,
    });

    const messages = corpus();
    const bytes = messages.reduce((sum, m) => sum + m.byteLength, 0);
    const outcomes = new Map<string, number>();
    /** Takes a batch through the intake with `lanes` deliveries in flight; answers the milliseconds it took. */
    async function intakeBatch(batch: readonly Uint8Array[], lanes: number, count: boolean): Promise<number> {
      let next = 0;
      const lane = async () => {
        for (let raw = batch[next++]; raw; raw = batch[next++]) {
          const outcome = await intake.receive(raw);
          if (count) outcomes.set(outcome.status, (outcomes.get(outcome.status) ?? 0) + 1);
        }
      };
      const t = performance.now();
      await Promise.all(Array.from({ length: lanes }, lane));
      return performance.now() - t;
    }

    const rates = { parse: [] as number[], one: [] as number[], parallel: [] as number[] };
    const ratios = { one: [] as number[], parallel: [] as number[] };
    const perSecond = (ms: number) => (messages.length / ms) * 1000;
    for (let pass = -1; pass < PASSES; pass++) {
      const fresh = (tag: string) => messages.map((m, i) => withMessageId(m, `${tag}${pass}-${i}`));
      const bare = fresh('b');
      const t = performance.now();
      for (const raw of bare) await PostalMime.parse(raw);
      const parse = perSecond(performance.now() - t);
      const one = perSecond(await intakeBatch(fresh('s'), 1, pass === 0));
      const parallel = perSecond(await intakeBatch(fresh('c'), IN_FLIGHT, false));
      if (pass < 0) continue; // warm-up
      rates.parse.push(parse);
      rates.one.push(one);
      rates.parallel.push(parallel);
      ratios.one.push(one / parse);
      ratios.parallel.push(parallel / parse);
    }
    const ratio = median(ratios.parallel);
    return {
      title: 'Email intake throughput against a bare postal-mime parse',
      target: `intake ≥ 0.3× the bare parse (${IN_FLIGHT} deliveries in flight)`,
      met: ratio >= 0.3,
      lines: [
        `Corpus: ${messages.length} messages (${(bytes / 1024).toFixed(0)} KiB): the 103 real-world oddities, the test fixtures and 4 verified reports; ${PASSES} passes after a warm-up, fresh Message-IDs each time; medians of the passes.`,
        `Outcomes per pass: ${[...outcomes].map(([k, v]) => `${v} ${k}`).join(', ')}.`,
        `Bare postal-mime parse: ${median(rates.parse).toFixed(0)} messages/s.`,
        `Full intake on a SQLite file (parse, split, dates, trust, packet, reconciliation, auto-reply, Message-ID settled once): ${median(rates.one).toFixed(0)} messages/s one at a time (ratio ${median(ratios.one).toFixed(2)}×); ${median(rates.parallel).toFixed(0)} messages/s with ${IN_FLIGHT} deliveries in flight, as a gateway delivers (ratio ${ratio.toFixed(2)}×, writes arriving together share a commit).`,
      ],
    };
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
