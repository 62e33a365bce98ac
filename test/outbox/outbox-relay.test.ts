import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../../adapters/db/open-sqlite.ts';
import { samplePacket } from '../support/sample-packet.ts';
import type { OutboxRow, SupportStore } from '../../src/core/support-store.ts';
import { type DeliveryResult, createOutboxRelay, exponentialBackoff } from '../../src/outbox/outbox-relay.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');

const packet = (ref: string) => samplePacket({ ref });

describe('outbox relay', () => {
  let dir: string;
  let handle: SqliteHandle;
  let store: SupportStore;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-'));
    handle = openSqlite(join(dir, 'desk.db'));
    store = createDrizzleSupportStore(handle);
    now = T0;
    for (const ref of ['PKT-AAAAAA', 'PKT-BBBBBB']) {
      await store.savePacket(packet(ref), {
        outbox: [{ id: `out_${ref}`, kind: 'slack.packet', destination: 'C1', payload: { ref }, dedupeKey: `${ref}:slack`, packetRef: ref }],
        audit: [],
        now,
      });
    }
  });
  afterEach(() => {
    handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every due row once and never again', async () => {
    const sent: string[] = [];
    const relay = createOutboxRelay({
      store,
      now: clock,
      handlers: { 'slack.packet': async (row) => (sent.push(row.id), { status: 'sent', externalId: `ts_${row.id}` }) },
    });
    expect(await relay.runOnce()).toEqual({ delivered: 2, retrying: 0, dead: 0 });
    now += 24 * 60 * 60 * 1000;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    expect(sent.sort()).toEqual(['out_PKT-AAAAAA', 'out_PKT-BBBBBB']);
    const rows = await store.listOutbox();
    expect(rows.map((r) => [r.status, r.externalId])).toEqual([
      ['delivered', 'ts_out_PKT-AAAAAA'],
      ['delivered', 'ts_out_PKT-BBBBBB'],
    ]);
  });

  it('keeps a failed delivery pending with backoff, and delivers it once the destination is back', async () => {
    let up = false;
    const attempts: number[] = [];
    const relay = createOutboxRelay({
      store,
      now: clock,
      random: () => 0.5,
      handlers: {
        'slack.packet': async (row: OutboxRow): Promise<DeliveryResult> => {
          attempts.push(now);
          return up ? { status: 'sent' } : { status: 'failed', retryable: true, reason: `slack down for ${row.id}` };
        },
      },
    });
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 2, dead: 0 });
    const waiting = await store.listOutbox();
    expect(waiting.every((r) => r.status === 'pending' && r.lastError?.startsWith('slack down'))).toBe(true);
    expect(waiting.every((r) => r.nextAttemptAt === T0 + exponentialBackoff(1, () => 0.5))).toBe(true);
    // Not yet due: nothing is tried.
    now += 1_000;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    expect((await store.outboxBacklog(now)).pending).toBe(2);
    up = true;
    now = T0 + 10_000;
    expect(await relay.runOnce()).toEqual({ delivered: 2, retrying: 0, dead: 0 });
    expect(attempts).toHaveLength(4);
    expect((await store.outboxBacklog(now)).pending).toBe(0);
  });

  it('treats a thrown handler as a retryable failure and gives up after the last attempt', async () => {
    const relay = createOutboxRelay({
      store,
      now: clock,
      maxAttempts: 2,
      backoffMs: () => 1_000,
      handlers: {
        'slack.packet': async () => {
          throw new Error('socket hang up');
        },
      },
    });
    await relay.runOnce();
    now += 1_000;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 2 });
    const rows = await store.listOutbox();
    expect(rows.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ['dead', 2, 'socket hang up'],
      ['dead', 2, 'socket hang up'],
    ]);
    expect((await store.outboxBacklog(now)).dead).toBe(2);
  });

  it('marks a non-retryable failure dead at once, and leaves kinds without a handler pending', async () => {
    await store.savePacket(packet('PKT-CCCCCC'), {
      outbox: [{ id: 'out_mail', kind: 'email.packet', destination: 'support@prismposter.com', payload: {}, dedupeKey: 'PKT-CCCCCC:email', packetRef: 'PKT-CCCCCC' }],
      audit: [],
      now,
    });
    const relay = createOutboxRelay({
      store,
      now: clock,
      handlers: { 'slack.packet': async () => ({ status: 'failed', retryable: false, reason: 'channel_not_found' }) },
    });
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 2 });
    const mail = (await store.listOutbox({ packetRef: 'PKT-CCCCCC' }))[0];
    expect(mail?.status).toBe('pending');
    expect(mail?.lastError).toBe('no delivery configured for email.packet');
  });

  it('shares one run between concurrent calls, so a row is never handed out twice', async () => {
    const sent: string[] = [];
    const relay = createOutboxRelay({
      store,
      now: clock,
      handlers: {
        'slack.packet': async (row) => {
          await new Promise((r) => setTimeout(r, 20));
          sent.push(row.id);
          return { status: 'sent' };
        },
      },
    });
    const [a, b] = await Promise.all([relay.runOnce(), relay.runOnce()]);
    expect(a).toEqual(b);
    expect(sent).toHaveLength(2);
  });
});

describe('exponentialBackoff', () => {
  it('doubles from 5 s and stops at 30 minutes, within ±20 %', () => {
    expect(exponentialBackoff(1, () => 0.5)).toBe(5_000);
    expect(exponentialBackoff(2, () => 0.5)).toBe(10_000);
    expect(exponentialBackoff(30, () => 0.5)).toBe(30 * 60_000);
    expect(exponentialBackoff(1, () => 0)).toBe(4_000);
    expect(exponentialBackoff(1, () => 1)).toBe(6_000);
  });
});
