import { type SQL, and, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { TriageAction } from '../../src/triage/triage-types.ts';
import type { BucketedDurations, CaseActivity, ConversationOutcome, MetricsStore, RefundedBy } from '../../src/metrics/metrics-store.ts';
import type { DeskDb } from './desk-db.ts';
import { auditLog, conversationLog, deskCounters, emailDeadLetters, emailMessages, incidents, outbox, packets } from './schema.ts';

/** Staff's actions that reach the user: the first of them is staff's first response. */
const RESPONSE_ACTIONS = [TriageAction.infoRequested, TriageAction.replySent, TriageAction.refundApproved, TriageAction.resolved];
/** The automatic policy's refund (auto-refund.ts). */
const AUTO_REFUND = 'refund.issued';
/** What settles a packet: its refund, automatic or approved, or its close. */
const RESOLVING_ACTIONS = [AUTO_REFUND, TriageAction.refundApproved, TriageAction.resolved];

/** The credits of a refund's audit entry: staff's approval names its amount, the policy its refund due. */
const refundCredits = sql<number>`coalesce(json_extract(${auditLog.evidence}, '$.amount'), json_extract(${auditLog.evidence}, '$.refundDue'), 0)`;

/** Both moments of each packet's timeline in one pass over the audit log: staff's first response, its resolution. */
const timelines = sql`(SELECT ${auditLog.packetRef} AS ref,
  min(CASE WHEN ${inArray(auditLog.action, RESPONSE_ACTIONS)} THEN ${auditLog.at} END) AS responded,
  min(CASE WHEN ${inArray(auditLog.action, RESOLVING_ACTIONS)} THEN ${auditLog.at} END) AS resolved
  FROM ${auditLog} WHERE ${inArray(auditLog.action, [...new Set([...RESPONSE_ACTIONS, ...RESOLVING_ACTIONS])])} AND ${auditLog.packetRef} IS NOT NULL
  GROUP BY ${auditLog.packetRef})`;

/** Counts per bucket (not cumulative) from the cumulative counts the database answers. */
function bucketed(row: Record<string, unknown> | undefined, prefix: string, bounds: readonly number[]): BucketedDurations {
  let below = 0;
  const buckets = bounds.map((le, i) => {
    const cumulative = Number(row?.[`${prefix}${i}`] ?? 0);
    const count = cumulative - below;
    below = cumulative;
    return { le, count };
  });
  return { buckets, over: Number(row?.[`${prefix}Total`] ?? 0) - below, sum: Number(row?.[`${prefix}Sum`] ?? 0) };
}

/**
 * The desk's figures over drizzle, the same SQL on better-sqlite3 and D1: every count, sum and
 * histogram bucket is an aggregate in the database, so a scrape reads a handful of rows. Each
 * table is read once a scrape (grouped), the counts by outcome and channel from their indexes.
 */
export function createDrizzleMetricsStore({ db }: DeskDb): MetricsStore {
  /** Both histograms of the packets' timelines, bucketed in the database. */
  async function durations(bounds: { firstStaffResponse: readonly number[]; resolution: readonly number[] }) {
    const columns: Record<string, SQL<number>> = {};
    for (const [prefix, moment, list] of [
      ['r', sql`t.responded`, bounds.firstStaffResponse],
      ['s', sql`t.resolved`, bounds.resolution],
    ] as const) {
      const seconds = sql`((${moment} - ${packets.createdAt}) / 1000.0)`;
      columns[`${prefix}Total`] = sql<number>`count(${moment})`;
      columns[`${prefix}Sum`] = sql<number>`coalesce(sum(${seconds}), 0)`;
      list.forEach((le, i) => {
        columns[`${prefix}${i}`] = sql<number>`coalesce(sum(CASE WHEN ${seconds} <= ${le} THEN 1 ELSE 0 END), 0)`;
      });
    }
    const [row] = await db
      .select(columns)
      .from(packets)
      .innerJoin(sql`${timelines} AS t`, sql`t.ref = ${packets.ref}`);
    return { firstStaffResponse: bucketed(row, 'r', bounds.firstStaffResponse), resolution: bucketed(row, 's', bounds.resolution) };
  }

  return {
    async caseFigures(bounds) {
      const scalar = (query: SQL) => sql<number>`(${query})`;
      const count = (from: SQL, where: SQL) => scalar(sql`SELECT count(*) FROM ${from} WHERE ${where}`);
      const [[row], outcomes, channels, refunds, timing] = await Promise.all([
        db
          .select({
            started: scalar(sql`SELECT count(*) FROM ${conversationLog}`),
            accepted: count(sql`${emailMessages}`, sql`${emailMessages.status} = 'accepted'`),
            ignored: count(sql`${emailMessages}`, sql`${emailMessages.status} = 'ignored'`),
            rejected: scalar(sql`SELECT count(*) FROM ${emailDeadLetters}`),
            duplicate: scalar(sql`SELECT coalesce(max(${deskCounters.value}), 0) FROM ${deskCounters} WHERE ${deskCounters.key} = 'email.duplicate'`),
            pending: count(sql`${outbox}`, sql`${outbox.status} = 'pending'`),
            dead: count(sql`${outbox}`, sql`${outbox.status} = 'dead'`),
            incidentsOpen: count(sql`${incidents}`, sql`${incidents.status} = 'open'`),
          })
          .from(sql`(SELECT 1)`),
        db
          .select({ outcome: conversationLog.outcome, n: sql<number>`count(*)` })
          .from(conversationLog)
          .where(isNotNull(conversationLog.outcome))
          .groupBy(conversationLog.outcome),
        db.select({ channel: packets.channel, n: sql<number>`count(*)` }).from(packets).groupBy(packets.channel),
        db
          .select({ action: auditLog.action, n: sql<number>`count(*)`, credits: sql<number>`coalesce(sum(${refundCredits}), 0)` })
          .from(auditLog)
          .where(inArray(auditLog.action, [AUTO_REFUND, TriageAction.refundApproved]))
          .groupBy(auditLog.action),
        durations(bounds),
      ]);
      const n = (key: keyof NonNullable<typeof row>) => Number(row?.[key] ?? 0);
      const outcome = (o: string) => Number(outcomes.find((r) => r.outcome === o)?.n ?? 0);
      const channel = (c: string) => Number(channels.find((r) => r.channel === c)?.n ?? 0);
      const refund = (action: string) => {
        const found = refunds.find((r) => r.action === action);
        return { count: Number(found?.n ?? 0), credits: Number(found?.credits ?? 0) };
      };
      return {
        conversationsStarted: n('started'),
        conversationsEnded: { resolved: outcome('resolved'), handed_off: outcome('handed_off'), expired: outcome('expired') },
        packetsFiled: { widget: channel('widget'), email: channel('email'), slack: channel('slack') },
        refunds: { auto: refund(AUTO_REFUND), staff: refund(TriageAction.refundApproved) },
        emailIntake: { accepted: n('accepted'), duplicate: n('duplicate'), ignored: n('ignored'), rejected: n('rejected') },
        outbox: { pending: n('pending'), dead: n('dead') },
        incidentsOpen: n('incidentsOpen'),
        ...timing,
      };
    },

    async countEvent(key) {
      await db
        .insert(deskCounters)
        .values({ key, value: 1 })
        .onConflictDoUpdate({ target: deskCounters.key, set: { value: sql`${deskCounters.value} + 1` } });
    },

    async caseActivity(since, until): Promise<CaseActivity> {
      const conversations = await db
        .select({ startedAt: conversationLog.startedAt, outcome: conversationLog.outcome, packetRef: conversationLog.packetRef })
        .from(conversationLog)
        .where(and(gte(conversationLog.startedAt, since), lt(conversationLog.startedAt, until)));
      const timings = await db
        .select({ ref: packets.ref, createdAt: packets.createdAt, firstStaffResponseAt: sql<number | null>`t.responded`, resolvedAt: sql<number | null>`t.resolved` })
        .from(packets)
        .leftJoin(sql`${timelines} AS t`, sql`t.ref = ${packets.ref}`)
        .where(and(gte(packets.createdAt, since), lt(packets.createdAt, until)));
      // The failed runs each packet's reconciliation looked at, read out of the packet's JSON in the database.
      const failures = await db
        .select({
          studio: sql<string>`json_extract(run.value, '$.studio')`,
          errorCode: sql<string | null>`json_extract(run.value, '$.error.code')`,
          errorMessage: sql<string | null>`json_extract(run.value, '$.error.message')`,
          charged: sql<number>`json_extract(run.value, '$.charged')`,
        })
        .from(sql`${packets}, json_each(${packets.data}, '$.findings.runs') AS run`)
        .where(and(gte(packets.createdAt, since), lt(packets.createdAt, until), sql`json_extract(run.value, '$.status') = 'failed'`));
      const refunds = await db
        .select({ at: auditLog.at, action: auditLog.action, credits: refundCredits })
        .from(auditLog)
        .where(and(inArray(auditLog.action, [AUTO_REFUND, TriageAction.refundApproved]), gte(auditLog.at, since), lt(auditLog.at, until)));
      return {
        conversations: conversations.map((c) => ({ startedAt: c.startedAt, outcome: c.outcome as ConversationOutcome | null, packetRef: c.packetRef })),
        packets: timings.map((t) => ({
          ref: t.ref,
          createdAt: t.createdAt,
          firstStaffResponseAt: t.firstStaffResponseAt === null ? null : Number(t.firstStaffResponseAt),
          resolvedAt: t.resolvedAt === null ? null : Number(t.resolvedAt),
        })),
        failures: failures.map((f) => ({ studio: f.studio, errorCode: f.errorCode, errorMessage: f.errorMessage ?? '', charged: Number(f.charged) > 0 })),
        refunds: refunds.map((r) => ({ at: r.at, by: (r.action === AUTO_REFUND ? 'auto' : 'staff') as RefundedBy, credits: Number(r.credits) })),
      };
    },
  };
}
