import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeskError } from '../../src/core/errors.ts';
import type { PlatformData } from '../../src/core/ports.ts';
import { defaultPlatformFixture, platformDataContract } from '../../test/contracts/platform-data-contract.ts';
import type { PlatformFixture } from '../../test/contracts/platform-data-contract.ts';
import { createDrizzlePlatformData } from './drizzle-platform-data.ts';
import { importPlatformData } from './import-platform-data.ts';
import { openSqlite } from './open-sqlite.ts';
import type { SqliteHandle } from './open-sqlite.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const allTime = { since: Date.parse('2000-01-01T00:00:00Z'), until: Date.parse('2100-01-01T00:00:00Z') };

/** The fixture imported into a fresh SQLite file under the OS temp dir. */
async function embedded(fixture: PlatformFixture) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-platform-'));
  const handle = openSqlite(join(dir, 'desk.sqlite'));
  await importPlatformData(handle, fixture);
  let n = 0;
  const platform = createDrizzlePlatformData(handle, { now: () => NOW, newId: (prefix) => `${prefix}_${++n}` });
  return {
    handle,
    platform,
    close: async () => {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

platformDataContract('embedded sqlite', async (fixture) => {
  const { platform, close } = await embedded(fixture);
  return { platform, close };
});

describe('createDrizzlePlatformData: refunds', () => {
  let platform: PlatformData;
  let handle: SqliteHandle;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ platform, handle, close } = await embedded(structuredClone(defaultPlatformFixture)));
  });
  afterEach(async () => {
    await close();
  });

  async function ledgerSum(accountId: string): Promise<number> {
    const { entries } = await platform.listLedger(accountId, allTime);
    return entries.reduce((sum, e) => sum + e.amount, 0);
  }

  it('keeps the balance equal to the sum of the ledger after refunds', async () => {
    await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed 4k run' }, 'refund:gen_m2');
    await platform.issueRefund('acc_mara', { generationId: 'gen_m5', amount: 7, reason: 'stuck storyboard' }, 'refund:gen_m5');
    await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed 4k run' }, 'refund:gen_m2');

    const { balance } = await platform.listLedger('acc_mara', allTime);
    expect(balance).toBe(467);
    expect(balance).toBe(await ledgerSum('acc_mara'));
    expect((await platform.listLedger('acc_theo', allTime)).balance).toBe(89);
  });

  it('keeps refunds written by the desk in the balance when the same file is imported again', async () => {
    await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed 4k run' }, 'refund:gen_m2');
    await importPlatformData(handle, defaultPlatformFixture);

    const { entries, balance } = await platform.listLedger('acc_mara', allTime);
    expect(balance).toBe(460);
    expect(entries.filter((e) => e.type === 'refund').map((e) => e.generationId).sort()).toEqual(['gen_m2', 'gen_m4']);
    // The key still guards the refund after the re-import.
    await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed 4k run' }, 'refund:gen_m2');
    expect((await platform.listLedger('acc_mara', allTime)).balance).toBe(460);
  });

  it('refuses an idempotency key already used for another account, and writes nothing', async () => {
    const first = await platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: 40, reason: 'failed 4k run' }, 'refund:shared');

    const error = await platform
      .issueRefund('acc_theo', { generationId: 'gen_t1', amount: 12, reason: 'blocked prompt' }, 'refund:shared')
      .then(
        () => null,
        (e: unknown) => e,
      );

    expect(error).toBeInstanceOf(DeskError);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(String((error as Error).message)).toContain('refund:shared');
    const theo = await platform.listLedger('acc_theo', allTime);
    expect(theo.entries.some((e) => e.type === 'refund')).toBe(false);
    expect(theo.balance).toBe(89);
    expect((await platform.listLedger('acc_mara', allTime)).entries.filter((e) => e.id === first.id)).toHaveLength(1);
  });

  it('refuses a refund for an unknown account', async () => {
    await expect(
      platform.issueRefund('acc_nobody', { generationId: 'gen_x', amount: 5, reason: 'test' }, 'refund:nobody'),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a refund that is not a positive whole number of credits', async () => {
    await expect(platform.issueRefund('acc_mara', { generationId: 'gen_m2', amount: -40, reason: 'x' }, 'refund:neg')).rejects.toThrow();
    expect((await platform.listLedger('acc_mara', allTime)).balance).toBe(420);
  });
});
