import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

describe('group commit', () => {
  let sqlite: Database.Database;
  afterEach(() => {
    if (sqlite?.open) sqlite.close();
  });

  function open() {
    sqlite = new Database(':memory:');
    sqlite.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    const insert = sqlite.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    let commits = 0;
    let savepoints = 0;
    const transaction = (work: () => void) => {
      const wasOpen = sqlite.inTransaction;
      if (wasOpen) savepoints++;
      sqlite.transaction(work).immediate();
      if (!wasOpen) commits++;
    };
    return { insert, commit: createGroupCommit(transaction), commits: () => commits, savepoints: () => savepoints };
  }

  it('commits the writes of one turn of the event loop in one transaction', async () => {
    const { insert, commit, commits } = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => commit(() => insert.run(`k${i}`, i))));
    expect(commits()).toBe(1);
    expect(sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 20 });
  });

  it('rolls back a failing write alone and tells only its caller', async () => {
    const { insert, commit } = open();
    const results = await Promise.allSettled([
      commit(() => insert.run('a', 1)),
      commit(() => {
        insert.run('b', 2);
        insert.run('a', 3); // the same key: this whole write is undone, 'b' too
      }),
      commit(() => insert.run('c', 4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint/);
    expect(sqlite.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 4 },
    ]);
  });

  it('runs a batch without savepoints while its writes succeed', async () => {
    const { insert, commit, savepoints } = open();
    await Promise.all(Array.from({ length: 5 }, (_, i) => commit(() => insert.run(`k${i}`, i))));
    await commit(() => insert.run('alone', 9));
    expect(savepoints()).toBe(0);
  });

  it('runs the batch again, each write in its savepoint, when one fails: the others run twice and commit once', async () => {
    const { insert, commit, savepoints, commits } = open();
    let runs = 0;
    const results = await Promise.allSettled([
      commit(() => {
        runs++;
        insert.run('a', 1);
      }),
      commit(() => insert.run('a', 2)),
      commit(() => insert.run('c', 3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(runs).toBe(2);
    expect(savepoints()).toBe(3);
    expect(commits()).toBe(1); // the first attempt was rolled back
    expect(sqlite.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: 1 },
      { k: 'c', v: 3 },
    ]);
  });

  it('fails a write alone in its batch with its own error, writing none of it', async () => {
    const { insert, commit, savepoints } = open();
    await commit(() => insert.run('a', 1));
    const alone = commit(() => {
      insert.run('b', 2);
      insert.run('a', 3);
    });
    await expect(alone).rejects.toThrow(/UNIQUE constraint/);
    expect(savepoints()).toBe(0);
    expect(sqlite.prepare('SELECT k FROM t ORDER BY k').pluck().all()).toEqual(['a']);
  });

  it('answers only after the commit: a caller that has heard back finds its write in the file', async () => {
    const { insert, commit } = open();
    await commit(() => insert.run('x', 1));
    expect(sqlite.inTransaction).toBe(false);
    expect(sqlite.prepare('SELECT v FROM t WHERE k = ?').get('x')).toEqual({ v: 1 });
  });

  it('rejects every write of a batch whose transaction cannot begin (another writer holds the file), and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    const file = join(dir, 'db.sqlite');
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 0');
    sqlite.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
    const insert = sqlite.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const commit = createGroupCommit((work) => sqlite.transaction(work).immediate());
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const results = await Promise.allSettled([commit(() => insert.run('p', 1)), commit(() => insert.run('q', 2))]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
      other.exec('ROLLBACK');
      expect(sqlite.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
      // Once the other writer is gone, the next batch goes through.
      await commit(() => insert.run('r', 3));
      expect(other.prepare('SELECT k FROM t').all()).toEqual([{ k: 'r' }]);
    } finally {
      other.close();
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
