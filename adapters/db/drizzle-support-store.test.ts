import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { supportStoreContract } from '../../test/contracts/support-store-contract.ts';
import { createDrizzleSupportStore } from './drizzle-support-store.ts';
import { CHECKPOINT_EVERY_MS, migrationsFolder, openSqlite } from './open-sqlite.ts';

/** A fresh directory under the OS temp dir, removed by `cleanup`. */
function tempDir(): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'desk-store-'));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

supportStoreContract('drizzle on a SQLite file', async () => {
  const dir = tempDir();
  const handle = openSqlite(join(dir.path, 'desk.sqlite'));
  return {
    store: createDrizzleSupportStore(handle),
    close: async () => {
      handle.close();
      dir.cleanup();
    },
  };
});

describe('openSqlite', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
    vi.useRealTimers();
  });

  function fileInTempDir(): string {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    return join(dir.path, 'nested', 'desk.sqlite');
  }

  function open(path: string, options?: { busyTimeoutMs?: number }) {
    const handle = openSqlite(path, options);
    cleanups.push(() => {
      if (handle.sqlite.open) handle.close();
    });
    return handle;
  }

  const conversation = {
    id: 'conv_1',
    channel: 'widget' as const,
    ownerEmail: null,
    ownerToken: 'tok_hash',
    state: 'greeting',
    snapshot: { value: 'greeting' },
    packetRef: null,
    version: 0,
    createdAt: 1,
    updatedAt: 1,
    expiresAt: 10_000,
  };

  it('creates the file in WAL mode, with a busy timeout and foreign keys', () => {
    const path = fileInTempDir();
    const handle = open(path);
    expect(handle.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(handle.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);

    // WAL is a property of the file: another connection sees it too.
    const other = new Database(path, { readonly: true });
    cleanups.push(() => other.close());
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('copies the WAL into the file by time, not at a commit', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = fileInTempDir();
    const handle = open(path);
    expect(handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    handle.sqlite.exec('CREATE TABLE filler (x TEXT)');
    const insert = handle.sqlite.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 100; i++) insert.run('x'.repeat(4000));
    // Committed, in the WAL only: the file has not grown yet.
    expect(statSync(path).size).toBe(before);
    vi.advanceTimersByTime(CHECKPOINT_EVERY_MS - 1);
    expect(statSync(path).size).toBe(before);
    vi.advanceTimersByTime(1);
    expect(statSync(path).size).toBeGreaterThan(before + 100 * 4000);
  });

  it('takes the busy timeout it is given', () => {
    const handle = open(fileInTempDir(), { busyTimeoutMs: 250 });
    expect(handle.sqlite.pragma('busy_timeout', { simple: true })).toBe(250);
  });

  it('applies the migrations once: opening the same file again keeps schema and data', async () => {
    const path = fileInTempDir();
    const first = open(path);
    await createDrizzleSupportStore(first).createConversation(conversation, [{ id: 'm1', from: 'user', text: 'hello', at: 2 }]);
    const tables = () =>
      first.sqlite.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").pluck().all();
    const before = tables();
    first.close();

    const second = open(path);
    const migrations = second.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
    // One row per migration drizzle-kit generated, not one per start.
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    expect(migrations).toBe(journal.entries.length);
    expect(second.sqlite.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").pluck().all()).toEqual(before);
    const store = createDrizzleSupportStore(second);
    expect(await store.getConversation('conv_1')).toEqual(conversation);
    expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual(['hello']);

    // And a third time while the second is still open (two processes starting on one file).
    const third = open(path);
    expect(third.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(journal.entries.length);
  });

  it('keeps the audit log, ids and all, when its ids stop using AUTOINCREMENT (migration 0007)', async () => {
    // A database as migrations 0000–0006 left it, with audit entries written then.
    const path = fileInTempDir();
    const older = join(path, '..', 'migrations-0006');
    cpSync(migrationsFolder, older, { recursive: true });
    rmSync(join(older, '0007_audit_ids_without_sequence.sql'));
    const journalPath = join(older, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.tag < '0007') }));
    const before = new Database(path);
    migrate(drizzle(before), { migrationsFolder: older });
    const insert = before.prepare('INSERT INTO audit_log (at, actor, action, packet_ref, evidence) VALUES (?, ?, ?, ?, ?)');
    for (const n of [1, 2, 3]) insert.run(n, 'staff:ana', `action.${n}`, 'PKT-AAAA-BBBB', JSON.stringify({ n }));
    before.prepare('DELETE FROM audit_log WHERE id = 2').run();
    expect(before.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").pluck().get()).toBe(3);
    before.close();

    const handle = open(path);
    const store = createDrizzleSupportStore(handle);
    expect((await store.listAudit('PKT-AAAA-BBBB')).map((e) => [e.id, e.action, e.evidence])).toEqual([
      [1, 'action.1', { n: 1 }],
      [3, 'action.3', { n: 3 }],
    ]);
    await store.appendAudit({ at: 4, actor: 'staff:ana', action: 'action.4', packetRef: 'PKT-AAAA-BBBB', evidence: null });
    expect((await store.listAudit('PKT-AAAA-BBBB')).map((e) => e.id)).toEqual([1, 3, 4]);
    // No sequence table row to write with every audited commit.
    expect(handle.sqlite.prepare("SELECT count(*) FROM sqlite_sequence WHERE name = 'audit_log'").pluck().get()).toBe(0);
    expect(handle.sqlite.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'audit_log' AND type = 'index'").pluck().all()).toEqual(['audit_packet']);
  });

  it('lets one of two connections win a turn on the same version, the other sees a conflict', async () => {
    const path = fileInTempDir();
    const a = createDrizzleSupportStore(open(path));
    const b = createDrizzleSupportStore(open(path));
    await a.createConversation(conversation, []);
    const update = { id: 'conv_1', state: 'askStudio', snapshot: {}, packetRef: null, updatedAt: 2, expiresAt: 20_000 };

    const fromA = await a.saveTurn(update, 0, [{ id: 'm_a', from: 'user', text: 'tab A', at: 2 }]);
    const fromB = await b.saveTurn(update, 0, [{ id: 'm_b', from: 'user', text: 'tab B', at: 2 }]);

    expect(fromA).toEqual({ status: 'saved', version: 1 });
    expect(fromB).toEqual({ status: 'conflict' });
    expect((await b.listMessages('conv_1')).map((m) => m.text)).toEqual(['tab A']);
  });

  it("numbers a turn's messages inside its write: a message another writer appends meanwhile is no conflict", async () => {
    const path = fileInTempDir();
    const store = createDrizzleSupportStore(open(path));
    const other = createDrizzleSupportStore(open(path));
    await store.createConversation(conversation, [{ id: 'm_0', from: 'bot', text: 'hello', at: 1 }]);
    const update = { id: 'conv_1', state: 'askStudio', snapshot: {}, packetRef: null, updatedAt: 3, expiresAt: 20_000 };

    // A staff reply lands (another process) while the turn is on its way to the database.
    const [saved] = await Promise.all([
      store.saveTurn(update, 0, [
        { id: 'm_user', from: 'user', text: 'it failed', at: 3 },
        { id: 'm_bot', from: 'bot', text: 'sorry', at: 4 },
      ]),
      other.appendMessages('conv_1', [{ id: 'm_agent', from: 'agent', text: 'looking into it', at: 2 }]),
    ]);

    expect(saved).toEqual({ status: 'saved', version: 1 });
    expect((await store.listMessages('conv_1')).map((m) => m.id)).toEqual(['m_0', 'm_agent', 'm_user', 'm_bot']);
  });
});
