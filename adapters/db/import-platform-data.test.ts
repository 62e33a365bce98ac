import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeskError } from '../../src/core/errors.ts';
import { defaultPlatformFixture } from '../../test/contracts/platform-data-contract.ts';
import { importPlatformData } from './import-platform-data.ts';
import { openSqlite } from './open-sqlite.ts';
import type { SqliteHandle } from './open-sqlite.ts';

let handle: SqliteHandle;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'desk-import-'));
  handle = openSqlite(join(dir, 'desk.sqlite'));
});
afterEach(() => {
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every row of every table, in a stable order: what "nothing changed" is compared against. */
function dump(): Record<string, unknown[]> {
  const tables = handle.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(tables.map((t) => [t, handle.sqlite.prepare(`SELECT * FROM "${t}" ORDER BY 1`).all()]));
}

function balanceOf(accountId: string): unknown {
  return handle.sqlite.prepare('SELECT balance FROM accounts WHERE id = ?').pluck().get(accountId);
}

/** The error an import rejects with, which must be the desk's `invalid_import`. */
async function rejection(input: unknown): Promise<DeskError> {
  const error = await importPlatformData(handle, input).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DeskError)) throw new Error(`expected a DeskError, got ${String(error)}`);
  expect(error.code).toBe('invalid_import');
  return error;
}

/** A file of new, valid records for the store that already holds the default fixture. */
function newRecords() {
  return {
    accounts: [{ id: 'acc_lena', email: 'lena@example.net', name: 'Lena', timezone: 'Asia/Tokyo' }],
    generations: [
      {
        id: 'gen_l1', accountId: 'acc_lena', studio: 'image', prompt: 'paper cranes', settings: { resolution: '1024x1024' },
        status: 'failed', error: { message: 'Renderer crashed' }, createdAt: '2026-11-21T09:00:00+09:00', finishedAt: '2026-11-21T09:01:00+09:00',
      },
      { id: 'gen_l2', accountId: 'acc_lena', studio: 'music', prompt: 'koto loop', settings: {}, status: 'completed', createdAt: '2026-11-21T10:00:00+09:00' },
    ],
    ledger: [
      { id: 'led_l_g1', accountId: 'acc_lena', type: 'grant', amount: 100, createdAt: '2026-11-20T09:00:00+09:00' },
      { id: 'led_l_s1', accountId: 'acc_lena', type: 'spend', amount: -4, generationId: 'gen_l1', createdAt: '2026-11-21T09:00:00+09:00' },
    ],
  };
}

