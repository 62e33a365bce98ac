import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Packet } from '../../src/core/support-packet.ts';
import type { AuditEntry, ConversationRecord, OutboxItem, StoredMessage, SupportStore } from '../../src/core/support-store.ts';

/** Builds a fresh, empty implementation under test; `close` releases it. */
export type MakeSupportStore = () => Promise<{ store: SupportStore; close?: () => Promise<void> }>;

const T0 = Date.parse('2026-11-26T12:00:00Z');
const HOUR_MS = 60 * 60 * 1000;

function conversation(id: string, overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id,
    channel: 'widget',
    ownerEmail: 'mara.klein@example.com',
    ownerToken: null,
    state: 'greeting',
    snapshot: { value: 'greeting', context: { studio: null, steps: [] } },
    packetRef: null,
    version: 0,
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 24 * HOUR_MS,
    ...overrides,
  };
}

function message(id: string, from: StoredMessage['from'], text: string, at: number, options?: StoredMessage['options']): StoredMessage {
  return { id, from, text, at, ...(options && { options }) };
}

/** A complete packet with findings, so that nested JSON has to survive the round trip. */
function packet(ref: string, overrides: Partial<Packet> = {}): Packet {
  return {
    ref,
    channel: 'widget',
    accountEmail: 'Mara.Klein@Example.com',
    verified: true,
    studio: 'image',
    prompt: 'festival poster, neon koi, 4k',
    settings: { resolution: '4k', referenceImages: 1 },
    errorMessage: 'Generation failed: the renderer timed out. Please try again.',
    occurredAt: '2026-11-20T13:05:00.000Z',
    timezone: 'Europe/Berlin',
    generationIds: ['gen_m4', 'gen_m2'],
    stepsTried: ['retry', 'checked_credits'],
    findings: {
      account: { id: 'acc_mara', email: 'mara.klein@example.com' },
      window: { from: '2026-10-27T12:00:00.000Z', to: '2026-11-26T12:00:00.000Z' },
      now: '2026-11-26T12:00:00.000Z',
      balance: 420,
      runs: [
        {
          generationId: 'gen_m2',
          studio: 'image',
          status: 'failed',
          createdAt: '2026-11-20T14:05:00+01:00',
          finishedAt: '2026-11-20T14:15:03+01:00',
          error: { code: 'upstream_timeout', message: 'Generation failed: the renderer timed out. Please try again.' },
          stuck: false,
          charged: 40,
          refunded: 0,
          outstanding: 40,
          chargeEvidence: 'linked',
          verdict: 'refund_due',
          spendIds: ['led_m_s2'],
          refundIds: [],
        },
      ],
      otherSpends: [{ ledgerId: 'led_m_s3', amount: -24, createdAt: '2026-11-10T16:20:00+01:00', generationId: null, studio: null }],
      totals: { refundDue: 40, failedRuns: 1, stuckRuns: 0 },
      refundDue: 40,
    },
    missing: [],
    transcript: [{ from: 'user', text: 'My 4k poster failed and I was charged 40 credits.', at: '2026-11-26T11:58:00.000Z' }],
    status: 'open',
    createdAt: '2026-11-26T12:00:00.000Z',
    ...overrides,
  };
}

function delivery(id: string, packetRef: string, dedupeKey: string, overrides: Partial<OutboxItem> = {}): OutboxItem {
  return { id, kind: 'slack.packet', destination: '#support', payload: { ref: packetRef }, dedupeKey, packetRef, ...overrides };
}

function audit(packetRef: string | null, action: string, at: number, evidence: unknown = null): AuditEntry {
  return { at, actor: 'widget:mara.klein@example.com', action, packetRef, evidence };
}

/** Forces a value the types forbid, to make a write fail midway the way a schema check would. */
function invalid<T>(value: unknown): T {
  return value as T;
}

/**
 * The one suite every `SupportStore` implementation passes (support-store.ts, support-packet.md).
 * It speaks only the port, so that the same cases run on better-sqlite3 and on D1.
 */
