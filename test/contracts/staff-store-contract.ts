import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StaffRecord, StaffStore } from '../../src/console/staff-store.ts';

/** Builds a fresh, empty implementation under test; `close` releases it. */
export type MakeStaffStore = () => Promise<{ store: StaffStore; close?: () => Promise<void> }>;

const T0 = Date.parse('2026-11-26T12:00:00Z');
const MIN = 60_000;

const maria: StaffRecord = { id: 'stf_maria', name: 'Maria Lopez', email: 'maria@prismposter.test', createdAt: T0 };
const jon: StaffRecord = { id: 'stf_jon', name: 'Jon Berg', email: 'jon@prismposter.test', createdAt: T0 };

/** What every StaffStore does, on every driver. */
export function staffStoreContract(name: string, make: MakeStaffStore): void {
  describe(`StaffStore contract: ${name}`, () => {
    let store: StaffStore;
    let close: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await close?.();
    });

    it('adds staff once per address (case-insensitive) and lists them by name', async () => {
      expect(await store.addStaff({ ...maria, email: 'Maria@PrismPoster.test' })).toEqual(maria);
      expect(await store.addStaff(jon)).toEqual(jon);
      expect(await store.addStaff({ ...jon, id: 'stf_other', email: 'JON@prismposter.test' })).toBeNull();
      expect(await store.findStaffByEmail('MARIA@prismposter.test')).toEqual(maria);
      expect(await store.findStaffByEmail('nobody@prismposter.test')).toBeNull();
      expect((await store.listStaff()).map((s) => s.id)).toEqual(['stf_jon', 'stf_maria']);
    });

    it('a sign-in link is used once, before it expires, and peeking does not use it', async () => {
      await store.addStaff(maria);
      await store.addSignInLink({ tokenHash: 'h1', staffId: maria.id, createdAt: T0, expiresAt: T0 + 15 * MIN });
      await store.addSignInLink({ tokenHash: 'h2', staffId: maria.id, createdAt: T0, expiresAt: T0 + 15 * MIN });
      expect(await store.peekSignInLink('h1', T0 + MIN)).toEqual(maria);
      expect(await store.peekSignInLink('h1', T0 + MIN)).toEqual(maria);
      const both = await Promise.all([store.useSignInLink('h1', T0 + MIN), store.useSignInLink('h1', T0 + MIN)]);
      expect(both.filter((s) => s !== null)).toEqual([maria]);
      expect(await store.useSignInLink('h1', T0 + 2 * MIN)).toBeNull();
      expect(await store.peekSignInLink('h1', T0 + 2 * MIN)).toBeNull();
      // Expired: neither shown nor used.
      expect(await store.peekSignInLink('h2', T0 + 15 * MIN)).toBeNull();
      expect(await store.useSignInLink('h2', T0 + 15 * MIN)).toBeNull();
      expect(await store.useSignInLink('unknown', T0)).toBeNull();
    });

    it('finds a session until it expires or is deleted, with its CSRF token', async () => {
      await store.addStaff(maria);
      await store.addSession({ idHash: 's1', staffId: maria.id, csrfToken: 'c1', createdAt: T0, expiresAt: T0 + 60 * MIN });
      expect(await store.findSession('s1', T0 + MIN)).toEqual({ staff: maria, csrfToken: 'c1', expiresAt: T0 + 60 * MIN });
      expect(await store.findSession('s1', T0 + 60 * MIN)).toBeNull();
      expect(await store.findSession('s2', T0)).toBeNull();
      expect((await store.countSessions(T0)).get(maria.id)).toBe(1);
      await store.deleteSession('s1');
      expect(await store.findSession('s1', T0 + MIN)).toBeNull();
    });

    it('removing a member of staff ends their sessions and voids their links', async () => {
      await store.addStaff(maria);
      await store.addStaff(jon);
      await store.addSignInLink({ tokenHash: 'hm', staffId: maria.id, createdAt: T0, expiresAt: T0 + 15 * MIN });
      await store.addSession({ idHash: 'sm', staffId: maria.id, csrfToken: 'c', createdAt: T0, expiresAt: T0 + 60 * MIN });
      await store.addSession({ idHash: 'sj', staffId: jon.id, csrfToken: 'c', createdAt: T0, expiresAt: T0 + 60 * MIN });
      expect(await store.removeStaff(maria.id)).toBe(true);
      expect(await store.removeStaff(maria.id)).toBe(false);
      expect(await store.findSession('sm', T0)).toBeNull();
      expect(await store.useSignInLink('hm', T0)).toBeNull();
      expect(await store.findSession('sj', T0)).toMatchObject({ staff: jon });
      expect((await store.listStaff()).map((s) => s.id)).toEqual(['stf_jon']);
    });

    it('deletes expired sessions and links only', async () => {
      await store.addStaff(maria);
      await store.addSignInLink({ tokenHash: 'old', staffId: maria.id, createdAt: T0, expiresAt: T0 + MIN });
      await store.addSession({ idHash: 'old', staffId: maria.id, csrfToken: 'c', createdAt: T0, expiresAt: T0 + MIN });
      await store.addSession({ idHash: 'new', staffId: maria.id, csrfToken: 'c', createdAt: T0, expiresAt: T0 + 60 * MIN });
      expect(await store.deleteExpired(T0 + 2 * MIN)).toBe(2);
      expect(await store.findSession('new', T0 + 2 * MIN)).not.toBeNull();
    });
  });
}