describe('importPlatformData', () => {
  it('imports a good file: records, and balances from the ledger', async () => {
    const summary = await importPlatformData(handle, defaultPlatformFixture);

    expect(summary).toEqual({ accounts: 2, generations: 7, ledger: 11 });
    const tables = dump();
    expect(tables.accounts).toHaveLength(2);
    expect(tables.generations).toHaveLength(7);
    expect(tables.ledger).toHaveLength(11);
    expect(balanceOf('acc_mara')).toBe(420);
    expect(balanceOf('acc_theo')).toBe(89);
    expect(handle.sqlite.prepare("SELECT email_key FROM accounts WHERE id = 'acc_theo'").pluck().get()).toBe('theo.baptiste@example.org');
  });

  it('changes nothing when the same file is imported twice', async () => {
    await importPlatformData(handle, defaultPlatformFixture);
    const once = dump();
    await importPlatformData(handle, structuredClone(defaultPlatformFixture));
    expect(dump()).toEqual(once);
  });

  it('takes a file with some arrays left out', async () => {
    await importPlatformData(handle, { accounts: defaultPlatformFixture.accounts });
    expect(await importPlatformData(handle, { ledger: [{ id: 'led_x', accountId: 'acc_theo', type: 'grant', amount: 7, createdAt: '2026-11-01T00:00:00Z' }] })).toEqual({
      accounts: 0,
      generations: 0,
      ledger: 1,
    });
    expect(balanceOf('acc_theo')).toBe(7);
  });

  describe('rejects the whole file, writing nothing', () => {
    beforeEach(async () => {
      await importPlatformData(handle, defaultPlatformFixture);
    });

    type Case = { rule: string; file: () => unknown; id: string; field: string };
    const cases: Case[] = [
      {
        rule: 'an unknown studio',
        file: () => {
          const f = newRecords();
          f.generations.push({ ...f.generations[1], id: 'gen_l3', studio: 'sculpture' } as (typeof f.generations)[number]);
          return f;
        },
        id: 'gen_l3',
        field: 'studio',
      },
      {
        rule: 'a positive spend',
        file: () => {
          const f = newRecords();
          f.ledger.push({ id: 'led_l_s2', accountId: 'acc_lena', type: 'spend', amount: 4, generationId: 'gen_l2', createdAt: '2026-11-21T10:00:00+09:00' });
          return f;
        },
        id: 'led_l_s2',
        field: 'amount',
      },
      {
        rule: 'a negative refund',
        file: () => {
          const f = newRecords();
          f.ledger.push({ id: 'led_l_r1', accountId: 'acc_lena', type: 'refund', amount: -4, generationId: 'gen_l1', createdAt: '2026-11-21T09:30:00+09:00' });
          return f;
        },
        id: 'led_l_r1',
        field: 'amount',
      },
      {
        rule: 'a generation of an account in neither the file nor the store',
        file: () => {
          const f = newRecords();
          f.generations.push({ ...f.generations[1], id: 'gen_ghost', accountId: 'acc_ghost' } as (typeof f.generations)[number]);
          return f;
        },
        id: 'gen_ghost',
        field: 'accountId',
      },
      {
        rule: 'a ledger entry of an account in neither the file nor the store',
        file: () => {
          const f = newRecords();
          f.ledger.push({ id: 'led_ghost', accountId: 'acc_ghost', type: 'grant', amount: 5, createdAt: '2026-11-21T09:30:00+09:00' });
          return f;
        },
        id: 'led_ghost',
        field: 'accountId',
      },
      {
        rule: 'a malformed date',
        file: () => {
          const f = newRecords();
          f.generations.push({ ...f.generations[1], id: 'gen_l4', createdAt: '21/11/2026 10:00' } as (typeof f.generations)[number]);
          return f;
        },
        id: 'gen_l4',
        field: 'createdAt',
      },
      {
        rule: 'a date that does not exist',
        file: () => {
          const f = newRecords();
          f.ledger.push({ id: 'led_l_g2', accountId: 'acc_lena', type: 'grant', amount: 5, createdAt: '2026-02-30T10:00:00Z' });
          return f;
        },
        id: 'led_l_g2',
        field: 'createdAt',
      },
      {
        rule: 'an email already used by another account, in another case',
        file: () => {
          const f = newRecords();
          f.accounts.push({ id: 'acc_copy', email: 'MARA.KLEIN@example.com', name: 'Copy', timezone: 'Europe/Berlin' });
          return f;
        },
        id: 'acc_copy',
        field: 'email',
      },
      {
        rule: 'an email used twice within the file',
        file: () => {
          const f = newRecords();
          f.accounts.push({ id: 'acc_lena2', email: 'Lena@Example.net', name: 'Lena again', timezone: 'Asia/Tokyo' });
          return f;
        },
        id: 'acc_lena2',
        field: 'email',
      },
    ];

    it.each(cases)('$rule: names $id and $field', async ({ file, id, field }) => {
      const before = dump();
      const error = await rejection(file());
      expect(error.message).toContain(id);
      expect(error.message).toContain(`"${field}"`);
      expect(dump()).toEqual(before);
    });

    it.each([
      ['an array', []],
      ['a number', 42],
      ['null', null],
      ['a string', '{"accounts": []}'],
      ['an object whose collections are not arrays', { accounts: { id: 'acc_lena' } }],
    ])('a root that is %s', async (_what, input) => {
      const before = dump();
      const error = await rejection(input);
      expect(error.message).toMatch(/^import file:/);
      expect(dump()).toEqual(before);
    });
  });

  it('accepts a generation of an account already in the store but not in the file', async () => {
    await importPlatformData(handle, defaultPlatformFixture);
    await importPlatformData(handle, {
      generations: [{ id: 'gen_m6', accountId: 'acc_mara', studio: 'video', prompt: 'koi, again', settings: {}, status: 'queued', createdAt: '2026-11-26T09:00:00+01:00' }],
      ledger: [{ id: 'led_m_s6', accountId: 'acc_mara', type: 'spend', amount: -12, generationId: 'gen_m6', createdAt: '2026-11-26T09:00:00+01:00' }],
    });
    expect(handle.sqlite.prepare("SELECT account_id FROM generations WHERE id = 'gen_m6'").pluck().get()).toBe('acc_mara');
    expect(balanceOf('acc_mara')).toBe(408);
  });

  describe('a file that rewrites history the store holds', () => {
    const fixture = () => structuredClone(defaultPlatformFixture);
    const run = (id: string) => fixture().generations.find((g) => g.id === id);
    const entry = (id: string) => fixture().ledger.find((e) => e.id === id);

    beforeEach(async () => {
      await importPlatformData(handle, defaultPlatformFixture);
    });

    it.each([
      ['a run moved to another account', () => ({ generations: [{ ...run('gen_m2'), accountId: 'acc_theo' }] }), 'generations[0] id "gen_m2": field "accountId": generation "gen_m2" belongs to account "acc_mara"; the file gives "acc_theo"'],
      ['a ledger entry moved to another account', () => ({ ledger: [{ ...entry('led_m_s2'), accountId: 'acc_theo' }] }), 'ledger[0] id "led_m_s2": field "accountId": ledger entry "led_m_s2" belongs to account "acc_mara"; the file gives "acc_theo"'],
      ['an account given another email', () => ({ accounts: [{ id: 'acc_theo', email: 'attacker@example.net' }] }), 'accounts[0] id "acc_theo": field "email": account "acc_theo" has the email theo.baptiste@example.org in the store; the file gives attacker@example.net'],
    ])('refuses %s, naming the record, and writes nothing', async (_what, file, message) => {
      const before = dump();
      const error = await rejection(file());
      expect(error.message).toContain(message);
      expect(dump()).toEqual(before);
    });

    it('applies them with allowRewrite, counting again the balance of the account an entry left', async () => {
      const file = { accounts: [{ id: 'acc_theo', email: 'theo@new.example' }], generations: [{ ...run('gen_m2'), accountId: 'acc_theo' }], ledger: [{ ...entry('led_m_s2'), accountId: 'acc_theo' }] };
      await importPlatformData(handle, file, { allowRewrite: true });
      expect(handle.sqlite.prepare("SELECT account_id FROM generations WHERE id = 'gen_m2'").pluck().get()).toBe('acc_theo');
      expect(handle.sqlite.prepare("SELECT email_key FROM accounts WHERE id = 'acc_theo'").pluck().get()).toBe('theo@new.example');
      expect([balanceOf('acc_mara'), balanceOf('acc_theo')]).toEqual([420 + 40, 89 - 40]);
    });
  });

  describe('the mark of the seeded demo data', () => {
    const marked = () => handle.sqlite.prepare('SELECT count(*) FROM demo_seed').pluck().get() === 1;

    it('is written with the records by a seeding import, and cleared by any import that writes records', async () => {
      await importPlatformData(handle, { accounts: defaultPlatformFixture.accounts }, { seedsDemo: { at: 1 } });
      expect(marked()).toBe(true);
      await importPlatformData(handle, {});
      expect(marked()).toBe(true);
      await importPlatformData(handle, { ledger: [{ id: 'led_x', accountId: 'acc_theo', type: 'grant', amount: 7, createdAt: '2026-11-01T00:00:00Z' }] });
      expect(marked()).toBe(false);
    });

    it('stays when an import is refused', async () => {
      await importPlatformData(handle, defaultPlatformFixture, { seedsDemo: { at: 1 } });
      await rejection({ accounts: [{ id: 'acc_theo', email: 'attacker@example.net' }] });
      expect(marked()).toBe(true);
    });
  });

  it('imports a file of 20,000 records in one go', async () => {
    const accounts = Array.from({ length: 1000 }, (_, i) => ({ id: `acc_${i}`, email: `user${i}@example.com`, name: `User ${i}`, timezone: 'UTC' }));
    const generations = Array.from({ length: 10_000 }, (_, i) => ({
      id: `gen_${i}`,
      accountId: `acc_${i % 1000}`,
      studio: (['image', 'video', 'music', 'storyboard'] as const)[i % 4],
      prompt: `prompt number ${i}`,
      settings: { resolution: '1024x1024', seed: i },
      status: i % 10 === 0 ? 'failed' : 'completed',
      createdAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
    }));
    const ledger = [
      ...accounts.map((a) => ({ id: `led_grant_${a.id}`, accountId: a.id, type: 'grant', amount: 100, createdAt: '2026-10-31T00:00:00Z' })),
      ...Array.from({ length: 8000 }, (_, i) => ({
        id: `led_spend_${i}`,
        accountId: `acc_${i % 1000}`,
        type: 'spend',
        amount: -4,
        generationId: `gen_${i}`,
        createdAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
      })),
    ];
    expect(accounts.length + generations.length + ledger.length).toBe(20_000);

    const summary = await importPlatformData(handle, { accounts, generations, ledger });

    expect(summary).toEqual({ accounts: 1000, generations: 10_000, ledger: 9000 });
    const count = (table: string) => handle.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([count('accounts'), count('generations'), count('ledger')]).toEqual([1000, 10_000, 9000]);
    // Each account: a grant of 100 and 8 spends of 4.
    expect(handle.sqlite.prepare('SELECT DISTINCT balance FROM accounts').pluck().all()).toEqual([68]);
  });
});
