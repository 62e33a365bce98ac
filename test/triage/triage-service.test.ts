import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrizzlePlatformData } from '../../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../../adapters/db/open-sqlite.ts';
import { createPacketService } from '../../src/core/packet-service.ts';
import type { PlatformData } from '../../src/core/ports.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import { createUserNotifier } from '../../src/core/user-notifier.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { createMemoryTriageStore } from '../../src/triage/memory-triage-store.ts';
import { type TriageService, createTriageService } from '../../src/triage/triage-service.ts';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const MARIA = { id: 'U1', name: 'Maria' };

describe('triage decisions (in-memory triage store, SQLite :memory:)', () => {
  let handle: SqliteHandle;
  let store: SupportStore;
  let triage: TriageService;
  let packet: Packet;
  let refundCalls: number;
  /** Holds every refund until released: two decisions really overlap. */
  let gate: Promise<void>;
  let open: () => void;

  beforeEach(async () => {
    handle = openSqlite(':memory:');
    await seedDemoIfEmpty(handle, NOW);
    store = createDrizzleSupportStore(handle);
    const embedded = createDrizzlePlatformData(handle, { now: () => NOW, newId: (p) => `${p}_${Math.random().toString(36).slice(2)}` });
    refundCalls = 0;
    gate = new Promise((resolve) => (open = resolve));
    // Every refund waits at the gate, whichever way it is issued (with its audit entry, embedded).
    const platform: PlatformData = {
      ...embedded,
      issueRefund: async (...args) => {
        refundCalls++;
        await gate;
        return embedded.issueRefund(...args);
      },
      issueRefundsWithAudit: async (...args) => {
        refundCalls++;
        await gate;
        const write = embedded.issueRefundsWithAudit;
        if (!write) throw new Error('the embedded platform writes refunds with their audit entry');
        return write(...args);
      },
    };
    let n = 0;
    const newId = (prefix: string) => `${prefix}_${++n}`;
    const packets = createPacketService({ platform, store, now: () => NOW, newRef: () => 'PKT-TEST0001', newId, destinations: { slackChannel: 'C1' } });
    packet = (await packets.file({ channel: 'email', accountEmail: 'maya@example.com', verified: true })).packet;
    triage = createTriageService({
      store, triage: createMemoryTriageStore(), platform, now: () => NOW, newId, slackChannel: 'C1',
      notifier: createUserNotifier({ store, now: () => NOW, newId, ttlMs: 60_000 }),
    });
  });
  afterEach(() => handle.close());

  it('lets one of two overlapping approvals act; the other waits for it and finds the packet refunded', async () => {
    const both = Promise.all([triage.approveRefund(packet.ref, MARIA), triage.approveRefund(packet.ref, MARIA)]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    open();
    const outcomes = await both;
    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'refused']);
    expect(outcomes.find((o) => o.status === 'refused')?.summary).toBe(`${packet.ref} is refunded already.`);
    expect(refundCalls).toBe(1);
    expect((await store.listAudit(packet.ref)).filter((a) => a.action === 'refund.approved')).toHaveLength(1);
    const updates = (await store.listOutbox({ packetRef: packet.ref })).filter((r) => r.kind === 'slack.packet_update');
    expect(updates).toHaveLength(1);
  });

  it('refuses what does not apply, writing nothing', async () => {
    open();
    expect(await triage.approveRefund('PKT-NOSUCH00', MARIA)).toEqual({ status: 'refused', summary: 'No packet PKT-NOSUCH00.' });
    expect((await triage.askForInfo(packet.ref, MARIA, '  ', 'V1')).status).toBe('refused');
    expect((await triage.replyToUser(packet.ref, MARIA, '', 'C1:1')).status).toBe('refused');
    expect((await triage.resolve(packet.ref, MARIA)).status).toBe('done');
    expect((await triage.approveRefund(packet.ref, MARIA)).summary).toMatch(/resolved/);
    expect((await store.listAudit(packet.ref)).map((a) => a.action)).toEqual(['packet.created', 'packet.resolved']);
  });
});
