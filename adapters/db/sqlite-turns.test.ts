import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationRecord, StoredMessage } from '../../src/core/support-store.ts';
import { createDrizzleSupportStore } from './drizzle-support-store.ts';
import { openSqlite } from './open-sqlite.ts';

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

describe('chat turns on a SQLite file', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  });

  function openFile() {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-turns-'));
    const path = join(dir, 'desk.sqlite');
    const handle = openSqlite(path);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => handle.close());
    return { path, handle, store: createDrizzleSupportStore(handle) };
  }

  it('writes the turns of one round together, each answered once it is committed', async () => {
    const { path, store } = openFile();
    const ids = Array.from({ length: 40 }, (_, i) => `conv_${String(i).padStart(2, '0')}`);
    for (const id of ids) await store.createConversation(conversation(id), [message(`msg_${id}_0`, 'hello', T0)]);
    const other = new Database(path, { readonly: true });
    cleanups.push(() => other.close());

    const results = await Promise.all(
      ids.map((id) => store.saveTurn(turn(id, 'retry'), 0, [message(`msg_${id}_1`, 'still failing', T0 + 1000), message(`msg_${id}_2`, 'Try again', T0 + 1001)])),
    );

    expect(results).toEqual(ids.map(() => ({ status: 'saved', version: 1 })));
    // Another connection sees every turn: committed before it was answered.
    const rows = other.prepare('SELECT id, state, version, snapshot FROM conversations ORDER BY id').all() as { id: string; state: string; version: number; snapshot: string }[];
    expect(rows.map((r) => [r.id, r.state, r.version])).toEqual(ids.map((id) => [id, 'retry', 1]));
    expect(JSON.parse(rows[0]?.snapshot ?? 'null')).toEqual({ value: 'retry', context: { note: 'turn of conv_00' } });
    expect(await store.listMessages('conv_07')).toEqual([
      message('msg_conv_07_0', 'hello', T0),
      message('msg_conv_07_1', 'still failing', T0 + 1000),
      message('msg_conv_07_2', 'Try again', T0 + 1001),
    ]);
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
    expect((await store.listMessages('conv_a')).map((m) => m.text)).toEqual(['a']);
    expect((await store.listMessages('conv_c')).map((m) => m.text)).toEqual(['c']);
  });

  it('fails a turn that waited past the busy timeout for another connection\'s write, changing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-turns-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const handle = openSqlite(join(dir, 'desk.sqlite'), { busyTimeoutMs: 300 });
    cleanups.push(() => handle.close());
    const store = createDrizzleSupportStore(handle);
    await store.createConversation(conversation('conv_1'), []);
    const other = new Database(join(dir, 'desk.sqlite'));
    cleanups.push(() => other.close());

    expect(await store.saveTurn(turn('conv_1', 'retry'), 0, [message('msg_1', 'before the other write', T0 + 1000)])).toEqual({ status: 'saved', version: 1 });

    other.exec('BEGIN IMMEDIATE');
    await expect(store.saveTurn(turn('conv_1', 'credits'), 1, [message('msg_2', 'too late', T0 + 2000)])).rejects.toThrow(/locked|busy/i);
    other.exec('COMMIT');
    expect(await store.getConversation('conv_1')).toMatchObject({ state: 'retry', version: 1 });
    expect((await store.listMessages('conv_1')).map((m) => m.text)).toEqual(['before the other write']);
    // Once the other writer is done, the next turn goes through.
    expect(await store.saveTurn(turn('conv_1', 'credits'), 1, [message('msg_3', 'now', T0 + 3000)])).toEqual({ status: 'saved', version: 2 });
  });
});
