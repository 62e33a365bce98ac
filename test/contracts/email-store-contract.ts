import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxItem, SupportStore } from '../../src/core/support-store.ts';
import type { DeadLetter, EmailStore, ProcessedMessage } from '../../src/email/email-store.ts';
import { samplePacket } from '../support/sample-packet.ts';

/**
 * Builds a fresh, empty implementation under test, with the support store over the same database
 * (a message is filed together with its packet); `close` releases it.
 */
export type MakeEmailStore = () => Promise<{ store: EmailStore; supportStore: SupportStore; close?: () => Promise<void> }>;

const T0 = Date.parse('2026-11-21T09:00:00Z');

function letter(id: string, receivedAt: number, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id,
    messageId: null,
    sender: null,
    reason: 'unparseable',
    detail: 'the message could not be parsed',
    size: 12,
    rawBase64: 'RnJvbTogYQ0K',
    rawTruncated: false,
    receivedAt,
    ...overrides,
  };
}

/** A settled message (accepted unless told otherwise). */
function settled(messageId: string, overrides: Partial<ProcessedMessage> = {}): ProcessedMessage {
  return { messageId, sender: 'maya@example.com', status: 'accepted', reason: null, packetRef: null, autoReplied: false, receivedAt: T0, finishedAt: T0 + 5, ...overrides };
}

function delivery(id: string, packetRef: string, overrides: Partial<OutboxItem> = {}): OutboxItem {
  return { id, kind: 'email.auto_reply', destination: 'maya@example.com', payload: { ref: packetRef }, dedupeKey: `${packetRef}:${id}`, packetRef, ...overrides };
}

