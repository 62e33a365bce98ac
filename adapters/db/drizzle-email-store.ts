import { and, asc, count, desc, eq, gte, sql } from 'drizzle-orm';
import type { DeadLetter, EmailStore, ProcessedMessage, RecordResult } from '../../src/email/email-store.ts';
import type { DeskDb } from './desk-db.ts';
import { packetStatements } from './packet-writes.ts';
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

/** The email intake's records over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleEmailStore({ db, atomic }: DeskDb): EmailStore {
  // Every message runs these: prepared once, they skip building and compiling the SQL each time.
  const messageQuery = db.select().from(emailMessages).where(eq(emailMessages.messageId, sql.placeholder('messageId'))).prepare();
  async function getMessage(messageId: string): Promise<ProcessedMessage | null> {
    const [row] = await messageQuery.all({ messageId });
    return row ? fromRow(row) : null;
  }

  const repliesSince = db
    .select({ n: count() })
    .from(emailMessages)
    .where(
      and(eq(emailMessages.sender, sql.placeholder('sender')), gte(emailMessages.receivedAt, sql.placeholder('since')), eq(emailMessages.autoReplied, true)),
    )
    .prepare();

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
        await db.insert(emailMessages).values(message);
      });
    },

    async fileMessage(message, packet, effects) {
      return settle(message, async () => {
        // The message first: a duplicate fails before the packet is touched.
        await atomic([db.insert(emailMessages).values(message), ...packetStatements(db, packet, effects)]);
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
