import { afterEach, describe, expect, it } from 'vitest';
import type { TriageStore } from '../../src/triage/triage-store.ts';

/** Builds a fresh, empty implementation under test; `close` releases it. */
export type MakeTriageStore = () => Promise<{ store: TriageStore; close?: () => Promise<void> }>;

const T0 = Date.parse('2026-11-26T12:00:00Z');
const LEASE = 60_000;

/** The one contract every triage store passes (drizzle on SQLite, in memory). */
export function triageStoreContract(name: string, make: MakeTriageStore): void {
  describe(`TriageStore contract: ${name}`, () => {
    const closers: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
    });
    async function fresh(): Promise<TriageStore> {
      const { store, close } = await make();
      if (close) closers.push(close);
      return store;
    }

    it('gives a key to one claimant; a completed key is never claimed again', async () => {
      const store = await fresh();
      expect(await store.claim('k', T0, LEASE)).toBe(true);
      expect(await store.claim('k', T0 + 1, LEASE)).toBe(false);
      await store.complete('k');
      expect(await store.claim('k', T0 + 10 * LEASE, LEASE)).toBe(false);
    });

    it('lets two claims at once have one winner', async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 8 }, () => store.claim('same', T0, LEASE)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('frees a released key at once and a lapsed claim after its lease, but not a completed one', async () => {
      const store = await fresh();
      await store.claim('released', T0, LEASE);
      await store.release('released');
      expect(await store.claim('released', T0 + 1, LEASE)).toBe(true);

      await store.claim('lapsed', T0, LEASE);
      expect(await store.claim('lapsed', T0 + LEASE - 1, LEASE)).toBe(false);
      expect(await store.claim('lapsed', T0 + LEASE, LEASE)).toBe(true);

      await store.claim('done', T0, LEASE);
      await store.complete('done');
      await store.release('done');
      expect(await store.claim('done', T0 + 1, LEASE)).toBe(false);
    });

    it('remembers the message of a packet and finds the packet of its thread', async () => {
      const store = await fresh();
      expect(await store.messageOf('PKT-AAAAAA')).toBeNull();
      await store.rememberMessage({ packetRef: 'PKT-AAAAAA', channel: 'C1', ts: '1700000000.000100' }, T0);
      await store.rememberMessage({ packetRef: 'PKT-BBBBBB', channel: 'C1', ts: '1700000000.000200' }, T0);
      expect(await store.messageOf('PKT-AAAAAA')).toEqual({ packetRef: 'PKT-AAAAAA', channel: 'C1', ts: '1700000000.000100' });
      expect(await store.packetOfThread('C1', '1700000000.000200')).toBe('PKT-BBBBBB');
      expect(await store.packetOfThread('C2', '1700000000.000200')).toBeNull();

      // A message posted again (the old one was deleted) replaces the first.
      await store.rememberMessage({ packetRef: 'PKT-AAAAAA', channel: 'C1', ts: '1700000000.000300' }, T0 + 1);
      expect((await store.messageOf('PKT-AAAAAA'))?.ts).toBe('1700000000.000300');
      expect(await store.packetOfThread('C1', '1700000000.000100')).toBeNull();
    });
  });
}
