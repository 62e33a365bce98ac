import { and, asc, eq, gte, isNull, or, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { OutboxItem } from '../../src/core/support-store.ts';
import type { Incident, IncidentStore } from '../../src/incidents/incident-types.ts';
import type { DeskDb } from './desk-db.ts';
import { conversations, incidentWatchers, incidents, messages, outbox } from './schema.ts';

type Row = typeof incidents.$inferSelect;

const fromRow = ({ slackChannel, slackTs, ...row }: Row): Incident => ({
  ...row,
  slack: slackChannel && slackTs ? { channel: slackChannel, ts: slackTs } : null,
});

/** The incidents' records over drizzle: the same code on better-sqlite3 and D1. */
export function createDrizzleIncidentStore({ db, atomic }: DeskDb): IncidentStore {
  const queue = (items: readonly OutboxItem[], now: number): BatchItem<'sqlite'>[] =>
    items.length === 0
      ? []
      : [
          db
            .insert(outbox)
            .values(items.map((item) => ({ ...item, status: 'pending' as const, nextAttemptAt: now, createdAt: now })))
            .onConflictDoNothing({ target: outbox.dedupeKey }),
        ];

  const get = async (id: string) => {
    const [row] = await db.select().from(incidents).where(eq(incidents.id, id));
    return row ? fromRow(row) : null;
  };

  /** The watcher is still to be told: the condition every notice's write is made under. */
  const untold = (incidentId: string, watcher: string) =>
    sql`EXISTS (SELECT 1 FROM ${incidentWatchers} WHERE ${incidentWatchers.incidentId} = ${incidentId} AND ${incidentWatchers.watcher} = ${watcher} AND ${incidentWatchers.notifiedAt} IS NULL)`;

  return {
    async listOpen() {
      return (await db.select().from(incidents).where(eq(incidents.status, 'open')).orderBy(asc(incidents.since))).map(fromRow);
    },

    async listForStatus(resolvedSince) {
      const rows = await db
        .select()
        .from(incidents)
        .where(or(eq(incidents.status, 'open'), gte(incidents.resolvedAt, resolvedSince)))
        .orderBy(asc(incidents.since));
      return rows.map(fromRow);
    },

    get,

    async open(incident, items) {
      const { slack: _slack, ...row } = incident;
      try {
        await atomic([db.insert(incidents).values(row), ...queue(items, incident.openedAt)]);
        return true;
      } catch (error) {
        // The studio and error have an open incident already (its partial unique index): another sweep opened it.
        if (/UNIQUE|constraint/i.test(error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error))) return false;
        throw error;
      }
    },

    async grow(id, change, items) {
      await atomic([
        db
          .update(incidents)
          .set(change)
          .where(and(eq(incidents.id, id), eq(incidents.status, 'open'))),
        ...queue(items, change.lastFailureAt),
      ]);
    },

    async resolve(id, by, at, items) {
      const [row] = await db
        .update(incidents)
        .set({ status: 'resolved', resolvedAt: at, resolvedBy: by, version: sql`${incidents.version} + 1` })
        .where(and(eq(incidents.id, id), eq(incidents.status, 'open')))
        .returning();
      if (!row) return null;
      const incident = fromRow(row);
      const queued = items(incident);
      if (queued.length > 0) await atomic(queue(queued, at));
      return incident;
    },

    async rememberSlackMessage(id, message) {
      await db.update(incidents).set({ slackChannel: message.channel, slackTs: message.ts }).where(eq(incidents.id, id));
    },

    async watch(watcher) {
      await db.insert(incidentWatchers).values({ ...watcher, notifiedAt: null }).onConflictDoNothing();
    },

    async listWatchers(incidentId) {
      return db.select().from(incidentWatchers).where(eq(incidentWatchers.incidentId, incidentId)).orderBy(asc(incidentWatchers.askedAt));
    },

    async notifyWatcher(incidentId, watcher, notice, at) {
      // The notice is written only while the watcher is untold (and, in a conversation, while it is
      // kept); the mark only once the notice is there: one write, so a watcher is told once or not at all.
      const condition = untold(incidentId, watcher);
      const [write, written] =
        notice.kind === 'mail'
          ? [
              db
                .insert(outbox)
                .select(
                  sql`SELECT ${notice.outbox.id}, ${notice.outbox.kind}, ${notice.outbox.destination}, ${JSON.stringify(notice.outbox.payload)}, ${notice.outbox.dedupeKey}, NULL, 'pending', 0, ${at}, 0, NULL, NULL, ${at}, NULL WHERE ${condition}`,
                )
                .onConflictDoNothing({ target: outbox.dedupeKey }),
              sql`EXISTS (SELECT 1 FROM ${outbox} WHERE ${outbox.id} = ${notice.outbox.id})`,
            ]
          : [
              // Every column of messages in the table's order: id, conversation, seq, from, text, options, author (a bot's: none), at.
              db
                .insert(messages)
                // In the table's column order: id, conversation, seq, from, text, options, author (none: the desk), at.
                .select(
                  sql`SELECT ${notice.message.id}, ${notice.conversationId}, (SELECT coalesce(max(${messages.seq}), -1) + 1 FROM ${messages} WHERE ${messages.conversationId} = ${notice.conversationId}), ${notice.message.from}, ${notice.message.text}, NULL, NULL, ${notice.message.at} WHERE ${condition} AND EXISTS (SELECT 1 FROM ${conversations} WHERE ${conversations.id} = ${notice.conversationId} AND ${conversations.expiresAt} > ${at})`,
                ),
              sql`EXISTS (SELECT 1 FROM ${messages} WHERE ${messages.id} = ${notice.message.id})`,
            ];
      const mark = db
        .update(incidentWatchers)
        .set({ notifiedAt: at })
        .where(and(eq(incidentWatchers.incidentId, incidentId), eq(incidentWatchers.watcher, watcher), isNull(incidentWatchers.notifiedAt), written));
      await atomic([write, mark]);
      const [row] = await db.select({ told: sql<number>`${written}` }).from(sql`(SELECT 1)`);
      return Number(row?.told ?? 0) === 1;
    },
  };
}
