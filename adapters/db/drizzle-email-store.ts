import { and, asc, count, desc, eq, gte, sql } from 'drizzle-orm';
import type { DeadLetter, EmailStore, ProcessedMessage, RecordResult } from '../../src/email/email-store.ts';
import type { DeskDb } from './desk-db.ts';
import { createPacketWrites, createSyncCommit, isSyncDatabase, prepareSync } from './prepared-writes.ts';
import { emailDeadLetters, emailMessages } from './schema.ts';

type MessageRow = typeof emailMessages.$inferSelect;

const fromRow = (row: MessageRow): ProcessedMessage => ({
  messageId: row.messageId,
  sender: row.sender,
  status: row.status,
  reason: row.reason,
  packetRef: row.packetRef,
  autoReplied: row.autoReplied,
  receivedAt: row.receivedAt,
  // Every record is written settled (older rows have it too).
  finishedAt: row.finishedAt ?? row.receivedAt,
});

const MESSAGE_PLACEHOLDERS = {
  messageId: sql.placeholder('messageId'),
  sender: sql.placeholder('sender'),
  status: sql.placeholder('status'),
  reason: sql.placeholder('reason'),
  packetRef: sql.placeholder('packetRef'),
  autoReplied: sql.placeholder('autoReplied'),
  receivedAt: sql.placeholder('receivedAt'),
  finishedAt: sql.placeholder('finishedAt'),
};

/** The email intake's records over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleEmailStore({ db, atomic }: DeskDb): EmailStore {
  // Every message runs these: prepared once, they skip building and compiling the SQL each time.
  const messageQuery = db.select().from(emailMessages).where(eq(emailMessages.messageId, sql.placeholder('messageId'))).prepare();
  async function getMessage(messageId: string): Promise<ProcessedMessage | null> {
    const [row] = await messageQuery.all({ messageId });
    return row ? fromRow(row) : null;
  }

  const sync = isSyncDatabase(db);
  const record = sync ? prepareSync(db.insert(emailMessages).values(MESSAGE_PLACEHOLDERS)) : null;
  const repliesSince = db
    .select({ n: count() })
    .from(emailMessages)
    .where(
      and(eq(emailMessages.sender, sql.placeholder('sender')), gte(emailMessages.receivedAt, sql.placeholder('since')), eq(emailMessages.autoReplied, true)),
    )
    .prepare();
  const packetWrites = createPacketWrites(db);
  // On better-sqlite3 the writes go through group commit; D1 takes built statements in one batch.
  const commit = sync ? createSyncCommit(db) : null;

  /** Runs a message's write; a Message-ID written first by another delivery makes it a duplicate. */
  async function settle(message: ProcessedMessage, write: () => Promise<void>): Promise<RecordResult> {
    try {
      await write();
      return { status: 'recorded' };
    } catch (error) {
      // The write failed as a whole; if the message's own key was taken, that is the answer.
      const first = await getMessage(message.messageId);
      if (first) return { status: 'duplicate', message: first };
      throw error;
    }
  }

  return {
    async recordMessage(message) {
      return settle(message, async () => {
        if (record && commit) await commit(() => record.run({ ...message }));
        else await db.insert(emailMessages).values(message);
      });
    },

    async fileMessage(message, packet, effects) {
      return settle(message, async () => {
        if (record && packetWrites.run && commit) {
          const { run } = packetWrites;
          await commit(() => {
            // The message first: a duplicate fails before the packet is touched.
            record.run({ ...message });
            run(packet, effects);
          });
          return;
        }
        await atomic([db.insert(emailMessages).values(message), ...packetWrites.statements(packet, effects)]);
      });
    },

    getMessage,

    async listThread(packetRef) {
      const rows = await db
        .select()
        .from(emailMessages)
        .where(eq(emailMessages.packetRef, packetRef))
        .orderBy(asc(emailMessages.receivedAt), asc(emailMessages.messageId));
      return rows.map(fromRow);
    },

    async countAutoReplies(sender, since) {
      const [row] = await repliesSince.all({ sender, since });
      return row?.n ?? 0;
    },

    async addDeadLetter(letter) {
      await db.insert(emailDeadLetters).values(letter);
    },

    async listDeadLetters(limit = 100) {
      const rows: DeadLetter[] = await db
        .select()
        .from(emailDeadLetters)
        .orderBy(desc(emailDeadLetters.receivedAt), desc(emailDeadLetters.id))
        .limit(limit);
      return rows;
    },
  };
}
