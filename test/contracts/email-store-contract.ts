import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter, EmailStore } from '../../src/email/email-store.ts';

/** Builds a fresh, empty implementation under test; `close` releases it. */
export type MakeEmailStore = () => Promise<{ store: EmailStore; close?: () => Promise<void> }>;

const T0 = Date.parse('2026-11-21T09:00:00Z');
const LEASE = 60_000;

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

/** The one suite every `EmailStore` implementation passes (email-store.ts). */
export function emailStoreContract(name: string, make: MakeEmailStore): void {
  describe(`EmailStore contract: ${name}`, () => {
    let store: EmailStore;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close?.();
    });

    it('claims a Message-ID once: a second claim is a duplicate that shows the first outcome', async () => {
      expect(await store.claimMessage('<a@x>', { sender: 'maya@example.com', now: T0, leaseMs: LEASE })).toEqual({ status: 'claimed' });
      await store.finishMessage('<a@x>', { status: 'accepted', reason: null, packetRef: 'PKT-ABCDEF23', autoReplied: true, now: T0 + 5 });
      const again = await store.claimMessage('<a@x>', { sender: 'maya@example.com', now: T0 + LEASE * 10, leaseMs: LEASE });
      expect(again).toEqual({
        status: 'duplicate',
        message: {
          messageId: '<a@x>',
          sender: 'maya@example.com',
          status: 'accepted',
          reason: null,
          packetRef: 'PKT-ABCDEF23',
          autoReplied: true,
          receivedAt: T0,
          finishedAt: T0 + 5,
        },
      });
    });

    it('a claim in progress is a duplicate until its lease runs out, then it can be taken over', async () => {
      await store.claimMessage('<b@x>', { sender: null, now: T0, leaseMs: LEASE });
      expect((await store.claimMessage('<b@x>', { sender: null, now: T0 + LEASE - 1, leaseMs: LEASE })).status).toBe('duplicate');
      expect((await store.claimMessage('<b@x>', { sender: null, now: T0 + LEASE, leaseMs: LEASE })).status).toBe('claimed');
      expect((await store.claimMessage('<b@x>', { sender: null, now: T0 + LEASE + 1, leaseMs: LEASE })).status).toBe('duplicate');
    });

    it('two claims at once: exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.claimMessage('<c@x>', { sender: null, now: T0, leaseMs: LEASE })),
      );
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    });

    it('a released claim can be claimed again; a finished message cannot be released', async () => {
      await store.claimMessage('<d@x>', { sender: null, now: T0, leaseMs: LEASE });
      await store.releaseMessage('<d@x>');
      expect(await store.getMessage('<d@x>')).toBeNull();
      expect((await store.claimMessage('<d@x>', { sender: null, now: T0 + 1, leaseMs: LEASE })).status).toBe('claimed');
      await store.finishMessage('<d@x>', { status: 'ignored', reason: 'auto_submitted', packetRef: null, autoReplied: false, now: T0 + 2 });
      await store.releaseMessage('<d@x>');
      expect(await store.getMessage('<d@x>')).toMatchObject({ status: 'ignored', reason: 'auto_submitted' });
    });

    it('lists the thread of a packet oldest first and counts auto-replies per sender', async () => {
      for (const [id, at, replied] of [['<t2@x>', T0 + 2000, false], ['<t1@x>', T0 + 1000, true], ['<t3@x>', T0 + 3000, true]] as const) {
        await store.claimMessage(id, { sender: 'sam@example.com', now: at, leaseMs: LEASE });
        await store.finishMessage(id, { status: 'accepted', reason: null, packetRef: 'PKT-THREAD01', autoReplied: replied, now: at });
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