export function supportStoreContract(name: string, make: MakeSupportStore): void {
  describe(`SupportStore contract: ${name}`, () => {
    let store: SupportStore;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close?.();
    });

    describe('conversations', () => {
      const opening = [
        message('msg_1', 'bot', 'Hi! What went wrong?', T0, [
          { id: 'failed', label: 'A run failed' },
          { id: 'credits', label: 'Credits look wrong' },
        ]),
        message('msg_2', 'user', 'My poster failed', T0 + 1000),
      ];

      it('creates a conversation with its messages and reads both back', async () => {
        const record = conversation('conv_1');
        await store.createConversation(record, opening);
        expect(await store.getConversation('conv_1')).toEqual(record);
        expect(await store.listMessages('conv_1')).toEqual(opening);
      });

      it('answers null and no messages for an unknown conversation', async () => {
        expect(await store.getConversation('conv_nobody')).toBeNull();
        expect(await store.listMessages('conv_nobody')).toEqual([]);
      });

      it('saves turns: messages appended in order, the version bumped, the rest updated', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        const first = await store.saveTurn(
          { id: 'conv_1', state: 'askStudio', snapshot: { value: 'askStudio' }, packetRef: null, updatedAt: T0 + 2000, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [message('msg_3', 'bot', 'Which studio?', T0 + 2000)],
        );
        expect(first).toEqual({ status: 'saved', version: 1 });
        const second = await store.saveTurn(
          { id: 'conv_1', state: 'done', snapshot: { value: 'done', context: { ref: 'PKT-ABC123' } }, packetRef: 'PKT-ABC123', updatedAt: T0 + 3000, expiresAt: T0 + 72 * HOUR_MS },
          1,
          [message('msg_4', 'user', 'Image', T0 + 3000), message('msg_5', 'bot', 'Filed as PKT-ABC123', T0 + 3001)],
        );
        expect(second).toEqual({ status: 'saved', version: 2 });

        expect(await store.getConversation('conv_1')).toEqual({
          ...conversation('conv_1'),
          state: 'done',
          snapshot: { value: 'done', context: { ref: 'PKT-ABC123' } },
          packetRef: 'PKT-ABC123',
          version: 2,
          updatedAt: T0 + 3000,
          expiresAt: T0 + 72 * HOUR_MS,
        });
        const texts = (await store.listMessages('conv_1')).map((m) => m.text);
        expect(texts).toEqual(['Hi! What went wrong?', 'My poster failed', 'Which studio?', 'Image', 'Filed as PKT-ABC123']);
      });

      it('gives a conversation’s hand-off to one claimant at its version until the turn is written or the lease lapses', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        expect(await store.claimHandOff('conv_1', 0, T0, 30_000)).toBe(true);
        expect(await store.claimHandOff('conv_1', 0, T0 + 10, 30_000)).toBe(false); // held
        expect(await store.claimHandOff('conv_1', 1, T0 + 40_000, 30_000)).toBe(false); // another version
        expect(await store.claimHandOff('conv_nobody', 0, T0, 30_000)).toBe(false);
        // The claimant died: the lease lapses and the hand-off can be taken again.
        expect(await store.claimHandOff('conv_1', 0, T0 + 30_000, 30_000)).toBe(true);
        // The turn's write lets it go; the next version's hand-off is free at once.
        const saved = await store.saveTurn(
          { id: 'conv_1', state: 'handed_off', snapshot: { value: 'handed_off' }, packetRef: 'PKT-ABC123', updatedAt: T0 + 30_001, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [],
        );
        expect(saved).toEqual({ status: 'saved', version: 1 });
        expect(await store.claimHandOff('conv_1', 0, T0 + 30_002, 30_000)).toBe(false);
        expect(await store.claimHandOff('conv_1', 1, T0 + 30_002, 30_000)).toBe(true);
      });

      it('appends staff messages after the last one without changing the version, and a turn still saves after them', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        await store.appendMessages('conv_1', [message('msg_a', 'agent', 'Refund approved', T0 + 1500)]);
        expect((await store.getConversation('conv_1'))?.version).toBe(0);
        const turn = await store.saveTurn(
          { id: 'conv_1', state: 'askStudio', snapshot: { value: 'askStudio' }, packetRef: null, updatedAt: T0 + 2000, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [message('msg_3', 'bot', 'Which studio?', T0 + 2000)],
        );
        expect(turn).toEqual({ status: 'saved', version: 1 });
        const listed = await store.listMessages('conv_1');
        expect(listed.map((m) => [m.from, m.text])).toEqual([
          ['bot', 'Hi! What went wrong?'],
          ['user', 'My poster failed'],
          ['agent', 'Refund approved'],
          ['bot', 'Which studio?'],
        ]);
      });

      it('keeps a conversation’s language: set once by a guess, changed only when asked, through turns', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        expect(await store.setConversationLocale('conv_1', 'fr', { onlyIfUnset: true })).toBe('fr');
        // A second guess finds it set and leaves it.
        expect(await store.setConversationLocale('conv_1', 'es', { onlyIfUnset: true })).toBe('fr');
        await store.saveTurn(
          { id: 'conv_1', state: 'retry', snapshot: { value: 'retry' }, packetRef: null, updatedAt: T0 + 2000, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [],
        );
        expect((await store.getConversation('conv_1'))?.locale).toBe('fr');
        expect(await store.setConversationLocale('conv_1', 'de', { onlyIfUnset: false })).toBe('de');
        expect((await store.getConversation('conv_1'))?.locale).toBe('de');
        // A conversation created with its language reads back with it.
        await store.createConversation({ ...conversation('conv_2'), locale: 'pt' }, []);
        expect((await store.getConversation('conv_2'))?.locale).toBe('pt');
        expect(await store.setConversationLocale('conv_nobody', 'fr', { onlyIfUnset: false })).toBeNull();
      });

      it('lists the messages after one of them, in order, a staff author kept; all of them from null or an id not its own', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        await store.createConversation(conversation('conv_2'), [message('msg_other', 'bot', 'Hi', T0)]);
        const reply = { ...message('msg_a', 'agent', 'Dana: We refunded it', T0 + 1500), author: 'Dana' };
        await store.appendMessages('conv_1', [reply]);
        expect(await store.listMessagesAfter('conv_1', 'msg_1')).toEqual([opening[1], reply]);
        expect(await store.listMessagesAfter('conv_1', 'msg_a')).toEqual([]);
        expect(await store.listMessagesAfter('conv_1', null)).toEqual([...opening, reply]);
        // Another conversation's id is no place to resume from.
        expect(await store.listMessagesAfter('conv_1', 'msg_other')).toEqual([...opening, reply]);
        expect(await store.listMessagesAfter('conv_nobody', null)).toEqual([]);
      });

      it('appends staff messages with their outbox rows, due at their own time, in one write', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        const later = { id: 'out_u1', kind: 'email.unread', destination: 'mara.klein@example.com', payload: { messageId: 'msg_a' }, dedupeKey: 'unread:msg_a', packetRef: 'PKT-ABC123', notBefore: T0 + 600_000 };
        await store.appendMessages('conv_1', [message('msg_a', 'agent', 'Refund approved', T0)], { outbox: [later], now: T0 });
        expect((await store.listMessages('conv_1')).at(-1)?.id).toBe('msg_a');
        expect(await store.listOutbox()).toMatchObject([{ id: 'out_u1', status: 'pending', nextAttemptAt: T0 + 600_000, createdAt: T0 }]);
        expect(await store.claimOutbox(T0 + 599_999, 10, 60_000)).toEqual([]);
        expect((await store.claimOutbox(T0 + 600_000, 10, 60_000)).map((r) => r.id)).toEqual(['out_u1']);
        // A message that cannot be written (its conversation is gone) takes its outbox row with it.
        const orphan = { ...later, id: 'out_u2', dedupeKey: 'unread:msg_b' };
        await expect(store.appendMessages('conv_gone', [message('msg_b', 'agent', 'x', T0)], { outbox: [orphan], now: T0 })).rejects.toThrow();
        expect((await store.listOutbox()).map((r) => r.id)).toEqual(['out_u1']);
      });

      it('keeps a read mark that only moves forward, per conversation', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        await store.createConversation(conversation('conv_2'), [message('msg_other', 'bot', 'Hi', T0)]);
        await store.appendMessages('conv_1', [message('msg_a', 'agent', 'Refund approved', T0 + 1500)]);
        expect(await store.isRead('conv_1', 'msg_1')).toBe(false);
        await store.markRead('conv_1', 'msg_2');
        expect([await store.isRead('conv_1', 'msg_1'), await store.isRead('conv_1', 'msg_2'), await store.isRead('conv_1', 'msg_a')]).toEqual([true, true, false]);
        await store.markRead('conv_1', 'msg_a');
        await store.markRead('conv_1', 'msg_1'); // an older fetch arriving late
        await store.markRead('conv_1', 'msg_other'); // not its message: nothing
        expect(await store.isRead('conv_1', 'msg_a')).toBe(true);
        expect(await store.isRead('conv_2', 'msg_other')).toBe(false);
        expect(await store.isRead('conv_1', 'msg_other')).toBe(false);
        expect(await store.isRead('conv_nobody', 'msg_1')).toBe(false);
        // The mark is no part of the conversation's record.
        expect(await store.getConversation('conv_1')).toEqual(conversation('conv_1'));
      });

      it('finds the conversation that handed off a packet', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        await store.createConversation(conversation('conv_2'), []);
        await store.saveTurn(
          { id: 'conv_2', state: 'handed_off', snapshot: { value: 'handed_off' }, packetRef: 'PKT-FIND01', updatedAt: T0 + 2000, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [],
        );
        expect((await store.findConversationByPacketRef('PKT-FIND01'))?.id).toBe('conv_2');
        expect(await store.findConversationByPacketRef('PKT-NONE00')).toBeNull();
      });

      it('refuses a turn written against a stale version and changes nothing', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        await store.saveTurn(
          { id: 'conv_1', state: 'askStudio', snapshot: { value: 'askStudio' }, packetRef: null, updatedAt: T0 + 2000, expiresAt: T0 + 48 * HOUR_MS },
          0,
          [message('msg_3', 'bot', 'Which studio?', T0 + 2000)],
        );
        const before = { record: await store.getConversation('conv_1'), messages: await store.listMessages('conv_1') };

        const stale = await store.saveTurn(
          { id: 'conv_1', state: 'done', snapshot: { value: 'done' }, packetRef: 'PKT-ZZZ999', updatedAt: T0 + 9000, expiresAt: T0 + 99 * HOUR_MS },
          0,
          [message('msg_x', 'user', 'from the other tab', T0 + 9000)],
        );

        expect(stale).toEqual({ status: 'conflict' });
        expect(await store.getConversation('conv_1')).toEqual(before.record);
        expect(await store.listMessages('conv_1')).toEqual(before.messages);
      });

      it('refuses a stale turn that carries no messages, too', async () => {
        await store.createConversation(conversation('conv_1', { version: 3 }), opening);
        const stale = await store.saveTurn(
          { id: 'conv_1', state: 'done', snapshot: { value: 'done' }, packetRef: null, updatedAt: T0 + 9000, expiresAt: T0 + 99 * HOUR_MS },
          2,
          [],
        );
        expect(stale).toEqual({ status: 'conflict' });
        expect(await store.getConversation('conv_1')).toMatchObject({ state: 'greeting', version: 3, snapshot: conversation('conv_1').snapshot });
      });

      it('lets exactly one of two concurrent turns on the same version through', async () => {
        await store.createConversation(conversation('conv_1'), opening);
        const turn = (tab: string) =>
          store.saveTurn(
            { id: 'conv_1', state: `state_${tab}`, snapshot: { tab }, packetRef: null, updatedAt: T0 + 5000, expiresAt: T0 + 48 * HOUR_MS },
            0,
            [message(`msg_${tab}_1`, 'user', `hello from ${tab}`, T0 + 5000), message(`msg_${tab}_2`, 'bot', `answer to ${tab}`, T0 + 5001)],
          );

        const results = await Promise.all([turn('a'), turn('b')]);

        expect(results.filter((r) => r.status === 'saved')).toEqual([{ status: 'saved', version: 1 }]);
        expect(results.filter((r) => r.status === 'conflict')).toHaveLength(1);
        const winner = results[0]?.status === 'saved' ? 'a' : 'b';
        const saved = await store.getConversation('conv_1');
        expect(saved).toMatchObject({ state: `state_${winner}`, snapshot: { tab: winner }, version: 1 });
        expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual([
          'Hi! What went wrong?',
          'My poster failed',
          `hello from ${winner}`,
          `answer to ${winner}`,
        ]);
      });

      it('deletes only the expired conversations, with their messages', async () => {
        const now = T0 + 10 * HOUR_MS;
        await store.createConversation(conversation('conv_old', { expiresAt: now - 1 }), [message('m_old', 'user', 'old', T0)]);
        await store.createConversation(conversation('conv_older', { expiresAt: now - HOUR_MS }), [message('m_older', 'user', 'older', T0)]);
        await store.createConversation(conversation('conv_edge', { expiresAt: now }), [message('m_edge', 'user', 'edge', T0)]);
        await store.createConversation(conversation('conv_live', { expiresAt: now + HOUR_MS }), [message('m_live', 'user', 'live', T0)]);

        expect(await store.deleteExpiredConversations(now)).toBe(2);

        expect(await store.getConversation('conv_old')).toBeNull();
        expect(await store.getConversation('conv_older')).toBeNull();
        expect(await store.listMessages('conv_old')).toEqual([]);
        expect(await store.listMessages('conv_older')).toEqual([]);
        expect(await store.getConversation('conv_edge')).not.toBeNull();
        expect((await store.listMessages('conv_live')).map((m) => m.text)).toEqual(['live']);
        expect(await store.deleteExpiredConversations(now)).toBe(0);

        // Nothing of the old conversation lingers: the same id starts afresh.
        await store.createConversation(conversation('conv_old'), [message('m_new', 'user', 'new', now)]);
        expect((await store.listMessages('conv_old')).map((m) => m.text)).toEqual(['new']);
      });

      it('deletes more expired conversations than one statement may bind', async () => {
        const now = T0 + 10 * HOUR_MS;
        for (let i = 0; i < 150; i++) {
          await store.createConversation(conversation(`conv_${i}`, { expiresAt: now - 1 - i }), [message(`m_${i}`, 'user', `text ${i}`, T0)]);
        }
        await store.createConversation(conversation('conv_live', { expiresAt: now + HOUR_MS }), []);

        expect(await store.deleteExpiredConversations(now)).toBe(150);
        expect(await store.getConversation('conv_149')).toBeNull();
        expect(await store.listMessages('conv_0')).toEqual([]);
        expect(await store.getConversation('conv_live')).not.toBeNull();
      });
    });

    describe('packets', () => {
      it('saves a new packet and reads it back exactly', async () => {
        const p = packet('PKT-ABC123');
        await store.savePacket(p, { outbox: [], audit: [], now: T0 });
        expect(await store.getPacket('PKT-ABC123')).toEqual(p);
        expect(await store.getPacket('PKT-NONE00')).toBeNull();
      });

      it('lists packets newest first, of the statuses asked for, at most the limit', async () => {
        const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
        await store.savePacket(packet('PKT-OLD001', { createdAt: at(0), generationIds: ['g1'] }), { outbox: [], audit: [], now: T0 });
        await store.savePacket(packet('PKT-NEW001', { createdAt: at(2), generationIds: ['g2'], status: 'refunded' }), { outbox: [], audit: [], now: T0 });
        await store.savePacket(packet('PKT-MID001', { createdAt: at(1), generationIds: ['g3'], status: 'needs_info' }), { outbox: [], audit: [], now: T0 });
        const refs = (list: Packet[]) => list.map((p) => p.ref);
        expect(refs(await store.listPackets({ limit: 10 }))).toEqual(['PKT-NEW001', 'PKT-MID001', 'PKT-OLD001']);
        expect(refs(await store.listPackets({ limit: 2 }))).toEqual(['PKT-NEW001', 'PKT-MID001']);
        expect(refs(await store.listPackets({ statuses: ['open', 'needs_info'], limit: 10 }))).toEqual(['PKT-MID001', 'PKT-OLD001']);
        expect(refs(await store.listPackets({ statuses: ['resolved'], limit: 10 }))).toEqual([]);
        expect(await store.listPackets({ statuses: ['refunded'], limit: 10 })).toEqual([packet('PKT-NEW001', { createdAt: at(2), generationIds: ['g2'], status: 'refunded' })]);
      });

      it('finds a packet by its case: the lowercase account and the sorted runs', async () => {
        const p = packet('PKT-ABC123');
        await store.savePacket(p, { outbox: [], audit: [], now: T0 });
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2,gen_m4')).toEqual(p);
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2')).toBeNull();
        expect(await store.findPacketByCase('theo.baptiste@example.org', 'gen_m2,gen_m4')).toBeNull();
      });

      it('never matches a packet without an account or without runs by the empty key', async () => {
        await store.savePacket(packet('PKT-ANON01', { accountEmail: null, verified: false, findings: null }), { outbox: [], audit: [], now: T0 });
        await store.savePacket(packet('PKT-NORUN1', { generationIds: [] }), { outbox: [], audit: [], now: T0 });
        expect(await store.findPacketByCase('', 'gen_m2,gen_m4')).toBeNull();
        expect(await store.findPacketByCase('mara.klein@example.com', '')).toBeNull();
      });

      it("keeps an unverified sender's packet out of the account's case", async () => {
        const claimed = packet('PKT-CLAIM1', { verified: false, findings: null });
        await store.savePacket(claimed, { outbox: [], audit: [], now: T0 });
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2,gen_m4')).toBeNull();

        // The verified packet of the same runs is saved beside it, and is the case.
        const verified = packet('PKT-VERIF1');
        await store.savePacket(verified, { outbox: [], audit: [], now: T0 + 1000 });
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2,gen_m4')).toEqual(verified);
        expect(await store.getPacket('PKT-CLAIM1')).toEqual(claimed);
      });

      it('refuses a second packet of the same case under another ref', async () => {
        await store.savePacket(packet('PKT-FIRST1'), { outbox: [delivery('out_1', 'PKT-FIRST1', 'PKT-FIRST1:slack')], audit: [], now: T0 });
        const duplicate = store.savePacket(packet('PKT-DUPLI1', { accountEmail: 'MARA.KLEIN@example.com', generationIds: ['gen_m2', 'gen_m4'] }), {
          outbox: [delivery('out_2', 'PKT-DUPLI1', 'PKT-DUPLI1:slack')],
          audit: [audit('PKT-DUPLI1', 'packet.created', T0)],
          now: T0,
        });
        await expect(duplicate).rejects.toThrow();
        expect(await store.getPacket('PKT-DUPLI1')).toBeNull();
        expect(await store.listOutbox({ packetRef: 'PKT-DUPLI1' })).toEqual([]);
        expect(await store.listAudit('PKT-DUPLI1')).toEqual([]);
      });

      it('replaces the data when the same ref is saved again', async () => {
        await store.savePacket(packet('PKT-ABC123'), { outbox: [], audit: [], now: T0 });
        const updated = packet('PKT-ABC123', {
          status: 'refunded',
          stepsTried: ['retry', 'simplify', 'checked_credits'],
          transcript: [
            ...packet('PKT-ABC123').transcript,
            { from: 'user', text: 'Still waiting for the credits', at: '2026-11-26T14:00:00.000Z' },
          ],
        });
        await store.savePacket(updated, { outbox: [], audit: [], now: T0 + HOUR_MS });

        expect(await store.getPacket('PKT-ABC123')).toEqual(updated);
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2,gen_m4')).toEqual(updated);
      });

      it('writes the outbox rows with the packet, pending and due at once', async () => {
        const items = [
          delivery('out_1', 'PKT-ABC123', 'PKT-ABC123:slack'),
          delivery('out_2', 'PKT-ABC123', 'PKT-ABC123:email', { kind: 'email.packet', destination: 'support@prismposter.test', payload: { ref: 'PKT-ABC123', subject: 'Refund due: 40 credits', to: ['a', 'b'] } }),
        ];
        await store.savePacket(packet('PKT-ABC123'), { outbox: items, audit: [], now: T0 });

        const rows = await store.listOutbox({ packetRef: 'PKT-ABC123' });
        expect([...rows].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
          items.map((item) => ({
            ...item,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: T0,
            lastError: null,
            externalId: null,
            createdAt: T0,
            deliveredAt: null,
          })),
        );
      });

      it('keeps the existing outbox row when a dedupe key is queued again', async () => {
        await store.savePacket(packet('PKT-ABC123'), { outbox: [delivery('out_1', 'PKT-ABC123', 'PKT-ABC123:slack')], audit: [], now: T0 });
        await store.savePacket(packet('PKT-ABC123', { status: 'refunded' }), {
          outbox: [
            delivery('out_again', 'PKT-ABC123', 'PKT-ABC123:slack', { payload: { ref: 'PKT-ABC123', version: 2 } }),
            delivery('out_update', 'PKT-ABC123', 'PKT-ABC123:slack:update:1', { kind: 'slack.packet_update' }),
          ],
          audit: [],
          now: T0 + 1000,
        });

        const rows = await store.listOutbox({ packetRef: 'PKT-ABC123' });
        expect(rows.map((r) => r.id).sort()).toEqual(['out_1', 'out_update']);
        expect(rows.find((r) => r.dedupeKey === 'PKT-ABC123:slack')).toMatchObject({ id: 'out_1', payload: { ref: 'PKT-ABC123' }, createdAt: T0 });
        expect((await store.getPacket('PKT-ABC123'))?.status).toBe('refunded');
      });

      it('writes the audit entries with the packet', async () => {
        await store.savePacket(packet('PKT-ABC123'), {
          outbox: [],
          audit: [audit('PKT-ABC123', 'packet.created', T0, { missing: [], refundDue: 40 })],
          now: T0,
        });
        const entries = await store.listAudit('PKT-ABC123');
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject(audit('PKT-ABC123', 'packet.created', T0, { missing: [], refundDue: 40 }));
      });

      it('writes nothing when an audit entry of the save is refused', async () => {
        const result = store.savePacket(packet('PKT-ABC123'), {
          outbox: [delivery('out_1', 'PKT-ABC123', 'PKT-ABC123:slack')],
          audit: [audit('PKT-ABC123', 'packet.created', T0), { ...audit('PKT-ABC123', 'packet.noted', T0), actor: invalid<string>(null) }],
          now: T0,
        });
        await expect(result).rejects.toThrow();

        expect(await store.getPacket('PKT-ABC123')).toBeNull();
        expect(await store.findPacketByCase('mara.klein@example.com', 'gen_m2,gen_m4')).toBeNull();
        expect(await store.listOutbox({ packetRef: 'PKT-ABC123' })).toEqual([]);
        expect(await store.listAudit('PKT-ABC123')).toEqual([]);
        expect(await store.outboxBacklog(T0)).toMatchObject({ pending: 0 });
      });

      it('writes nothing when an outbox row of the save is refused', async () => {
        const result = store.savePacket(packet('PKT-ABC123'), {
          outbox: [delivery('out_1', 'PKT-ABC123', 'PKT-ABC123:slack'), delivery('out_2', 'PKT-ABC123', 'PKT-ABC123:email', { kind: invalid<string>(null) })],
          audit: [audit('PKT-ABC123', 'packet.created', T0)],
          now: T0,
        });
        await expect(result).rejects.toThrow();

        expect(await store.getPacket('PKT-ABC123')).toBeNull();
        expect(await store.listOutbox()).toEqual([]);
        expect(await store.listAudit('PKT-ABC123')).toEqual([]);
      });

      it('keeps the previous version of a packet when its update is refused', async () => {
        const first = packet('PKT-ABC123');
        await store.savePacket(first, { outbox: [delivery('out_1', 'PKT-ABC123', 'PKT-ABC123:slack')], audit: [], now: T0 });
        const result = store.savePacket(packet('PKT-ABC123', { status: 'resolved' }), {
          outbox: [delivery('out_2', 'PKT-ABC123', 'PKT-ABC123:slack:update', { kind: 'slack.packet_update' })],
          audit: [{ ...audit('PKT-ABC123', 'packet.resolved', T0), action: invalid<string>(null) }],
          now: T0 + 1000,
        });
        await expect(result).rejects.toThrow();

        expect(await store.getPacket('PKT-ABC123')).toEqual(first);
        expect((await store.listOutbox({ packetRef: 'PKT-ABC123' })).map((r) => r.id)).toEqual(['out_1']);
      });
    });

    describe('outbox', () => {
      /** Queues one delivery for its own packet; rows are due from the `now` of their save. */
      async function queue(id: string, dueAt: number): Promise<void> {
        const ref = `PKT-${id.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(6, '0').slice(0, 10)}`;
        await store.savePacket(packet(ref, { generationIds: [`gen_${id}`] }), { outbox: [delivery(id, ref, `${ref}:slack`)], audit: [], now: dueAt });
      }

      it('claims due pending rows only, oldest due first', async () => {
        await queue('out_b', T0 - 1000);
        await queue('out_future', T0 + 60_000);
        await queue('out_a', T0 - 2000);
        await queue('out_c', T0);

        const claimed = await store.claimOutbox(T0, 10, 30_000);
        expect(claimed.map((r) => r.id)).toEqual(['out_a', 'out_b', 'out_c']);
        expect(claimed.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
      });

      it('claims no more than the limit, the oldest first', async () => {
        await queue('out_c', T0 - 1000);
        await queue('out_a', T0 - 3000);
        await queue('out_b', T0 - 2000);

        expect((await store.claimOutbox(T0, 2, 30_000)).map((r) => r.id)).toEqual(['out_a', 'out_b']);
        expect((await store.claimOutbox(T0, 2, 30_000)).map((r) => r.id)).toEqual(['out_c']);
      });

      it('holds a claimed row for its lease, then lets it be claimed again', async () => {
        await queue('out_a', T0);
        expect((await store.claimOutbox(T0, 10, 30_000)).map((r) => r.id)).toEqual(['out_a']);

        expect(await store.claimOutbox(T0 + 1000, 10, 30_000)).toEqual([]);
        expect(await store.claimOutbox(T0 + 29_999, 10, 30_000)).toEqual([]);

        const again = await store.claimOutbox(T0 + 30_001, 10, 30_000);
        expect(again.map((r) => [r.id, r.attempts])).toEqual([['out_a', 2]]);
        expect((await store.listOutbox()).map((r) => r.attempts)).toEqual([2]);
      });

      it('never hands out a delivered row again', async () => {
        await queue('out_a', T0);
        await store.claimOutbox(T0, 10, 30_000);
        await store.markDelivered('out_a', '1732622400.000100', T0 + 500);

        expect(await store.claimOutbox(T0 + 10 * HOUR_MS, 10, 30_000)).toEqual([]);
        expect(await store.listOutbox()).toEqual([
          expect.objectContaining({ id: 'out_a', status: 'delivered', externalId: '1732622400.000100', deliveredAt: T0 + 500, attempts: 1 }),
        ]);
        expect(await store.outboxBacklog(T0 + 10 * HOUR_MS)).toEqual({ pending: 0, due: 0, dead: 0, oldestPendingAt: null });
      });

      it('defers a failed row to its retry time', async () => {
        await queue('out_a', T0);
        await store.claimOutbox(T0, 10, 30_000);
        await store.markFailed('out_a', 'slack: channel_not_found', T0 + 60_000);

        expect(await store.claimOutbox(T0 + 1000, 10, 30_000)).toEqual([]);
        expect(await store.outboxBacklog(T0 + 1000)).toMatchObject({ pending: 1, due: 0, dead: 0 });
        const retried = await store.claimOutbox(T0 + 60_000, 10, 30_000);
        expect(retried).toEqual([
          expect.objectContaining({ id: 'out_a', attempts: 2, lastError: 'slack: channel_not_found', nextAttemptAt: T0 + 60_000 }),
        ]);
      });

      it('marks a row that failed for good as dead, never to be claimed', async () => {
        await queue('out_a', T0);
        await store.claimOutbox(T0, 10, 30_000);
        await store.markFailed('out_a', 'smtp: 550 no such user', null);

        expect(await store.claimOutbox(T0 + 10 * HOUR_MS, 10, 30_000)).toEqual([]);
        expect(await store.listOutbox()).toEqual([expect.objectContaining({ id: 'out_a', status: 'dead', lastError: 'smtp: 550 no such user' })]);
      });

      it('counts the backlog: pending, due, dead and the oldest pending row', async () => {
        expect(await store.outboxBacklog(T0)).toEqual({ pending: 0, due: 0, dead: 0, oldestPendingAt: null });
        await queue('out_dead', T0 - 9000);
        await queue('out_retry', T0 - 7000);
        await queue('out_a', T0 - 5000);
        await queue('out_b', T0 - 1000);
        await queue('out_later', T0 + 60_000);
        expect((await store.claimOutbox(T0 - 9000, 1, 1000)).map((r) => r.id)).toEqual(['out_dead']);
        await store.markFailed('out_dead', 'gone', null);
        expect((await store.claimOutbox(T0 - 7000, 1, 1000)).map((r) => r.id)).toEqual(['out_retry']);
        await store.markFailed('out_retry', 'timeout', T0 + 5000);

        // The oldest pending row is the one queued first, however far its retry was pushed back.
        expect(await store.outboxBacklog(T0)).toEqual({ pending: 4, due: 2, dead: 1, oldestPendingAt: T0 - 7000 });
        expect(await store.outboxBacklog(T0 + 5000)).toEqual({ pending: 4, due: 3, dead: 1, oldestPendingAt: T0 - 7000 });
      });

      it('lists the outbox of one packet, or all of it', async () => {
        await store.savePacket(packet('PKT-AAAAAA', { generationIds: ['gen_1'] }), {
          outbox: [delivery('out_1', 'PKT-AAAAAA', 'PKT-AAAAAA:slack'), delivery('out_2', 'PKT-AAAAAA', 'PKT-AAAAAA:email', { kind: 'email.packet' })],
          audit: [],
          now: T0,
        });
        await store.savePacket(packet('PKT-BBBBBB', { generationIds: ['gen_2'] }), {
          outbox: [delivery('out_3', 'PKT-BBBBBB', 'PKT-BBBBBB:slack')],
          audit: [],
          now: T0 + 1000,
        });

        expect((await store.listOutbox({ packetRef: 'PKT-AAAAAA' })).map((r) => r.id).sort()).toEqual(['out_1', 'out_2']);
        expect((await store.listOutbox({ packetRef: 'PKT-BBBBBB' })).map((r) => r.id)).toEqual(['out_3']);
        expect((await store.listOutbox()).map((r) => r.id).sort()).toEqual(['out_1', 'out_2', 'out_3']);
        expect(await store.listOutbox({ packetRef: 'PKT-NONE00' })).toEqual([]);
      });
    });

    describe('audit', () => {
      it("lists a packet's entries in the order they were written, evidence intact", async () => {
        const evidence = {
          findings: { refundDue: 40, runs: [{ generationId: 'gen_m2', verdict: 'refund_due', stuck: false }] },
          missing: ['timestamp'],
          note: 'Ünïcode “quoted” ✓',
          nothing: null,
        };
        await store.appendAudit(audit('PKT-ABC123', 'packet.created', T0, evidence));
        await store.appendAudit(audit('PKT-OTHER1', 'packet.created', T0 + 1));
        await store.appendAudit(audit('PKT-ABC123', 'refund.issued', T0 + 2, { amount: 40, ledgerId: 'led_9' }));
        await store.appendAudit(audit('PKT-ABC123', 'packet.resolved', T0 + 3, 'closed by agent'));

        const entries = await store.listAudit('PKT-ABC123');
        expect(entries.map((e) => e.action)).toEqual(['packet.created', 'refund.issued', 'packet.resolved']);
        expect(entries.map(({ id: _id, ...entry }) => entry)).toEqual([
          audit('PKT-ABC123', 'packet.created', T0, evidence),
          audit('PKT-ABC123', 'refund.issued', T0 + 2, { amount: 40, ledgerId: 'led_9' }),
          audit('PKT-ABC123', 'packet.resolved', T0 + 3, 'closed by agent'),
        ]);
        const ids = entries.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(3);
        expect(await store.listAudit('PKT-NONE00')).toEqual([]);
      });
    });
  });
}
