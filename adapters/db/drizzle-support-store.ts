import { and, asc, desc, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import { Packet } from '../../src/core/support-packet.ts';
import type { ConversationRecord, OutboxRow, StoredMessage, SupportStore } from '../../src/core/support-store.ts';
import type { DeskDb } from './desk-db.ts';
import { outboxInsert, packetStatements } from './packet-writes.ts';
import { createSqliteTurnWriter } from './sqlite-turns.ts';
import { auditLog, conversations, messages, outbox, packets } from './schema.ts';

type MessageRow = typeof messages.$inferSelect;
type OutboxDbRow = typeof outbox.$inferSelect;

const messageFromRow = (row: MessageRow): StoredMessage => ({
  id: row.id,
  from: row.from,
  text: row.text,
  ...(row.options != null && { options: row.options }),
  ...(row.author != null && { author: row.author }),
  at: row.at,
});

/** The record without the hand-off lock and the read mark (details of this store, not of the conversation), and a language only once it has one. */
const conversationFromRow = ({ handOffLockUntil: _lock, readSeq: _read, locale, ...record }: typeof conversations.$inferSelect): ConversationRecord => ({
  ...record,
  ...(locale !== null && { locale }),
});

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

/** The desk's own records over drizzle: the same code on better-sqlite3 and on D1, but for a chat turn's write (sqlite-turns.ts). */
export function createDrizzleSupportStore({ db, atomic, sync }: DeskDb): SupportStore {
  const writeSqliteTurn = sync ? createSqliteTurnWriter(sync) : null;

  /**
   * A message after the conversation's last one, numbered by the insert itself: inside the write,
   * so no other writer can take the same number between a read and the write.
   */
  const insertMessage = (conversationId: string, m: StoredMessage) =>
    db.insert(messages).values({
      id: m.id,
      conversationId,
      seq: sql`(SELECT coalesce(max(${messages.seq}), -1) + 1 FROM ${messages} WHERE ${messages.conversationId} = ${conversationId})`,
      from: m.from,
      text: m.text,
      options: m.options ?? null,
      author: m.author ?? null,
      at: m.at,
    });

  /** The seq of a message of the conversation (NULL when it is not one of them), as SQL. */
  const seqOf = (conversationId: string, messageId: string) =>
    sql`(SELECT ${messages.seq} FROM ${messages} WHERE ${messages.id} = ${messageId} AND ${messages.conversationId} = ${conversationId})`;

  /**
   * A turn: the conversation's update and its messages. The version check (a stale version sets
   * NULL, which the column refuses) and the messages' foreign key make a concurrent turn, or one on
   * a deleted conversation, change nothing.
   */
  const turnStatements = (update: Parameters<SupportStore['saveTurn']>[0], expectedVersion: number, list: StoredMessage[]) => [
    db
      .update(conversations)
      .set({
        state: update.state,
        snapshot: update.snapshot,
        packetRef: update.packetRef,
        updatedAt: update.updatedAt,
        expiresAt: update.expiresAt,
        handOffLockUntil: 0,
        version: sql`CASE WHEN ${conversations.version} = ${expectedVersion} THEN ${expectedVersion + 1} ELSE NULL END`,
      })
      .where(eq(conversations.id, update.id)),
    ...list.map((m) => insertMessage(update.id, m)),
  ];

  // The queries polled most (a turn's conversation, a packet, /health), prepared once.
  const conversationQuery = db.select().from(conversations).where(eq(conversations.id, sql.placeholder('id'))).prepare();
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

  return {
    async createConversation(record, list) {
      await atomic([db.insert(conversations).values(record), ...list.map((m) => insertMessage(record.id, m))]);
    },

    async getConversation(id) {
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
      try {
        // On better-sqlite3 the same statements, prepared once, and a round's turns share a commit (sqlite-turns.ts).
        if (writeSqliteTurn) await writeSqliteTurn(update, expectedVersion, list);
        else await atomic(turnStatements(update, expectedVersion, list));
      } catch (error) {
        if (isConstraintError(error)) return { status: 'conflict' };
        throw error;
      }
      return { status: 'saved', version: expectedVersion + 1 };
    },

    async claimHandOff(id, version, now, leaseMs) {
      const claimed = await db
        .update(conversations)
        .set({ handOffLockUntil: now + leaseMs })
        .where(and(eq(conversations.id, id), eq(conversations.version, version), lte(conversations.handOffLockUntil, now)))
        .returning({ id: conversations.id });
      return claimed.length > 0;
    },

    async setConversationLocale(id, locale, { onlyIfUnset }) {
      // One statement: two first messages at once cannot both fix the language.
      await db
        .update(conversations)
        .set({ locale })
        .where(onlyIfUnset ? and(eq(conversations.id, id), isNull(conversations.locale)) : eq(conversations.id, id));
      const [row] = await db.select({ locale: conversations.locale }).from(conversations).where(eq(conversations.id, id));
      return row?.locale ?? null;
    },

    async appendMessages(conversationId, list, effects) {
      const rows = effects?.outbox ?? [];
      if (list.length === 0 && rows.length === 0) return;
      await atomic([
        ...list.map((m) => insertMessage(conversationId, m)),
        ...(effects && rows.length > 0 ? [outboxInsert(db, rows, effects.now)] : []),
      ]);
    },

    async listMessagesAfter(conversationId, afterId) {
      const after = afterId === null ? sql`-1` : sql`coalesce(${seqOf(conversationId, afterId)}, -1)`;
      const rows = await db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), sql`${messages.seq} > ${after}`))
        .orderBy(asc(messages.seq));
      return rows.map(messageFromRow);
    },

    async markRead(conversationId, messageId) {
      const seq = seqOf(conversationId, messageId);
      // Only a mark that moves forward is written: a fetch of what was read already changes no row.
      await db
        .update(conversations)
        .set({ readSeq: seq })
        .where(and(eq(conversations.id, conversationId), sql`${conversations.readSeq} < coalesce(${seq}, -1)`));
    },

    async isRead(conversationId, messageId) {
      const [row] = await db
        .select({ read: sql<number>`${conversations.readSeq} >= ${messages.seq}` })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId)));
      return row?.read === 1;
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

    async listPackets({ statuses, limit }) {
      const rows = await db
        .select({ data: packets.data })
        .from(packets)
        .where(statuses && statuses.length > 0 ? inArray(packets.status, [...statuses]) : undefined)
        .orderBy(desc(packets.createdAt), desc(packets.ref))
        .limit(limit);
      return rows.map((r) => Packet.parse(r.data));
    },

    async findPacketByCase(accountKey, runsKey) {
      if (!accountKey || !runsKey) return null;
      const [row] = await packetByCaseQuery.all({ accountKey, runsKey });
      return row ? Packet.parse(row.data) : null;
    },

    async savePacket(packet, effects) {
      await atomic(packetStatements(db, packet, effects));
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

/** A unique key, NOT NULL or foreign key refused the write (better-sqlite3 and D1 both say "constraint"). */
function isConstraintError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (/constraint/i.test(current.message) || /CONSTRAINT/.test(String((current as { code?: unknown }).code))) return true;
    current = current.cause;
  }
  return false;
}
