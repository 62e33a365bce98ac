import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, TimeRange } from '../../src/core/platform-types.ts';
import { type PlatformData, issueRefunds } from '../../src/core/ports.ts';
import type { AuditEntry, SupportStore } from '../../src/core/support-store.ts';
import { type PlatformFixture, defaultPlatformFixture } from './platform-data-contract.ts';

/**
 * The platform (embedded: its records in the desk's own database) and the support store over that
 * same database, as the desk builds them; `close` releases them.
 */
export type MakeEmbeddedDesk = (fixture: PlatformFixture) => Promise<{ platform: PlatformData; store: SupportStore; close?: () => Promise<void> }>;

const allTime: TimeRange = { since: Date.parse('2000-01-01T00:00:00Z'), until: Date.parse('2100-01-01T00:00:00Z') };
const DAY_MS = 24 * 60 * 60 * 1000;
const REF = 'PKT-ATOMIC01';
const m2 = { generationId: 'gen_m2', amount: 40, reason: 'Failed 4k image run' };
const m5 = { generationId: 'gen_m5', amount: 7, reason: 'Stuck storyboard' };
const key = (generationId: string) => `refund:${REF}:${generationId}`;

const auditFor = (entries: LedgerEntry[]): AuditEntry => ({
  at: Date.parse('2026-11-26T12:00:00Z'),
  actor: 'slack:U0STAFF1',
  action: 'refund.approved',
  packetRef: REF,
  evidence: { amount: entries.reduce((sum, e) => sum + e.amount, 0), ledgerEntries: entries.map((e) => e.id) },
});

/** Drops `null` and `undefined` members: "absent" has two spellings across reads. */
const normalize = (entry: LedgerEntry) => Object.fromEntries(Object.entries(entry).filter(([, v]) => v != null));

/**
 * A refund and its audit entry are one atomic write where the platform's records live in the desk's
 * database (a transaction on better-sqlite3, `db.batch()` on D1): `issueRefundsWithAudit`, with the
 * idempotency keys of `issueRefund`. Every implementation of embedded platform data runs this suite.
 */
