import { and, asc, count, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { DeadLetter, EmailStore, ProcessedMessage } from '../../src/email/email-store.ts';
import type { DeskDb } from './desk-db.ts';
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
  finishedAt: row.finishedAt,
});

/** The email intake's records over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleEmailStore({ db }: DeskDb): EmailStore {
  async function getMessage(messageId: string): Promise<ProcessedMessage | null> {
    const [row] = await db.select().from(emailMessages).where(eq(emailMessages.messageId, messageId));
    return row ? fromRow(row) : null;
  }

  // Every message runs these: prepared once, they skip building and compiling the SQL each time.
  const claim = db
    .insert(emailMessages)
    .values({
      messageId: sql.placeholder('messageId'),
      sender: sql.placeholder('sender'),
      status: 'processing',
      receivedAt: sql.placeholder('now'),
      leaseUntil: sql.placeholder('leaseUntil'),
    })
    // One statement: a new id is inserted; an existing one is taken over only while it is an
    // abandoned claim. RETURNING answers a row exactly when this call holds the claim.
    .onConflictDoUpdate({
      target: emailMessages.messageId,
      set: { sender: sql`excluded.sender`, receivedAt: sql`excluded.received_at`, leaseUntil: sql`excluded.lease_until` },
      setWhere: and(eq(emailMessages.status, 'processing'), lte(emailMessages.leaseUntil, sql`excluded.received_at`)),
    })
    .returning({ messageId: emailMessages.messageId })
    .prepare();
  const repliesSince = db
    .select({ n: count() })
    .from(emailMessages)
    .where(
      and(eq(emailMessages.sender, sql.placeholder('sender')), gte(emailMessages.receivedAt, sql.placeholder('since')), eq(emailMessages.autoReplied, true)),
    )
    .prepare();
  const finish = db
    .update(emailMessages)
    .set({
      status: sql`${sql.placeholder('status')}`,
      reason: sql`${sql.placeholder('reason')}`,
      packetRef: sql`${sql.placeholder('packetRef')}`,
      autoReplied: sql`${sql.placeholder('autoReplied')}`,
      finishedAt: sql`${sql.placeholder('now')}`,
      leaseUntil: 0,
    })
    .where(eq(emailMessages.messageId, sql.placeholder('messageId')))
    .prepare();

  return {
    async claimMessage(messageId, { sender, now, leaseMs }) {
      const claimed = await claim.all({ messageId, sender, now, leaseUntil: now + leaseMs });
      if (claimed.length > 0) return { status: 'claimed' };
      const message = await getMessage(messageId);
      if (!message) throw new Error(`message ${messageId} was neither claimed nor found`);
      return { status: 'duplicate', message };
    },

    async finishMessage(messageId, outcome) {
      await finish.run({
        messageId,
        status: outcome.status,
        reason: outcome.reason,
        packetRef: outcome.packetRef,
        autoReplied: outcome.autoReplied ? 1 : 0,
        now: outcome.now,
      });
    },

    async releaseMessage(messageId) {
      await db.delete(emailMessages).where(and(eq(emailMessages.messageId, messageId), eq(emailMessages.status, 'processing')));
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
