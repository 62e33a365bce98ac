import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerEntry } from '../../src/core/platform-types.ts';
import type { Account, Generation, TimeRange } from '../../src/core/platform-types.ts';
import type { PlatformData } from '../../src/core/ports.ts';

/** The records a `PlatformData` implementation under test starts with. */
export interface PlatformFixture {
  accounts: Account[];
  generations: Generation[];
  ledger: LedgerEntry[];
}

/** Builds the implementation under test over a fresh copy of the fixture; `close` releases it. */
export type MakePlatformData = (
  fixture: PlatformFixture,
) => Promise<{ platform: PlatformData; close?: () => Promise<void> }>;

/**
 * Two accounts in different zones. Mara: a purchase, linked spends and one older unlinked spend, a
 * failed 4k image run, a canceled music run already refunded (`refundOf`), a run still processing.
 * Theo's runs fall inside Mara's dates, so a missing account filter shows up. Balances: Mara 420, Theo 89.
 */
export const defaultPlatformFixture: PlatformFixture = {
  accounts: [
    { id: 'acc_mara', email: 'mara.klein@example.com', name: 'Mara Klein', timezone: 'Europe/Berlin' },
    { id: 'acc_theo', email: 'Theo.Baptiste@Example.org', name: 'Theo Baptiste' },
  ],
  generations: [
    {
      id: 'gen_m1', accountId: 'acc_mara', studio: 'image', prompt: 'a lighthouse at dusk, risograph poster',
      settings: { resolution: '1024x1024', model: 'prism-image-3' }, status: 'completed',
      createdAt: '2026-11-18T09:12:00+01:00', finishedAt: '2026-11-18T09:12:41+01:00', libraryItemId: 'lib_m1',
    },
    {
      id: 'gen_m2', accountId: 'acc_mara', studio: 'image', prompt: 'festival poster, neon koi, 4k',
      settings: { resolution: '4k', referenceImages: 1 }, status: 'failed',
      error: { code: 'upstream_timeout', message: 'Generation failed: the renderer timed out. Please try again.' },
      createdAt: '2026-11-20T14:05:00+01:00', finishedAt: '2026-11-20T14:15:03+01:00',
    },
    {
      id: 'gen_m3', accountId: 'acc_mara', studio: 'video', prompt: 'the koi poster, slowly animated',
      settings: { resolution: '1080p', durationSeconds: 6 }, status: 'completed',
      createdAt: '2026-11-22T00:40:00+01:00', finishedAt: '2026-11-22T00:44:10+01:00', libraryItemId: 'lib_m3',
    },
    {
      id: 'gen_m4', accountId: 'acc_mara', studio: 'music', prompt: 'lo-fi loop for the koi video',
      settings: { durationSeconds: 30 }, status: 'canceled',
      createdAt: '2026-11-23T10:00:00+01:00', finishedAt: '2026-11-23T10:00:20+01:00',
    },
    {
      id: 'gen_m5', accountId: 'acc_mara', studio: 'storyboard', prompt: 'six panels: koi leaves the poster',
      settings: {}, status: 'processing', createdAt: '2026-11-25T08:00:00+01:00',
    },
    {
      id: 'gen_t1', accountId: 'acc_theo', studio: 'video', prompt: 'skater at night',
      settings: { resolution: '1080p', durationSeconds: 4 }, status: 'failed',
      error: { message: 'Content policy: the prompt was blocked.' },
      createdAt: '2026-11-20T08:05:00-05:00', finishedAt: '2026-11-20T08:05:02-05:00',
    },
    {
      id: 'gen_t2', accountId: 'acc_theo', studio: 'image', prompt: 'skateboard deck art', settings: {},
      status: 'completed', createdAt: '2026-11-19T12:00:00-05:00', finishedAt: '2026-11-19T12:00:30-05:00',
    },
  ],
  ledger: [
    { id: 'led_m_p1', accountId: 'acc_mara', type: 'purchase', amount: 500, createdAt: '2026-11-01T10:00:00+01:00', description: 'Creator pack (500 credits)' },
    { id: 'led_m_s3', accountId: 'acc_mara', type: 'spend', amount: -24, createdAt: '2026-11-10T16:20:00+01:00', description: 'Video generation' },
    { id: 'led_m_s1', accountId: 'acc_mara', type: 'spend', amount: -4, generationId: 'gen_m1', createdAt: '2026-11-18T09:12:00+01:00' },
    { id: 'led_m_s2', accountId: 'acc_mara', type: 'spend', amount: -40, generationId: 'gen_m2', createdAt: '2026-11-20T14:05:00+01:00' },
    { id: 'led_m_s4', accountId: 'acc_mara', type: 'spend', amount: -12, generationId: 'gen_m3', createdAt: '2026-11-22T00:40:00+01:00' },
    { id: 'led_m_s5', accountId: 'acc_mara', type: 'spend', amount: -10, generationId: 'gen_m4', createdAt: '2026-11-23T10:00:00+01:00' },
    { id: 'led_m_r1', accountId: 'acc_mara', type: 'refund', amount: 10, generationId: 'gen_m4', refundOf: 'led_m_s5', createdAt: '2026-11-23T10:00:21+01:00', description: 'Canceled run refunded' },
    { id: 'led_t_g1', accountId: 'acc_theo', type: 'grant', amount: 100, createdAt: '2026-11-15T12:00:00-05:00', description: 'Welcome credits' },
    { id: 'led_t_a1', accountId: 'acc_theo', type: 'adjustment', amount: 5, createdAt: '2026-11-16T09:30:00-05:00', description: 'Goodwill' },
    { id: 'led_t_s2', accountId: 'acc_theo', type: 'spend', amount: -4, generationId: 'gen_t2', createdAt: '2026-11-19T12:00:00-05:00' },
    { id: 'led_t_s1', accountId: 'acc_theo', type: 'spend', amount: -12, generationId: 'gen_t1', createdAt: '2026-11-20T08:05:00-05:00' },
  ],
};