export function refundAuditContract(name: string, make: MakeEmbeddedDesk): void {
  describe(`refunds with their audit entry: ${name}`, () => {
    let platform: PlatformData;
    let store: SupportStore;
    let close: (() => Promise<void>) | undefined;
    let write: NonNullable<PlatformData['issueRefundsWithAudit']>;

    beforeEach(async () => {
      ({ platform, store, close } = await make(structuredClone(defaultPlatformFixture)));
      const atomic = platform.issueRefundsWithAudit?.bind(platform);
      if (!atomic) throw new Error(`${name}: embedded platform data must offer issueRefundsWithAudit`);
      write = atomic;
    });
    afterEach(async () => {
      await close?.();
    });

    const balance = async () => (await platform.listLedger('acc_mara', allTime)).balance;

    it('writes the refunds, the balance and the audit entry together', async () => {
      const { entries, audited } = await write('acc_mara', [{ refund: m2, idempotencyKey: key('gen_m2') }, { refund: m5, idempotencyKey: key('gen_m5') }], auditFor);
      expect(audited).toBe(true);
      expect(entries.map((e) => [e.type, e.accountId, e.generationId, e.amount])).toEqual([
        ['refund', 'acc_mara', 'gen_m2', 40],
        ['refund', 'acc_mara', 'gen_m5', 7],
      ]);
      expect(await balance()).toBe(467);
      const audit = await store.listAudit(REF);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor: 'slack:U0STAFF1', action: 'refund.approved', evidence: { amount: 47, ledgerEntries: entries.map((e) => e.id) } });
    });

    it('keeps the idempotency keys: the same orders again answer the same entries and write no second audit entry', async () => {
      const orders = [{ refund: m2, idempotencyKey: key('gen_m2') }];
      const first = await write('acc_mara', orders, auditFor);
      const again = await write('acc_mara', orders, auditFor);
      expect(again.audited).toBe(false);
      expect(again.entries.map(normalize)).toEqual(first.entries.map(normalize));
      expect(await store.listAudit(REF)).toHaveLength(1);
      expect(await balance()).toBe(460);
      // The same key through issueRefund (an automatic refund) answers the same entry too.
      expect((await platform.issueRefund('acc_mara', m2, key('gen_m2'))).id).toBe(first.entries[0]?.id);
      expect(await balance()).toBe(460);
    });

    it('audits the new refunds together with those issued before under their keys', async () => {
      const earlier = await platform.issueRefund('acc_mara', m2, key('gen_m2'));
      const { entries, audited } = await write('acc_mara', [{ refund: m2, idempotencyKey: key('gen_m2') }, { refund: m5, idempotencyKey: key('gen_m5') }], auditFor);
      expect(audited).toBe(true);
      expect(entries[0]?.id).toBe(earlier.id);
      expect(await balance()).toBe(467);
      expect((await store.listAudit(REF)).map((a) => a.evidence)).toEqual([{ amount: 47, ledgerEntries: entries.map((e) => e.id) }]);
    });

    it("writes one refund and one audit entry for two writers at once: the loser's audit entry goes back with its refund", async () => {
      const orders = [{ refund: m2, idempotencyKey: key('gen_m2') }];
      const [a, b] = await Promise.all([write('acc_mara', orders, auditFor), write('acc_mara', orders, auditFor)]);
      expect(a.entries[0]?.id).toBe(b.entries[0]?.id);
      expect([a.audited, b.audited].sort()).toEqual([false, true]);
      expect(await store.listAudit(REF)).toHaveLength(1);
      const { entries } = await platform.listLedger('acc_mara', allTime);
      expect(entries.filter((e) => e.type === 'refund' && e.generationId === 'gen_m2')).toHaveLength(1);
      expect(await balance()).toBe(460);
    });

    it('writes nothing, neither refund nor audit entry, when one of the refunds is refused', async () => {
      await platform.issueRefund('acc_theo', { generationId: 'gen_t1', amount: 12, reason: 'blocked prompt' }, 'refund:theirs');
      const attempts = [
        // An unknown account; a key used for another account; an amount that is no refund.
        () => write('acc_nobody', [{ refund: m2, idempotencyKey: key('gen_m2') }], auditFor),
        () => write('acc_mara', [{ refund: m5, idempotencyKey: key('gen_m5') }, { refund: m2, idempotencyKey: 'refund:theirs' }], auditFor),
        () => write('acc_mara', [{ refund: m5, idempotencyKey: key('gen_m5') }, { refund: { ...m2, amount: -40 }, idempotencyKey: key('gen_m2') }], auditFor),
      ];
      const errors: unknown[] = [];
      for (const attempt of attempts) errors.push(await attempt().then(() => null, (e: unknown) => e));
      expect(errors.map((e) => (e as { code?: string } | null)?.code)).toEqual(['not_found', 'conflict', 'bad_request']);
      // The refused field is named.
      expect(String((errors[2] as Error).message)).toMatch(/refund 1: amount/);
      expect(await store.listAudit(REF)).toEqual([]);
      expect(await balance()).toBe(420);
    });

    describe('bounded inside the write', () => {
      /** gen_m2: charged 40 by led_m_s2; gen_m5: never charged (a bound of 7 for the test's sake). */
      const m2Charge = { charged: 40, spendIds: ['led_m_s2'] };
      const m5Charge = { charged: 7, spendIds: [] };
      const refundsOf = async (generationId: string) =>
        (await platform.listLedger('acc_mara', allTime)).entries.filter((e) => e.type === 'refund' && e.generationId === generationId);
      const auto = (limit: number, since: number) => ({ automatic: { limit, window: { since, until: since + 2 * DAY_MS } } });

      it("refuses a refund that would take a run's refunds past its charge, whatever its key: nothing written, no audit entry", async () => {
        const first = await write('acc_mara', [{ refund: { ...m2, amount: 30 }, idempotencyKey: 'refund:one', charge: m2Charge }], auditFor);
        expect(first.refused).toBeNull();
        const past = await write('acc_mara', [{ refund: { ...m2, amount: 20 }, idempotencyKey: 'refund:two', charge: m2Charge }], auditFor);
        expect(past).toEqual({ refused: 'charge', entries: [], audited: false });
        const rest = await write('acc_mara', [{ refund: { ...m2, amount: 10 }, idempotencyKey: 'refund:three', charge: m2Charge }], auditFor);
        expect(rest.refused).toBeNull();
        expect((await refundsOf('gen_m2')).map((e) => e.amount).sort()).toEqual([10, 30]);
        expect(await store.listAudit(REF)).toHaveLength(2);
        expect(await balance()).toBe(460);
      });

      it("counts a refund naming one of the run's spends (refundOf) against its charge", async () => {
        // led_m_s5 (10 credits) was given back by led_m_r1 (refundOf led_m_s5). A run charged by that
        // spend (as an inferred charge would be) owes nothing, though no refund names the run itself.
        const order = (spendIds: string[], idempotencyKey: string) => [
          { refund: { generationId: 'gen_inferred', amount: 10, reason: 'x' }, idempotencyKey, charge: { charged: 10, spendIds } },
        ];
        expect((await write('acc_mara', order(['led_m_s5'], 'refund:by-spend'), auditFor)).refused).toBe('charge');
        // The same run charged by no known spend: nothing of its own is refunded yet.
        expect((await write('acc_mara', order([], 'refund:by-run'), auditFor)).refused).toBeNull();
      });

      it('writes all the refunds or none: one past its charge takes the others and the audit entry back', async () => {
        await platform.issueRefund('acc_mara', { ...m5, amount: 7 }, 'refund:outside');
        const orders = [
          { refund: m2, idempotencyKey: key('gen_m2'), charge: m2Charge },
          { refund: m5, idempotencyKey: key('gen_m5'), charge: m5Charge },
        ];
        expect(await write('acc_mara', orders, auditFor)).toEqual({ refused: 'charge', entries: [], audited: false });
        expect(await refundsOf('gen_m2')).toEqual([]);
        expect(await store.listAudit(REF)).toEqual([]);
        expect(await balance()).toBe(427);
        // The same orders in the other order: still none.
        expect((await write('acc_mara', [...orders].reverse(), auditFor)).refused).toBe('charge');
        expect(await refundsOf('gen_m2')).toEqual([]);
      });

      it('two writers at once under different keys for one run: one refund, the other refused (20 rounds)', async () => {
        for (let round = 0; round < 20; round++) {
          const run = round % 2 ? 'gen_m2' : 'gen_m5';
          const charge = run === 'gen_m2' ? m2Charge : m5Charge;
          const amount = charge.charged;
          const results = await Promise.all(
            ['a', 'b'].map((who) => write('acc_mara', [{ refund: { generationId: run, amount, reason: 'race' }, idempotencyKey: `refund:${round}:${who}`, charge }], auditFor)),
          );
          if (round < 2) expect(results.map((r) => r.refused).sort()).toEqual(['charge', null]);
          else expect(results.map((r) => r.refused)).toEqual(['charge', 'charge']);
        }
        expect((await refundsOf('gen_m2')).map((e) => e.amount)).toEqual([40]);
        expect((await refundsOf('gen_m5')).map((e) => e.amount)).toEqual([7]);
        expect(await store.listAudit(REF)).toHaveLength(2);
        expect(await balance()).toBe(467);
      });

      it("refuses automatic refunds past the account's limit over the window, and counts only automatic ones inside it", async () => {
        const first = await write('acc_mara', [{ refund: m2, idempotencyKey: key('gen_m2'), charge: m2Charge }], auditFor, auto(45, 0));
        expect(first.refused).toBeNull();
        const at = Date.parse(first.entries[0]?.createdAt ?? '');
        const m5Order = [{ refund: m5, idempotencyKey: key('gen_m5'), charge: m5Charge }];
        // 40 + 7 > 45 within a window holding the first: refused, nothing written.
        expect(await write('acc_mara', m5Order, auditFor, auto(45, at - 1))).toEqual({ refused: 'limit', entries: [], audited: false });
        expect(await refundsOf('gen_m5')).toEqual([]);
        expect(await store.listAudit(REF)).toHaveLength(1);
        // Once the window starts at the first refund (it is no longer inside it), there is room again.
        expect((await write('acc_mara', m5Order, auditFor, auto(45, at))).refused).toBeNull();
        expect(await balance()).toBe(467);
      });

      it("does not count staff's refunds against the automatic limit", async () => {
        await write('acc_mara', [{ refund: m2, idempotencyKey: key('gen_m2'), charge: m2Charge }], auditFor);
        const automatic = await write('acc_mara', [{ refund: m5, idempotencyKey: key('gen_m5'), charge: m5Charge }], auditFor, auto(7, 0));
        expect(automatic.refused).toBeNull();
        expect(await balance()).toBe(467);
      });

      it('two automatic writers at once, each within the limit alone, not together: one written (10 rounds)', async () => {
        for (let round = 0; round < 10; round++) {
          const orders = [
            [{ refund: { ...m2, amount: 4 }, idempotencyKey: `refund:${round}:m2`, charge: m2Charge }],
            [{ refund: { ...m5, amount: 4 }, idempotencyKey: `refund:${round}:m5`, charge: { charged: 40, spendIds: [] } }],
          ];
          // Each round gets a window of its own: 4 credits fit, 8 do not.
          const since = Date.parse('2000-01-01T00:00:00Z') + round;
          const results = await Promise.all(orders.map((o) => write('acc_mara', o, auditFor, auto(4 * (round + 1), since))));
          expect(results.map((r) => r.refused).sort()).toEqual(['limit', null]);
        }
        expect(await balance()).toBe(460);
        expect(await store.listAudit(REF)).toHaveLength(10);
      });
    });

    it('is what issueRefunds uses when the platform offers it', async () => {
      const issued = await issueRefunds(platform, 'acc_mara', [{ refund: m2, idempotencyKey: key('gen_m2') }], auditFor);
      expect(issued.audited).toBe(true);
      expect(await store.listAudit(REF)).toHaveLength(1);
    });
  });
}
