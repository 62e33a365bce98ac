import { Param, Placeholder, and, asc, desc, eq, fillPlaceholders, getTableColumns, inArray, lt, lte, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { Packet } from '../../src/core/support-packet.ts';
import type { ConversationRecord, OutboxRow, StoredMessage, SupportStore } from '../../src/core/support-store.ts';
import type { DeskDb } from './desk-db.ts';
import type { TurnStatements, TurnThread, TurnWrite } from './turn-thread.ts';
import { MAX_PREPARED_ROWS, createPacketWrites, createSyncCommit, isSyncDatabase, preparedRowInserts, prepareSync, prepareSyncRead } from './prepared-writes.ts';
import { auditLog, conversations, messages, outbox, packets } from './schema.ts';

type MessageRow = typeof messages.$inferSelect;
type OutboxDbRow = typeof outbox.$inferSelect;

const messageFromRow = (row: MessageRow): StoredMessage => ({
  id: row.id,
  from: row.from,
  text: row.text,
  ...(row.options != null && { options: row.options }),
  at: row.at,
});

/** The record without the hand-off lock (a detail of this store, not of the conversation). */
const conversationFromRow = ({ handOffLockUntil: _lock, ...record }: typeof conversations.$inferSelect): ConversationRecord => record;

const outboxFromRow = (row: OutboxDbRow): OutboxRow => ({
  id: row.id,
  kind: row.kind,
  destination: row.destination,
  payload: row.payload,
  dedupeKey: row.dedupeKey,
  packetRef: row.packetRef,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt,
  lastError: row.lastError,
  externalId: row.externalId,
  createdAt: row.createdAt,
  deliveredAt: row.deliveredAt,
});

/** The desk's own records over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleSupportStore({ db, atomic, turnThread: startThread }: DeskDb): SupportStore {
  const messageRows = (conversationId: string, firstSeq: number, list: StoredMessage[]) =>
    list.map((m, i) => ({
      id: m.id,
      conversationId,
      seq: firstSeq + i,
      from: m.from,
      text: m.text,
      options: m.options ?? null,
      at: m.at,
    }));

  // The queries of every chat turn, prepared once (building and preparing them costs more than running them).
  const lastSeqSelect = db
    .select({ last: sql<number | null>`max(${messages.seq})` })
    .from(messages)
    .where(eq(messages.conversationId, sql.placeholder('id')));
  const lastSeqQuery = lastSeqSelect.prepare();
  const conversationSelect = db.select().from(conversations).where(eq(conversations.id, sql.placeholder('id')));
  const conversationQuery = conversationSelect.prepare();
  const packetQuery = db.select({ data: packets.data }).from(packets).where(eq(packets.ref, sql.placeholder('ref'))).prepare();
  // The case's packet through its unique index, which covers only packets with both keys: the
  // query says so too (`<> ''`), or SQLite cannot use the partial index and scans the table.
  const packetByCaseQuery = db
    .select({ data: packets.data })
    .from(packets)
    .where(
      and(
        eq(packets.accountKey, sql.placeholder('accountKey')),
        eq(packets.runsKey, sql.placeholder('runsKey')),
        sql`${packets.runsKey} <> '' AND ${packets.accountKey} <> ''`,
      ),
    )
    .prepare();

  // What /health reports, in one statement (one snapshot: the counts agree with each other), each
  // part through the outbox's (status, next_attempt_at) index; prepared once, as health is polled.
  const pendingOutbox = sql`FROM ${outbox} WHERE ${outbox.status} = 'pending'`;
  const backlogQuery = db
    .select({
      pending: sql<number>`(SELECT count(*) ${pendingOutbox})`,
      due: sql<number>`(SELECT count(*) ${pendingOutbox} AND ${outbox.nextAttemptAt} <= ${sql.placeholder('now')})`,
      dead: sql<number>`(SELECT count(*) FROM ${outbox} WHERE ${outbox.status} = 'dead')`,
      oldest: sql<number | null>`(SELECT min(${outbox.createdAt}) ${pendingOutbox})`,
    })
    .from(sql`(SELECT 1)`)
    .prepare();

  // A turn's writes on better-sqlite3: statements prepared once (see prepared-writes.ts).
  const sync = isSyncDatabase(db);
  const value = (name: string) => sql`${sql.placeholder(name)}`;
  const turnUpdateQuery = db
    .update(conversations)
    .set({
      state: value('state'),
      // The column's own JSON encoding applies to this one.
      snapshot: sql.placeholder('snapshot'),
      packetRef: value('packetRef'),
      updatedAt: value('updatedAt'),
      expiresAt: value('expiresAt'),
      handOffLockUntil: 0,
      version: sql`CASE WHEN ${conversations.version} = ${sql.placeholder('expected')} THEN ${sql.placeholder('version')} ELSE NULL END`,
    })
    .where(eq(conversations.id, sql.placeholder('id')));
  const turnUpdate = sync ? prepareSync(turnUpdateQuery) : null;
  const lastSeqSync = sync ? prepareSyncRead<{ last: number | null }>(lastSeqQuery) : null;
  const messageInsert = preparedRowInserts(MESSAGE_FIELDS, (rows) =>
    db.insert(messages).values(rows.map((row) => ({ ...row, conversationId: sql.placeholder('conversationId') }))),
  );
  const packetWrites = createPacketWrites(db);
  // Writes arriving together commit together (each in its own savepoint): see group-commit.ts.
  const commit = sync ? createSyncCommit(db) : null;

  /*
   * On a server's file, turns are read and written by a thread of their own (turn-thread.ts): the
   * same statements, built here by drizzle, with values bound and rows mapped here by its columns.
   */
  const turnThread = startThread
    ? connectTurnThread(startThread, {
        read: conversationSelect.toSQL(),
        update: turnUpdateQuery.toSQL(),
        lastSeq: lastSeqSelect.toSQL(),
        insertMessage: db
          .insert(messages)
          .values(Object.fromEntries(MESSAGE_COLUMNS.map((column) => [column, sql.placeholder(column)])) as Record<(typeof MESSAGE_COLUMNS)[number], Placeholder>)
          .toSQL(),
      })
    : null;

  async function nextSeq(conversationId: string): Promise<number> {
    const [row] = await lastSeqQuery.all({ id: conversationId });
    return (row?.last ?? -1) + 1;
  }

  return {
    async createConversation(record, list) {
      const statements: BatchItem<'sqlite'>[] = [db.insert(conversations).values(record)];
      if (list.length > 0) statements.push(db.insert(messages).values(messageRows(record.id, 0, list)));
      await atomic(statements);
    },

    async getConversation(id) {
      if (turnThread?.thread.alive) {
        // A thread that stops meanwhile leaves the read to the main connection.
        const raw = await turnThread.thread.read(id).catch(() => undefined);
        if (raw !== undefined) return raw ? conversationFromRow(turnThread.conversationRow(raw)) : null;
      }
      const [row] = await conversationQuery.all({ id });
      return row ? conversationFromRow(row) : null;
    },

    async listMessages(conversationId) {
      const rows = await db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.seq));
      return rows.map(messageFromRow);
    },

    async saveTurn(update, expectedVersion, list) {
      const version = expectedVersion + 1;
      if (turnThread?.thread.alive) {
        const outcome = await turnThread.thread.write(turnThread.bind(update, expectedVersion, list));
        return outcome === 'conflict' ? { status: 'conflict' } : { status: 'saved', version };
      }
      if (turnUpdate && lastSeqSync && commit && list.length <= MAX_PREPARED_ROWS) {
        try {
          await commit(() => {
            turnUpdate.run({ ...update, expected: expectedVersion, version });
            if (list.length === 0) return;
            // Numbered inside the write transaction: no other writer can take the same numbers.
            const seq = (lastSeqSync.get({ id: update.id })?.last ?? -1) + 1;
            const rows = list.map((m, i) => ({ id: m.id, seq: seq + i, from: m.from, text: m.text, options: m.options ?? null, at: m.at }));
            messageInsert.run(rows, { conversationId: update.id });
          });
        } catch (error) {
          if (isConstraintError(error)) return { status: 'conflict' };
          throw error;
        }
        return { status: 'saved', version };
      }
      try {
        // The version check and the messages' unique (conversation, seq) make a concurrent turn fail
        // as a whole: whichever writer comes second changes nothing.
        const statements: BatchItem<'sqlite'>[] = [
          db
            .update(conversations)
            .set({
              state: update.state,
              snapshot: update.snapshot,
              packetRef: update.packetRef,
              updatedAt: update.updatedAt,
              expiresAt: update.expiresAt,
              handOffLockUntil: 0,
              version: sql`CASE WHEN ${conversations.version} = ${expectedVersion} THEN ${version} ELSE NULL END`,
            })
            .where(eq(conversations.id, update.id)),
        ];
        if (list.length > 0) statements.push(db.insert(messages).values(messageRows(update.id, await nextSeq(update.id), list)));
        await atomic(statements);
      } catch (error) {
        if (isConstraintError(error)) return { status: 'conflict' };
        throw error;
      }
      return { status: 'saved', version };
    },

    async claimHandOff(id, version, now, leaseMs) {
      const claimed = await db
        .update(conversations)
        .set({ handOffLockUntil: now + leaseMs })
        .where(and(eq(conversations.id, id), eq(conversations.version, version), lte(conversations.handOffLockUntil, now)))
        .returning({ id: conversations.id });
      return claimed.length > 0;
    },

    async appendMessages(conversationId, list) {
      if (list.length === 0) return;
      for (let attempt = 0; ; attempt++) {
        try {
          await atomic([db.insert(messages).values(messageRows(conversationId, await nextSeq(conversationId), list))]);
          return;
        } catch (error) {
          // A turn took the same sequence numbers first: go after it.
          if (attempt < 4 && isConstraintError(error)) continue;
          throw error;
        }
      }
    },

    async findConversationByPacketRef(ref) {
      const [row] = await db
        .select()
        .from(conversations)
        .where(eq(conversations.packetRef, ref))
        .orderBy(desc(conversations.updatedAt))
        .limit(1);
      return row ? conversationFromRow(row) : null;
    },

    async deleteExpiredConversations(now) {
      // One statement, the expiry checked where the rows are deleted: a list of ids read first would
      // bind one parameter per conversation (D1 allows 100) and could delete a conversation that a
      // turn had just extended. Their messages go with them (ON DELETE CASCADE).
      const deleted = await db
        .delete(conversations)
        .where(lt(conversations.expiresAt, now))
        .returning({ id: conversations.id });
      return deleted.length;
    },

    async getPacket(ref) {
      const [row] = await packetQuery.all({ ref });
      return row ? Packet.parse(row.data) : null;
    },

    async findPacketByCase(accountKey, runsKey) {
      if (!accountKey || !runsKey) return null;
      const [row] = await packetByCaseQuery.all({ accountKey, runsKey });
      return row ? Packet.parse(row.data) : null;
    },

    async savePacket(packet, effects) {
      if (packetWrites.run && commit) {
        const { run } = packetWrites;
        await commit(() => run(packet, effects));
        return;
      }
      await atomic(packetWrites.statements(packet, effects));
    },

    async claimOutbox(now, limit, leaseMs) {
      const due = await db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), lte(outbox.leaseUntil, now)))
        .orderBy(asc(outbox.nextAttemptAt))
        .limit(limit);
      if (due.length === 0) return [];
      // Claim with a guarded update: a row another relay claimed meanwhile is not taken twice.
      const claimed = await db
        .update(outbox)
        .set({ leaseUntil: now + leaseMs, attempts: sql`${outbox.attempts} + 1` })
        .where(
          and(
            inArray(
              outbox.id,
              due.map((r) => r.id),
            ),
            eq(outbox.status, 'pending'),
            lte(outbox.leaseUntil, now),
          ),
        )
        .returning();
      return claimed.map(outboxFromRow).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt);
    },

    async markDelivered(id, externalId, now) {
      await db
        .update(outbox)
        .set({ status: 'delivered', externalId, deliveredAt: now, leaseUntil: 0, lastError: null })
        .where(eq(outbox.id, id));
    },

    async markFailed(id, error, nextAttemptAt) {
      await db
        .update(outbox)
        .set(
          nextAttemptAt === null
            ? { status: 'dead', lastError: error, leaseUntil: 0 }
            : { lastError: error, nextAttemptAt, leaseUntil: 0 },
        )
        .where(and(eq(outbox.id, id), eq(outbox.status, 'pending')));
    },

    async outboxBacklog(now) {
      const [row] = await backlogQuery.all({ now });
      return { pending: row?.pending ?? 0, due: row?.due ?? 0, dead: row?.dead ?? 0, oldestPendingAt: row?.oldest ?? null };
    },

    async listOutbox(filter = {}) {
      const rows = await db
        .select()
        .from(outbox)
        .where(filter.packetRef ? eq(outbox.packetRef, filter.packetRef) : undefined)
        .orderBy(asc(outbox.createdAt), asc(outbox.id));
      return rows.map(outboxFromRow);
    },

    async appendAudit(entry) {
      await db.insert(auditLog).values(entry);
    },

    async listAudit(packetRef) {
      return db.select().from(auditLog).where(eq(auditLog.packetRef, packetRef)).orderBy(asc(auditLog.id));
    },
  };
}

