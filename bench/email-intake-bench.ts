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
import { seedDemoIfEmpty } from '../src/demo/seed-demo.ts';
import { createEmailIntake } from '../src/email/email-intake.ts';
import type { BenchSection } from './stats.ts';

const PASSES = 5;
const NOW = Date.parse('2026-11-21T10:00:00Z');
const TRUSTED = 'mx.bench.test';

/** The corpus: the real-world oddities, our own fixtures, and verified reports that reach reconciliation. */
function corpus(): Uint8Array[] {
  const dirs = [new URL('../../shared/corpus/email-realworld/', import.meta.url), new URL('../test/fixtures/eml/', import.meta.url)];
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

/**
 * Email intake throughput against a bare postal-mime parse of the same messages in the same run:
 * the intake parses, reads the text, checks trust, claims the Message-ID, files the packet
 * (reconciling verified senders) and queues the auto-reply, on a SQLite file. Target ≥ 0.3×.
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
    let parseMs = 0;
    let intakeMs = 0;
    for (let pass = -1; pass < PASSES; pass++) {
      const batch = messages.map((m, i) => withMessageId(m, `p${pass}-${i}`));
      let t = performance.now();
      for (const raw of batch) await PostalMime.parse(raw);
      const parse = performance.now() - t;
      t = performance.now();
      for (const raw of batch) {
        const outcome = await intake.receive(raw);
        if (pass === 0) outcomes.set(outcome.status, (outcomes.get(outcome.status) ?? 0) + 1);
      }
      const took = performance.now() - t;
      if (pass < 0) continue; // warm-up
      parseMs += parse;
      intakeMs += took;
    }
    const n = messages.length * PASSES;
    const parseRate = (n / parseMs) * 1000;
    const intakeRate = (n / intakeMs) * 1000;
    const ratio = intakeRate / parseRate;
    return {
      title: 'Email intake throughput against a bare postal-mime parse',
      target: 'intake ≥ 0.3× the bare parse',
      met: ratio >= 0.3,
      lines: [
        `Corpus: ${messages.length} messages (${(bytes / 1024).toFixed(0)} KiB): the 103 real-world oddities, the test fixtures and 4 verified reports; ${PASSES} passes after a warm-up, fresh Message-IDs each pass.`,
        `Outcomes per pass: ${[...outcomes].map(([k, v]) => `${v} ${k}`).join(', ')}.`,
        `Bare postal-mime parse: ${parseRate.toFixed(0)} messages/s; full intake on SQLite (parse, split, dates, trust, dedupe, packet, reconciliation, auto-reply): ${intakeRate.toFixed(0)} messages/s.`,
        `Ratio: ${ratio.toFixed(2)}×.`,
      ],
    };
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
