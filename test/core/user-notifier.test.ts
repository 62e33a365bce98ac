import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../../adapters/db/open-sqlite.ts';
import { samplePacket } from '../support/sample-packet.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import { createUserNotifier } from '../../src/core/user-notifier.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const HOUR = 60 * 60 * 1000;

const packet = (channel: Packet['channel'], ref = 'PKT-NOTIFY1'): Packet =>
  samplePacket({ ref, channel, generationIds: ['gen_maya_video'], stepsTried: ['retry'] });

describe('user notifier', () => {
  let dir: string;
  let handle: SqliteHandle;
  let store: SupportStore;
  let now = T0;
  let n = 0;
  const notifier = () => createUserNotifier({ store, now: () => now, newId: (p) => `${p}_${++n}`, ttlMs: 24 * HOUR });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'notify-'));
    handle = openSqlite(join(dir, 'desk.db'));
    store = createDrizzleSupportStore(handle);
    now = T0;
    await store.createConversation(
      {
        id: 'conv_1',
        channel: 'widget',
        ownerEmail: 'maya@example.com',
        ownerToken: null,
        state: 'handed_off',
        snapshot: {},
        packetRef: 'PKT-NOTIFY1',
        version: 0,
        createdAt: T0,
        updatedAt: T0,
        expiresAt: T0 + 24 * HOUR,
      },
      [{ id: 'm1', from: 'bot', text: 'Sent! Your reference is PKT-NOTIFY1', at: T0 }],
    );
  });
  afterEach(() => {
    handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes into the widget conversation while it is kept, signed by the staff member', async () => {
    now = T0 + HOUR;
    const route = await notifier().notify(packet('widget'), { topic: 'refund', text: 'We refunded 40 credits.', from: 'Dana', key: 'refund' });
    expect(route).toBe('widget');
    const messages = await store.listMessages('conv_1');
    expect(messages.at(-1)).toMatchObject({ from: 'agent', text: 'Dana: We refunded 40 credits.' });
    expect(await store.listOutbox()).toEqual([]);
  });

  it('falls back to email once the conversation has expired', async () => {
    await store.savePacket(packet('widget'), { outbox: [], audit: [], now });
    now = T0 + 25 * HOUR;
    const route = await notifier().notify(packet('widget'), { topic: 'question', text: 'Which resolution did you use?', key: 'q1' });
    expect(route).toBe('email');
    const [row] = await store.listOutbox();
    expect(row).toMatchObject({
      kind: 'email.reply',
      destination: 'maya@example.com',
      payload: { ref: 'PKT-NOTIFY1', topic: 'question', text: 'Which resolution did you use?' },
    });
    expect((await store.listMessages('conv_1')).map((m) => m.from)).toEqual(['bot']);
  });

  it('answers an email report by email, once per notice key', async () => {
    const p = packet('email', 'PKT-EMAIL01');
    await store.savePacket(p, { outbox: [], audit: [], now });
    const n1 = notifier();
    await n1.notify(p, { topic: 'reply', text: 'Thanks, we are on it.', key: 'reply-1' });
    await n1.notify(p, { topic: 'reply', text: 'Thanks, we are on it.', key: 'reply-1' });
    await n1.notify(p, { topic: 'resolved', text: 'Resolved.', key: 'resolved' });
    const rows = await store.listOutbox({ packetRef: 'PKT-EMAIL01' });
    expect(rows.map((r) => r.dedupeKey)).toEqual(['PKT-EMAIL01:notice:reply-1', 'PKT-EMAIL01:notice:resolved']);
  });

  it('has nowhere to send when the packet has no address and no conversation', async () => {
    const p = { ...packet('email', 'PKT-NOADDR1'), accountEmail: null };
    expect(await notifier().notify(p, { topic: 'reply', text: 'Hello', key: 'x' })).toBe('none');
    expect(await store.listOutbox()).toEqual([]);
  });
});
