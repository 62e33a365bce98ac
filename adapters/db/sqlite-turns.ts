import { eq, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { StoredMessage, SupportStore } from '../../src/core/support-store.ts';
import { createGroupCommit } from './group-commit.ts';
import type * as schema from './schema.ts';
import { conversations, messages } from './schema.ts';

const p = sql.placeholder;
/** A placeholder where drizzle's `set()` takes SQL: the value goes to SQLite as it is given. */
const value = (name: string) => sql`${sql.placeholder(name)}`;

/**
 * A chat turn's write on better-sqlite3 (D1 takes the store's own statements in one batch): the
 * same statements, prepared once (building a drizzle query costs more than running it), and the
 * turns that arrive in one round of the event loop share one commit (group-commit.ts). Each is kept
 * only while `npm run bench -- turn-write` shows it paying (docs/speed.md). Rejects with SQLite's
 * error when the turn breaks a constraint: a stale version, a conversation gone.
 */
export function createSqliteTurnWriter(db: BetterSQLite3Database<typeof schema>) {
  // The version check: a stale version sets NULL, which the column refuses.
  const update = db
    .update(conversations)
    .set({
      state: value('state'),
      // The column's own JSON encoding applies to this one.
      snapshot: p('snapshot'),
      packetRef: value('packetRef'),
      updatedAt: value('updatedAt'),
      expiresAt: value('expiresAt'),
      handOffLockUntil: 0,
      version: sql`CASE WHEN ${conversations.version} = ${p('expected')} THEN ${p('version')} ELSE NULL END`,
    })
    .where(eq(conversations.id, p('id')))
    .prepare();
  // Numbered by the insert itself, as the store's own message insert is.
  const insert = db
    .insert(messages)
    .values({
      id: p('id'),
      conversationId: p('conversationId'),
      seq: sql`(SELECT coalesce(max(${messages.seq}), -1) + 1 FROM ${messages} WHERE ${messages.conversationId} = ${p('conversationId')})`,
      from: p('from'),
      text: p('text'),
      options: p('options'),
      at: p('at'),
    })
    .prepare();
  // BEGIN IMMEDIATE for a round's turns; inside it, a savepoint for each when one of them fails.
  const commit = createGroupCommit((work) => db.transaction(() => work(), { behavior: 'immediate' }));

  return (record: Parameters<SupportStore['saveTurn']>[0], expected: number, list: readonly StoredMessage[]): Promise<void> =>
    commit(() => {
      update.run({ ...record, expected, version: expected + 1 });
      for (const m of list) insert.run({ id: m.id, conversationId: record.id, from: m.from, text: m.text, options: m.options ?? null, at: m.at });
    });
}
