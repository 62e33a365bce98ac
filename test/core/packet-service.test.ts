import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrizzlePlatformData } from '../../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { openSqlite } from '../../adapters/db/open-sqlite.ts';
import type { SqliteHandle } from '../../adapters/db/open-sqlite.ts';
import { defaultPlatformFixture } from '../contracts/platform-data-contract.ts';
import { createPacketService } from '../../src/core/packet-service.ts';
import type { PacketDestinations } from '../../src/core/packet-service.ts';
import type { ReportInput } from '../../src/core/support-packet.ts';
import type { SupportStore } from '../../src/core/support-store.ts';

/** Six days after Mara's failed 4k run (gen_m2, charged 40, not refunded). */
const NOW = Date.parse('2026-11-26T12:00:00Z');
const MINUTE_MS = 60_000;
const destinations: PacketDestinations = { slackChannel: '#support-packets', supportInbox: 'support@prismposter.test' };

let dir: string;
let handle: SqliteHandle;
let store: SupportStore;
let clock: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-packets-'));
  handle = openSqlite(join(dir, 'desk.sqlite'));
  await importPlatformData(handle, defaultPlatformFixture);
  store = createDrizzleSupportStore(handle);
  clock = NOW;
});
afterEach(() => {
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(where: PacketDestinations = destinations) {
  let refs = 0;
  let ids = 0;
  return createPacketService({
    platform: createDrizzlePlatformData(handle, { now: () => clock, newId: (prefix) => `${prefix}_p${++ids}` }),
    store,
    now: () => clock,
    newRef: () => `PKT-TEST${String(++refs).padStart(2, '0')}`,
    newId: (prefix) => `${prefix}_${++ids}`,
    destinations: where,
  });
}

const maraReport: ReportInput = {
  channel: 'widget',
  accountEmail: 'mara.klein@example.com',
  verified: true,
  generationIds: ['gen_m2'],
  stepsTried: ['retry'],
  transcript: [{ from: 'user', text: 'My 4k koi poster failed and I lost 40 credits', at: '2026-11-26T11:58:00.000Z' }],
};

/** Every row of the desk's tables, to tell whether anything was written. */
function dump(): unknown {
  return Object.fromEntries(
    ['packets', 'outbox', 'audit_log', 'conversations', 'messages', 'ledger'].map((t) => [t, handle.sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()]),
  );
}

const count = (table: string) => handle.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe('createPacketService: file', () => {
  it('files a verified report about a failed, charged run with its refund and the run filled in', async () => {
    const { packet, created } = await service().file(maraReport);

    expect(created).toBe(true);
    expect(packet).toMatchObject({
      ref: 'PKT-TEST01',
      channel: 'widget',
      accountEmail: 'mara.klein@example.com',
      verified: true,
      studio: 'image',
      prompt: 'festival poster, neon koi, 4k',
      settings: { resolution: '4k', referenceImages: 1 },
      errorMessage: 'Generation failed: the renderer timed out. Please try again.',
      occurredAt: '2026-11-20T13:05:00.000Z',
      timezone: 'Europe/Berlin',
      generationIds: ['gen_m2'],
      stepsTried: ['retry'],
      missing: [],
      status: 'open',
      createdAt: '2026-11-26T12:00:00.000Z',
    });
    expect(packet.findings?.refundDue).toBe(40);
    expect(packet.findings?.runs).toEqual([expect.objectContaining({ generationId: 'gen_m2', verdict: 'refund_due', charged: 40, outstanding: 40 })]);
    expect(await store.getPacket('PKT-TEST01')).toEqual(packet);
  });

  it('queues one Slack post and one email with the packet', async () => {
    const { packet } = await service().file(maraReport);

    const rows = await store.listOutbox({ packetRef: packet.ref });
    expect(rows.map((r) => [r.kind, r.destination, r.status]).sort()).toEqual([
      ['email.packet', 'support@prismposter.test', 'pending'],
      ['slack.packet', '#support-packets', 'pending'],
    ]);
    expect(rows.every((r) => (r.payload as { ref?: unknown }).ref === packet.ref)).toBe(true);
    expect(await store.claimOutbox(NOW, 10, MINUTE_MS)).toHaveLength(2);
    const audit = await store.listAudit(packet.ref);
    expect(audit).toEqual([expect.objectContaining({ action: 'packet.created', packetRef: packet.ref, at: NOW })]);
    expect(audit[0]?.evidence).toMatchObject({ findings: { refundDue: 40 }, missing: [] });
  });

  it('queues nothing when no destination is configured, and still keeps the packet', async () => {
    const { packet } = await service({ slackChannel: null, supportInbox: null }).file(maraReport);

    expect(await store.listOutbox()).toEqual([]);
    expect(await store.getPacket(packet.ref)).toEqual(packet);
  });

  it('joins a second report about the same runs to the first packet', async () => {
    const desk = service();
    const first = await desk.file(maraReport);
    clock = NOW + 30 * MINUTE_MS;

    const second = await desk.file({
      channel: 'email',
      accountEmail: 'Mara.Klein@EXAMPLE.com',
      verified: true,
      generationIds: ['gen_m2'],
      stepsTried: ['checked_credits', 'simplify'],
      transcript: [{ from: 'user', text: 'Following up on my failed poster', at: '2026-11-26T12:29:00.000Z' }],
    });

    expect(second.created).toBe(false);
    expect(second.packet.ref).toBe(first.packet.ref);
    expect(second.packet.createdAt).toBe(first.packet.createdAt);
    expect(second.packet.channel).toBe('widget');
    expect(count('packets')).toBe(1);
    const stored = await store.getPacket(first.packet.ref);
    expect(stored?.transcript.map((t) => t.text)).toEqual(['My 4k koi poster failed and I lost 40 credits', 'Following up on my failed poster']);
    expect(stored?.stepsTried).toEqual(['retry', 'simplify', 'checked_credits']);
    expect((await store.listOutbox({ packetRef: first.packet.ref })).map((r) => r.kind).sort()).toEqual([
      'email.packet',
      'email.packet_update',
      'slack.packet',
      'slack.packet_update',
    ]);
    expect((await store.listAudit(first.packet.ref)).map((a) => a.action)).toEqual(['packet.created', 'packet.joined']);
  });

  it('gives an unverified report no findings and fills nothing from the account', async () => {
    const { packet } = await service().file({ ...maraReport, verified: false });

    expect(packet.findings).toBeNull();
    expect(packet.verified).toBe(false);
    expect(packet).toMatchObject({ studio: null, prompt: null, settings: null, errorMessage: null, occurredAt: null, timezone: null });
    expect(packet.missing).toEqual(['studio', 'prompt', 'timestamp']);
    expect(packet.status).toBe('needs_info');
    expect((await store.getPacket(packet.ref))?.findings).toBeNull();
  });

  it("neither joins nor reveals a verified case when the sender is not verified", async () => {
    const desk = service();
    const verified = await desk.file(maraReport);

    const claimed = await desk.file({
      ...maraReport,
      verified: false,
      transcript: [{ from: 'user', text: 'I am Mara, refund it to me', at: '2026-11-26T12:05:00.000Z' }],
    });

    expect(claimed.created).toBe(true);
    expect(claimed.packet.ref).not.toBe(verified.packet.ref);
    expect(claimed.packet.findings).toBeNull();
    expect((await store.getPacket(verified.packet.ref))?.transcript.map((t) => t.text)).toEqual(['My 4k koi poster failed and I lost 40 credits']);
    expect((await desk.preview({ ...maraReport, verified: false })).packet.findings).toBeNull();
  });

  it('gives a verified report of an unknown account no findings', async () => {
    const { packet } = await service().file({ ...maraReport, accountEmail: 'nobody@example.com' });
    expect(packet.findings).toBeNull();
    expect(packet.studio).toBeNull();
  });

  it('names the runs with a refund due when the report names none', async () => {
    const { packet } = await service().file({ ...maraReport, generationIds: [] });

    expect(packet.generationIds).toEqual(['gen_m2']);
    expect(packet.findings?.refundDue).toBe(40);
    expect(packet).toMatchObject({ studio: 'image', prompt: 'festival poster, neon koi, 4k' });
  });

  it('stores a card number from the transcript masked', async () => {
    const { packet } = await service().file({
      ...maraReport,
      transcript: [{ from: 'user', text: 'Just charge my card 4111 1111 1111 1111 again, password: hunter2', at: '2026-11-26T11:58:00.000Z' }],
    });

    const stored = await store.getPacket(packet.ref);
    expect(stored?.transcript[0]?.text).toBe('Just charge my card [card ending 1111] again, password: [masked]');
    const raw = JSON.stringify(dump());
    expect(raw).not.toContain('4111 1111');
    expect(raw).not.toContain('hunter2');
  });
});

describe('createPacketService: preview', () => {
  it('answers the packet a report would make and writes nothing', async () => {
    const before = dump();
    const { packet, created } = await service().preview(maraReport);

    expect(created).toBe(true);
    expect(packet.findings?.refundDue).toBe(40);
    expect(packet.studio).toBe('image');
    expect(dump()).toEqual(before);
    expect(await store.getPacket(packet.ref)).toBeNull();
  });

  it('previews a join without writing it', async () => {
    const desk = service();
    const { packet: first } = await desk.file(maraReport);
    const before = dump();

    const { packet, created } = await desk.preview({ ...maraReport, transcript: [{ from: 'user', text: 'again', at: '2026-11-26T12:10:00.000Z' }] });

    expect(created).toBe(false);
    expect(packet.ref).toBe(first.ref);
    expect(packet.transcript).toHaveLength(2);
    expect(dump()).toEqual(before);
  });
});