/** The one suite every `EmailStore` implementation passes (email-store.ts). */
export function emailStoreContract(name: string, make: MakeEmailStore): void {
  describe(`EmailStore contract: ${name}`, () => {
    let store: EmailStore;
    let supportStore: SupportStore;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, supportStore, close } = await make());
    });
    afterEach(async () => {
      await close?.();
    });

    it('records a Message-ID once: a second record is a duplicate that shows the first and writes nothing', async () => {
      expect(await store.recordMessage(settled('<a@x>', { status: 'ignored', reason: 'auto_submitted', sender: 'maya@example.com' }))).toEqual({ status: 'recorded' });
      const again = await store.recordMessage(settled('<a@x>', { status: 'ignored', reason: 'own_address', receivedAt: T0 + 50, finishedAt: T0 + 60 }));
      const first = { messageId: '<a@x>', sender: 'maya@example.com', status: 'ignored', reason: 'auto_submitted', packetRef: null, autoReplied: false, receivedAt: T0, finishedAt: T0 + 5 };
      expect(again).toEqual({ status: 'duplicate', message: first });
      expect(await store.getMessage('<a@x>')).toEqual(first);
      expect(await store.getMessage('<none@x>')).toBeNull();
    });

    it('files a message with its packet, the deliveries and the audit entry in one write', async () => {
      const packet = samplePacket({ ref: 'PKT-FILED1', channel: 'email' });
      const written = await store.fileMessage(settled('<f@x>', { packetRef: packet.ref, autoReplied: true, finishedAt: T0 + 7 }), packet, {
        outbox: [delivery('out_1', packet.ref, { kind: 'email.packet', destination: 'triage@example.com' }), delivery('out_2', packet.ref)],
        audit: [{ at: T0 + 7, actor: 'email:maya@example.com', action: 'packet.created', packetRef: packet.ref, evidence: { messageId: '<f@x>' } }],
        now: T0 + 7,
      });
      expect(written).toEqual({ status: 'recorded' });
      expect(await store.getMessage('<f@x>')).toEqual(settled('<f@x>', { packetRef: 'PKT-FILED1', autoReplied: true, finishedAt: T0 + 7 }));
      expect(await supportStore.getPacket('PKT-FILED1')).toEqual(packet);
      expect((await supportStore.listOutbox({ packetRef: 'PKT-FILED1' })).map((r) => [r.id, r.kind, r.status, r.nextAttemptAt])).toEqual([
        ['out_1', 'email.packet', 'pending', T0 + 7],
        ['out_2', 'email.auto_reply', 'pending', T0 + 7],
      ]);
      expect(await supportStore.listAudit('PKT-FILED1')).toMatchObject([{ action: 'packet.created', evidence: { messageId: '<f@x>' } }]);
      expect(await store.listThread('PKT-FILED1')).toMatchObject([{ messageId: '<f@x>' }]);

      // Another message joining the packet updates it; a queued delivery's key is not queued twice.
      const joined = { ...packet, stepsTried: ['retry' as const] };
      const reply = settled('<f2@x>', { packetRef: packet.ref, receivedAt: T0 + 9, finishedAt: T0 + 9 });
      await store.fileMessage(reply, joined, { outbox: [delivery('out_3', packet.ref, { dedupeKey: `${packet.ref}:out_2` })], audit: [], now: T0 + 9 });
      expect(await supportStore.getPacket('PKT-FILED1')).toEqual(joined);
      expect((await supportStore.listOutbox({ packetRef: 'PKT-FILED1' })).map((r) => r.id)).toEqual(['out_1', 'out_2']);
      expect((await store.listThread('PKT-FILED1')).map((m) => m.messageId)).toEqual(['<f@x>', '<f2@x>']);
    });

    it('a message filed already is a duplicate: its second delivery writes neither packet nor deliveries', async () => {
      const packet = samplePacket({ ref: 'PKT-FIRST1', channel: 'email' });
      await store.fileMessage(settled('<h@x>', { packetRef: packet.ref }), packet, { outbox: [delivery('out_1', packet.ref)], audit: [], now: T0 });
      // The second delivery worked the message out at the same time and made a packet of its own.
      const second = samplePacket({ ref: 'PKT-SECND1', channel: 'email', generationIds: ['gen_other'] });
      const audit = [{ at: T0 + 1, actor: 'email:maya@example.com', action: 'packet.created', packetRef: second.ref, evidence: null }];
      const written = await store.fileMessage(settled('<h@x>', { packetRef: second.ref, finishedAt: T0 + 1 }), second, { outbox: [delivery('out_2', second.ref)], audit, now: T0 + 1 });
      expect(written).toEqual({ status: 'duplicate', message: settled('<h@x>', { packetRef: 'PKT-FIRST1' }) });
      expect(await supportStore.getPacket('PKT-SECND1')).toBeNull();
      expect((await supportStore.listOutbox()).map((r) => r.id)).toEqual(['out_1']);
      expect(await supportStore.listAudit('PKT-SECND1')).toEqual([]);
    });

    it('of many deliveries of one message filed at once, exactly one writes', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => {
          const packet = samplePacket({ ref: `PKT-RACE0${i}`, channel: 'email', generationIds: [`gen_race_${i}`] });
          return store.fileMessage(settled('<c@x>', { packetRef: packet.ref }), packet, { outbox: [delivery(`out_${i}`, packet.ref)], audit: [], now: T0 });
        }),
      );
      expect(results.filter((r) => r.status === 'recorded')).toHaveLength(1);
      const winner = (await store.getMessage('<c@x>'))?.packetRef;
      for (const result of results) if (result.status === 'duplicate') expect(result.message.packetRef).toBe(winner);
      expect((await supportStore.listOutbox()).map((r) => r.packetRef)).toEqual([winner]);
    });

    it('writes nothing, and leaves the message unsettled, when a part of the write is refused', async () => {
      const taken = samplePacket({ ref: 'PKT-TAKEN1', generationIds: ['gen_1'] });
      await supportStore.savePacket(taken, { outbox: [], audit: [], now: T0 });
      // Another packet of the same case (account and runs) loses to the one already written.
      const sameCase = samplePacket({ ref: 'PKT-LOSER1', generationIds: ['gen_1'] });
      await expect(store.fileMessage(settled('<g@x>', { packetRef: sameCase.ref }), sameCase, { outbox: [delivery('out_1', sameCase.ref)], audit: [], now: T0 + 1 })).rejects.toThrow();
      // An outbox row the schema refuses.
      const fresh = samplePacket({ ref: 'PKT-FRESH1' });
      const refused = delivery('out_2', fresh.ref, { kind: null as unknown as string });
      await expect(store.fileMessage(settled('<g@x>', { packetRef: fresh.ref }), fresh, { outbox: [delivery('out_3', fresh.ref), refused], audit: [], now: T0 + 2 })).rejects.toThrow();

      expect(await store.getMessage('<g@x>')).toBeNull();
      expect(await supportStore.getPacket('PKT-LOSER1')).toBeNull();
      expect(await supportStore.getPacket('PKT-FRESH1')).toBeNull();
      expect(await supportStore.listOutbox()).toEqual([]);
      expect(await supportStore.getPacket('PKT-TAKEN1')).toEqual(taken);
      // The redelivery files it.
      expect(await store.fileMessage(settled('<g@x>', { packetRef: fresh.ref }), fresh, { outbox: [delivery('out_3', fresh.ref)], audit: [], now: T0 + 3 })).toEqual({ status: 'recorded' });
    });

    it('lists the thread of a packet oldest first and counts auto-replies per sender', async () => {
      for (const [id, at, replied] of [['<t2@x>', T0 + 2000, false], ['<t1@x>', T0 + 1000, true], ['<t3@x>', T0 + 3000, true]] as const) {
        const packet = samplePacket({ ref: 'PKT-THREAD01', channel: 'email' });
        await store.fileMessage(settled(id, { sender: 'sam@example.com', packetRef: packet.ref, autoReplied: replied, receivedAt: at, finishedAt: at }), packet, { outbox: [], audit: [], now: at });
      }
      expect((await store.listThread('PKT-THREAD01')).map((m) => m.messageId)).toEqual(['<t1@x>', '<t2@x>', '<t3@x>']);
      expect(await store.listThread('PKT-OTHER001')).toEqual([]);
      expect(await store.countAutoReplies('sam@example.com', T0)).toBe(2);
      expect(await store.countAutoReplies('sam@example.com', T0 + 1500)).toBe(1);
      expect(await store.countAutoReplies('maya@example.com', T0)).toBe(0);
    });

    it('keeps dead letters with their reason, newest first', async () => {
      await store.addDeadLetter(letter('dl_1', T0));
      await store.addDeadLetter(letter('dl_2', T0 + 1, { reason: 'too_large', rawBase64: null, rawTruncated: true, size: 30_000_000 }));
      const letters = await store.listDeadLetters();
      expect(letters.map((l) => [l.id, l.reason])).toEqual([
        ['dl_2', 'too_large'],
        ['dl_1', 'unparseable'],
      ]);
      expect(letters[1]).toEqual(letter('dl_1', T0));
      expect(await store.listDeadLetters(1)).toHaveLength(1);
    });
  });
}
