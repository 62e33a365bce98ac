import { and, eq, lte } from 'drizzle-orm';
import type { TriageStore } from '../../src/triage/triage-store.ts';
import type { DeskDb } from '../db/desk-db.ts';
import { slackMessages, triageOnce } from '../db/schema.ts';

/** The triage store over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleTriageStore({ db }: DeskDb): TriageStore {
  return {
    async claim(key, now, leaseMs) {
      // One statement: a new key is inserted; a running claim whose lease lapsed is taken over; a
      // held or completed one is left alone and nothing is returned. Two claimants cannot both win.
      const rows = await db
        .insert(triageOnce)
        .values({ key, state: 'running', leaseUntil: now + leaseMs, at: now })
        .onConflictDoUpdate({
          target: triageOnce.key,
          set: { leaseUntil: now + leaseMs, at: now },
          setWhere: and(eq(triageOnce.state, 'running'), lte(triageOnce.leaseUntil, now)),
        })
        .returning({ key: triageOnce.key });
      return rows.length > 0;
    },

    async complete(key) {
      await db.update(triageOnce).set({ state: 'done', leaseUntil: 0 }).where(eq(triageOnce.key, key));
    },

    async release(key) {
      await db.delete(triageOnce).where(and(eq(triageOnce.key, key), eq(triageOnce.state, 'running')));
    },

    async rememberMessage(message, now) {
      await db
        .insert(slackMessages)
        .values({ ...message, postedAt: now })
        .onConflictDoUpdate({ target: slackMessages.packetRef, set: { channel: message.channel, ts: message.ts, postedAt: now } });
    },

    async messageOf(packetRef) {
      const [row] = await db
        .select({ packetRef: slackMessages.packetRef, channel: slackMessages.channel, ts: slackMessages.ts })
        .from(slackMessages)
        .where(eq(slackMessages.packetRef, packetRef));
      return row ?? null;
    },

    async packetOfThread(channel, threadTs) {
      const [row] = await db
        .select({ packetRef: slackMessages.packetRef })
        .from(slackMessages)
        .where(and(eq(slackMessages.channel, channel), eq(slackMessages.ts, threadTs)));
      return row?.packetRef ?? null;
    },
  };
}