/** From gen_m1's createdAt to gen_m3's, both exactly: the ends are inclusive. */
const maraWeek: TimeRange = { since: Date.parse('2026-11-18T09:12:00+01:00'), until: Date.parse('2026-11-22T00:40:00+01:00') };
const allTime: TimeRange = { since: Date.parse('2000-01-01T00:00:00Z'), until: Date.parse('2100-01-01T00:00:00Z') };
const DAY_MS = 24 * 60 * 60 * 1000;

/** Drops `null` and `undefined` members recursively: "absent" has two spellings across adapters. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, normalize(v)]),
  );
}

function byId<T extends { id: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => a.id.localeCompare(b.id));
}

function pick<T extends { id: string }>(records: readonly T[], ids: readonly string[]): T[] {
  return byId(records.filter((r) => ids.includes(r.id)));
}

/**
 * The one suite every `PlatformData` implementation passes (platform-data.md). Each case gets a fresh
 * implementation over a copy of `defaultPlatformFixture`, because refunds write.
 */
export function platformDataContract(name: string, make: MakePlatformData): void {
  describe(`PlatformData contract: ${name}`, () => {
    const fixture = defaultPlatformFixture;
    let platform: PlatformData;
    let close: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ platform, close } = await make(structuredClone(fixture)));
    });
    afterEach(async () => {
      await close?.();
    });

    describe('accounts', () => {
      it('finds an account by email, case-insensitively both ways', async () => {
        const mara = await platform.findAccountByEmail('Mara.Klein@EXAMPLE.com');
        expect(normalize(mara)).toEqual(normalize(fixture.accounts[0]));
        const theo = await platform.findAccountByEmail('theo.baptiste@example.org');
        expect(theo?.id).toBe('acc_theo');
      });

      it('answers null for an unknown email', async () => {
        expect(await platform.findAccountByEmail('nobody@example.com')).toBeNull();
      });

      it('gets an account by id, and null for an unknown id', async () => {
        expect(normalize(await platform.getAccount('acc_theo'))).toEqual(normalize(fixture.accounts[1]));
        expect(await platform.getAccount('acc_nobody')).toBeNull();
      });
    });

    describe('generations', () => {
      it("lists the account's runs inside the inclusive range, fields unchanged", async () => {
        const runs = await platform.listGenerations('acc_mara', maraWeek);
        expect(byId(runs).map(normalize)).toEqual(pick(fixture.generations, ['gen_m1', 'gen_m2', 'gen_m3']).map(normalize));
      });

      it('keeps createdAt as given, settings and the exact studio error', async () => {
        const runs = await platform.listGenerations('acc_mara', maraWeek);
        const failed = runs.find((r) => r.id === 'gen_m2');
        expect(failed?.createdAt).toBe('2026-11-20T14:05:00+01:00');
        expect(failed?.settings).toEqual({ resolution: '4k', referenceImages: 1 });
        expect(failed?.error).toMatchObject({ code: 'upstream_timeout', message: 'Generation failed: the renderer timed out. Please try again.' });
      });

      it('excludes a run one millisecond outside the range', async () => {
        const runs = await platform.listGenerations('acc_mara', { since: maraWeek.since + 1, until: maraWeek.until - 1 });
        expect(runs.map((r) => r.id)).toEqual(['gen_m2']);
      });

      it("never lists another account's runs", async () => {
        const theo = await platform.listGenerations('acc_theo', allTime);
        expect(byId(theo).map((r) => r.id)).toEqual(['gen_t1', 'gen_t2']);
        const mara = await platform.listGenerations('acc_mara', allTime);
        expect(mara.every((r) => r.accountId === 'acc_mara')).toBe(true);
        expect(mara).toHaveLength(5);
      });
    });

    describe('failures of every account (the incident sweep)', () => {
      it('lists the failed runs of all accounts created at `since` or later, oldest first, with their error', async () => {
        const list = platform.listFailures?.bind(platform);
        if (!list) throw new Error('both platforms answer the incident sweep');
        // Both failed at 13:05 UTC, in their own zones.
        const all = (await list(Date.parse('2026-11-01T00:00:00Z'))).sort((a, b) => a.generationId.localeCompare(b.generationId));
        expect(all.map((f) => [f.generationId, f.accountId, f.studio, f.error, Date.parse(f.createdAt)])).toEqual([
          ['gen_m2', 'acc_mara', 'image', { code: 'upstream_timeout', message: 'Generation failed: the renderer timed out. Please try again.' }, Date.parse('2026-11-20T14:05:00+01:00')],
          ['gen_t1', 'acc_theo', 'video', { message: 'Content policy: the prompt was blocked.' }, Date.parse('2026-11-20T08:05:00-05:00')],
        ].map(([id, account, studio, error, at]) => [id, account, studio, expect.objectContaining(error as object), at]));
        expect((await list(Date.parse('2026-11-20T13:05:00.000Z'))).map((f) => f.generationId).sort()).toEqual(['gen_m2', 'gen_t1']);
        expect(await list(Date.parse('2026-11-20T13:05:00.001Z'))).toEqual([]);
      });
    });

    describe('runs for reconciliation (optional fast path)', () => {
      it('lists the same runs as listGenerations: problem runs in full, completed runs as summaries', async () => {
        const fast = platform.listRunsForReconciliation?.bind(platform);
        if (!fast) return; // adapters without the fast path are read through listGenerations
        for (const [account, range] of [['acc_mara', maraWeek], ['acc_mara', allTime], ['acc_theo', allTime]] as const) {
          const full = byId(await platform.listGenerations(account, range));
          const summary = byId(await fast(account, range));
          expect(summary.map((r) => r.id)).toEqual(full.map((r) => r.id));
          for (const [i, run] of summary.entries()) {
            const whole = full[i];
            if (!whole) throw new Error('missing run');
            if (whole.status === 'completed') {
              expect(normalize(run)).toEqual(
                normalize({ id: whole.id, accountId: whole.accountId, studio: whole.studio, status: whole.status, createdAt: whole.createdAt, finishedAt: whole.finishedAt }),
              );
            } else expect(normalize(run)).toEqual(normalize(whole));
          }
        }
      });
    });

    describe('ledger', () => {
      it('lists entries inside the range only, with the balance over all time', async () => {
        const { entries, balance } = await platform.listLedger('acc_mara', maraWeek);
        expect(byId(entries).map(normalize)).toEqual(pick(fixture.ledger, ['led_m_s1', 'led_m_s2', 'led_m_s4']).map(normalize));
        expect(balance).toBe(420);
      });

      it('keeps unlinked spends, purchases and refunds with refundOf', async () => {
        const { entries } = await platform.listLedger('acc_mara', allTime);
        const expected = fixture.ledger.filter((e) => e.accountId === 'acc_mara');
        expect(byId(entries).map(normalize)).toEqual(byId(expected).map(normalize));
      });

      it('answers the balance even when no entry falls in the range', async () => {
        const empty = { since: Date.parse('2030-01-01T00:00:00Z'), until: Date.parse('2030-02-01T00:00:00Z') };
        expect(await platform.listLedger('acc_mara', empty)).toEqual({ entries: [], balance: 420 });
      });

      it("never counts another account's entries", async () => {
        const { entries, balance } = await platform.listLedger('acc_theo', allTime);
        expect(byId(entries).map((e) => e.id)).toEqual(['led_t_a1', 'led_t_g1', 'led_t_s1', 'led_t_s2']);
        expect(balance).toBe(89);
      });
    });

    describe('refunds', () => {
      const refund = { generationId: 'gen_m2', amount: 40, reason: 'Failed 4k image run (upstream_timeout)' };

      it('writes a positive refund entry that the ledger then shows', async () => {
        const entry = await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:1');
        expect(LedgerEntry.safeParse(entry).success).toBe(true);
        expect(entry).toMatchObject({ accountId: 'acc_mara', type: 'refund', amount: 40, generationId: 'gen_m2' });
        const at = Date.parse(entry.createdAt);
        const { entries, balance } = await platform.listLedger('acc_mara', { since: at - DAY_MS, until: at + DAY_MS });
        expect(entries.map((e) => e.id)).toContain(entry.id);
        expect(balance).toBe(460);
      });

      it('answers the same entry for the same idempotency key and writes once', async () => {
        const first = await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:1');
        const again = await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:1');
        expect(again.id).toBe(first.id);
        expect(normalize(again)).toEqual(normalize(first));
        const at = Date.parse(first.createdAt);
        const { entries, balance } = await platform.listLedger('acc_mara', { since: at - DAY_MS, until: at + DAY_MS });
        expect(entries.filter((e) => e.type === 'refund' && e.generationId === 'gen_m2')).toHaveLength(1);
        expect(balance).toBe(460);
      });

      it('writes two entries for two different keys', async () => {
        const first = await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:1');
        const second = await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:2');
        expect(second.id).not.toBe(first.id);
        expect((await platform.listLedger('acc_mara', allTime)).balance).toBe(500);
      });

      it("leaves the other account's ledger alone", async () => {
        await platform.issueRefund('acc_mara', refund, 'refund:gen_m2:1');
        const { entries, balance } = await platform.listLedger('acc_theo', allTime);
        expect(entries).toHaveLength(4);
        expect(balance).toBe(89);
      });
    });
  });
}