const MESSAGE_FIELDS = ['id', 'seq', 'from', 'text', 'options', 'at'] as const;

/** Every column of a message row: the turn thread's insert names them all. */
const MESSAGE_COLUMNS = ['conversationId', ...MESSAGE_FIELDS] as const;

type BuiltQuery = { sql: string; params: unknown[] };

/**
 * Starts the turns' thread with the store's own statements, as drizzle built them; binds a turn's
 * values to them here through drizzle's encoders (the snapshot's JSON), and maps a row read there
 * through the columns' decoders.
 */
function connectTurnThread(
  start: (statements: TurnStatements) => TurnThread,
  queries: { read: BuiltQuery; update: BuiltQuery; lastSeq: BuiltQuery; insertMessage: BuiltQuery },
) {
  const placeholderName = (param: unknown): string | undefined => {
    const inner = param instanceof Param ? param.value : param;
    return inner instanceof Placeholder ? inner.name : undefined;
  };
  const { read, update, lastSeq, insertMessage } = queries;
  const seqIndex = insertMessage.params.findIndex((param) => placeholderName(param) === 'seq');
  if (seqIndex < 0) throw new Error('the message insert has no seq parameter');
  // `select()` of a table selects its columns in their declared order.
  const columns = Object.entries(getTableColumns(conversations));
  const thread = start({ read: read.sql, update: update.sql, lastSeq: lastSeq.sql, insertMessage: insertMessage.sql, seqIndex });
  return {
    thread,
    conversationRow(raw: unknown[]): typeof conversations.$inferSelect {
      return Object.fromEntries(columns.map(([key, column], i) => [key, raw[i] === null ? null : column.mapFromDriverValue(raw[i])])) as typeof conversations.$inferSelect;
    },
    bind(record: Parameters<SupportStore['saveTurn']>[0], expected: number, list: StoredMessage[]): TurnWrite {
      return {
        update: fillPlaceholders(update.params, { ...record, expected, version: expected + 1 }),
        conversationId: record.id,
        // `seq` is numbered by the thread, inside its transaction.
        messages: list.map((m) =>
          fillPlaceholders(insertMessage.params, { id: m.id, conversationId: record.id, seq: null, from: m.from, text: m.text, options: m.options ?? null, at: m.at }),
        ),
      };
    },
  };
}

/** A unique key or NOT NULL check refused the write (better-sqlite3 and D1 both say "constraint"). */
function isConstraintError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (/constraint/i.test(current.message) || /CONSTRAINT/.test(String((current as { code?: unknown }).code))) return true;
    current = current.cause;
  }
  return false;
}
