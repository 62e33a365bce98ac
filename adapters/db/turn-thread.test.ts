import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationRecord, StoredMessage, SupportStore } from '../../src/core/support-store.ts';
import { createDrizzleSupportStore } from './drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from './open-sqlite.ts';
import { startTurnThread } from './turn-thread.ts';

const T0 = Date.UTC(2026, 10, 24, 12);

const conversation = (id: string): ConversationRecord => ({
  id,
  channel: 'widget',
  ownerEmail: 'maya@example.com',
  ownerToken: null,
  state: 'greeting',
  snapshot: { value: 'greeting' },
  packetRef: null,
  version: 0,
  createdAt: T0,
  updatedAt: T0,
  expiresAt: T0 + 86_400_000,
});

const message = (id: string, text: string, at: number): StoredMessage => ({ id, from: 'user', text, at });

const turn = (id: string, state: string) => ({
  id,
  state,
  snapshot: { value: state, context: { note: `turn of ${id}` } },
  packetRef: null,
  updatedAt: T0 + 1000,
  expiresAt: T0 + 2 * 86_400_000,
});

describe('chat turns read and written by their own thread', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  function openFile(options: { busyTimeoutMs?: number } = {}): { path: string; handle: SqliteHandle; store: SupportStore } {
    const dir = mkdtempSync(join(tmpdir(), 'turn-thread-'));
    const path = join(dir, 'desk.sqlite');
    const handle = openSqlite(path, { turnThread: true, ...options });
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => {
      if (handle.sqlite.open) handle.close();
    });
    return { path, handle, store: createDrizzleSupportStore(handle) };
  }

  /** Rows the main connection changed itself: the thread's writes are not among them. */
  const ownChanges = (handle: SqliteHandle) => (handle.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

  it('writes the turns of one round together on its own connection, each answered once it is committed', async () => {
    const { path, handle, store } = openFile();
    const ids = Array.from({ length: 40 }, (_, i) => `conv_${String(i).padStart(2, '0')}`);
    for (const id of ids) await store.createConversation(conversation(id), [message(`msg_${id}_0`, 'hello', T0)]);
    const before = ownChanges(handle);

    const results = await Promise.all(
      ids.map((id) => store.saveTurn(turn(id, 'retry'), 0, [message(`msg_${id}_1`, 'still failing', T0 + 1000), message(`msg_${id}_2`, 'Try again', T0 + 1001)])),
    );

    expect(results).toEqual(ids.map(() => ({ status: 'saved', version: 1 })));
    expect(ownChanges(handle)).toBe(before);
    // Another connection sees every turn: committed before it was answered.
    const other = new Database(path, { readonly: true });
    cleanups.push(() => other.close());
    const rows = other.prepare('SELECT id, state, version, snapshot FROM conversations ORDER BY id').all() as { id: string; state: string; version: number; snapshot: string }[];
    expect(rows.map((r) => [r.id, r.state, r.version])).toEqual(ids.map((id) => [id, 'retry', 1]));
    expect(JSON.parse(rows[0]?.snapshot ?? 'null')).toEqual({ value: 'retry', context: { note: 'turn of conv_00' } });
    expect(await store.listMessages('conv_07')).toEqual([
      message('msg_conv_07_0', 'hello', T0),
      message('msg_conv_07_1', 'still failing', T0 + 1000),
      message('msg_conv_07_2', 'Try again', T0 + 1001),
    ]);
  });

  it('reads a conversation on the thread as the main connection reads it, seeing what either connection wrote', async () => {
    const { handle, store } = openFile();
    const main = createDrizzleSupportStore({ db: handle.db, atomic: handle.atomic });
    await store.createConversation({ ...conversation('conv_1'), ownerEmail: null, ownerToken: 'tok', packetRef: 'PKT-ABC123' }, []);
    expect(await store.getConversation('conv_1')).toEqual(await main.getConversation('conv_1'));
    expect(await store.getConversation('conv_1')).toEqual({ ...conversation('conv_1'), ownerEmail: null, ownerToken: 'tok', packetRef: 'PKT-ABC123' });
    expect(await store.getConversation('conv_nobody')).toBeNull();

    await store.saveTurn(turn('conv_1', 'credits'), 0, []);
    expect(await store.getConversation('conv_1')).toEqual(await main.getConversation('conv_1'));
    expect(await store.getConversation('conv_1')).toMatchObject({ state: 'credits', version: 1, snapshot: turn('conv_1', 'credits').snapshot });
    // A write on the main connection (a hand-off's claim) is seen by the thread's next read.
    expect(await store.claimHandOff('conv_1', 1, T0 + 5000, 30_000)).toBe(true);
    expect(await store.claimHandOff('conv_1', 1, T0 + 5001, 30_000)).toBe(false);
    await main.deleteExpiredConversations(T0 + 3 * 86_400_000);
    expect(await store.getConversation('conv_1')).toBeNull();
  });

  it('answers each of the many reads asked for in one round with its own conversation, writes of the round among them', async () => {
    const { store } = openFile();
    const ids = Array.from({ length: 11 }, (_, i) => `conv_${i}`);
    for (const id of ids) await store.createConversation({ ...conversation(id), state: `state_of_${id}` }, []);

    // Ten reads in one round go as three messages (four, four, two), a write among them; a second write and a read after it follow.
    const round = ids.map((id, i) => (i === 5 ? store.saveTurn(turn(id, 'credits'), 0, []) : store.getConversation(id)));
    const afterWrite = store.saveTurn(turn('conv_5', 'findings'), 1, []).then(() => store.getConversation('conv_5'));
    const answers = await Promise.all(round);

    answers.forEach((answer, i) => {
      if (i === 5) expect(answer).toEqual({ status: 'saved', version: 1 });
      else expect(answer).toMatchObject({ id: ids[i], state: `state_of_${ids[i]}`, version: 0 });
    });
    expect(await afterWrite).toMatchObject({ id: 'conv_5', state: 'findings', version: 2 });
    expect(await store.getConversation('conv_nobody')).toBeNull();
  });

  it('refuses a stale turn and a turn of a conversation gone, changing nothing of theirs, while the rest of the round is written', async () => {
    const { store } = openFile();
    for (const id of ['conv_a', 'conv_b', 'conv_c']) await store.createConversation(conversation(id), []);
    await store.saveTurn(turn('conv_b', 'retry'), 0, [message('msg_b1', 'first tab', T0 + 500)]);

    const [a, staleB, gone, c] = await Promise.all([
      store.saveTurn(turn('conv_a', 'simplify'), 0, [message('msg_a1', 'a', T0 + 1000)]),
      store.saveTurn(turn('conv_b', 'credits'), 0, [message('msg_b2', 'second tab', T0 + 1000)]),
      store.saveTurn(turn('conv_gone', 'retry'), 0, [message('msg_g1', 'nobody', T0 + 1000)]),
      store.saveTurn(turn('conv_c', 'credits'), 0, [message('msg_c1', 'c', T0 + 1000)]),
    ]);

    expect([a, staleB, gone, c]).toEqual([{ status: 'saved', version: 1 }, { status: 'conflict' }, { status: 'conflict' }, { status: 'saved', version: 1 }]);
    expect(await store.getConversation('conv_b')).toMatchObject({ state: 'retry', version: 1 });
    expect((await store.listMessages('conv_b')).map((m) => m.text)).toEqual(['first tab']);
    expect(await store.getConversation('conv_gone')).toBeNull();
    expect(await store.listMessages('conv_gone')).toEqual([]);
    expect((await store.listMessages('conv_c')).map((m) => m.text)).toEqual(['c']);
  });

  it('numbers a turn’s messages after those written meanwhile on the main connection', async () => {
    const { store } = openFile();
    await store.createConversation(conversation('conv_1'), [message('msg_0', 'hello', T0)]);
    await store.appendMessages('conv_1', [message('msg_staff', 'Refund approved', T0 + 10)]);
    expect(await store.saveTurn(turn('conv_1', 'resolved'), 0, [message('msg_1', 'thanks', T0 + 20)])).toEqual({ status: 'saved', version: 1 });
    await store.appendMessages('conv_1', [message('msg_staff2', 'Anything else?', T0 + 30)]);
    expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual(['hello', 'Refund approved', 'thanks', 'Anything else?']);
  });

  it('waits for a write on the main connection to end, answering reads meanwhile, then writes the turn; past the busy timeout the turn fails and changes nothing', async () => {
    const { handle, store } = openFile({ busyTimeoutMs: 300 });
    await store.createConversation(conversation('conv_1'), []);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    handle.sqlite.prepare('BEGIN IMMEDIATE').run();
    let settled = false;
    const waiting = store.saveTurn(turn('conv_1', 'retry'), 0, [message('msg_1', 'after the main write', T0 + 1000)]).finally(() => {
      settled = true;
    });
    await sleep(100);
    expect(settled).toBe(false);
    // Reads are answered meanwhile: they never wait for a writer (WAL), nor for the turn that does.
    expect(await store.getConversation('conv_1')).toMatchObject({ state: 'greeting', version: 0 });
    expect(settled).toBe(false);
    handle.sqlite.prepare('COMMIT').run();
    expect(await waiting).toEqual({ status: 'saved', version: 1 });

    handle.sqlite.prepare('BEGIN IMMEDIATE').run();
    const refused = store.saveTurn(turn('conv_1', 'credits'), 1, [message('msg_2', 'too late', T0 + 2000)]);
    await expect(refused).rejects.toThrow(/locked|busy/i);
    handle.sqlite.prepare('COMMIT').run();
    expect(await store.getConversation('conv_1')).toMatchObject({ state: 'retry', version: 1 });
    expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual(['after the main write']);
  });

  it('writes the turns it was handed before the database is closed', async () => {
    const { path, handle, store } = openFile();
    for (const id of ['conv_1', 'conv_2', 'conv_3']) await store.createConversation(conversation(id), []);

    const writes = ['conv_1', 'conv_2', 'conv_3'].map((id) => store.saveTurn(turn(id, 'findings'), 0, [message(`msg_${id}`, 'bye', T0 + 1000)]));
    handle.close();

    expect(await Promise.all(writes)).toEqual([1, 2, 3].map(() => ({ status: 'saved', version: 1 })));
    const reopened = new Database(path, { readonly: true });
    cleanups.push(() => reopened.close());
    expect(reopened.prepare("SELECT count(*) AS n FROM conversations WHERE state = 'findings'").get()).toEqual({ n: 3 });
    expect(reopened.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 3 });
  });

  it('fails the turns it holds when its thread cannot run, and the store goes on writing on its own connection', async () => {
    const { handle } = openFile();
    const reported: string[] = [];
    const store = createDrizzleSupportStore({
      ...handle,
      // A thread whose file does not exist dies on opening it.
      turnThread: (statements) => startTurnThread(join(tmpdir(), 'no-such-dir', 'missing.sqlite'), statements, { onError: (m) => reported.push(m) }),
    });
    await store.createConversation(conversation('conv_1'), []);

    await expect(store.saveTurn(turn('conv_1', 'retry'), 0, [message('msg_1', 'lost', T0 + 1000)])).rejects.toThrow(/turn thread stopped/);
    expect(reported).toHaveLength(1);
    // Reads go to the main connection once the thread is gone.
    expect(await store.getConversation('conv_1')).toEqual(conversation('conv_1'));

    expect(await store.saveTurn(turn('conv_1', 'retry'), 0, [message('msg_2', 'written', T0 + 2000)])).toEqual({ status: 'saved', version: 1 });
    expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual(['written']);
  });
});
