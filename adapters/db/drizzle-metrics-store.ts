import { type SQL, and, gte, inArray, lt, sql } from 'drizzle-orm';
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

const firstAt = (actions: readonly string[]) =>
  sql`(SELECT ${auditLog.packetRef} AS ref, min(${auditLog.at}) AS at FROM ${auditLog} WHERE ${inArray(auditLog.action, [...actions])} AND ${auditLog.packetRef} IS NOT NULL GROUP BY ${auditLog.packetRef})`;

/**
 * The desk's figures over drizzle, the same SQL on better-sqlite3 and D1: every count, sum and
 * histogram bucket is an aggregate in the database, so a scrape reads a handful of numbers.
 */
export function createDrizzleMetricsStore({ db }: DeskDb): MetricsStore {
  const scalar = (query: SQL) => sql<number>`(${query})`;

  /** A histogram of (later − packet filed) over packets that have a `later`, bucketed in the database. */
  async function durations(actions: readonly string[], bounds: readonly number[]): Promise<BucketedDurations> {
    const seconds = sql`((f.at - ${packets.createdAt}) / 1000.0)`;
    const columns: Record<string, SQL<number>> = {
      total: sql<number>`count(*)`,
      sum: sql<number>`coalesce(sum(${seconds}), 0)`,
    };
    bounds.forEach((le, i) => {
      columns[`b${i}`] = sql<number>`coalesce(sum(CASE WHEN ${seconds} <= ${le} THEN 1 ELSE 0 END), 0)`;
    });
    const [row] = await db
      .select(columns)
      .from(packets)
      .innerJoin(sql`${firstAt(actions)} AS f`, sql`f.ref = ${packets.ref}`);
    let below = 0;
    const buckets = bounds.map((le, i) => {
      const cumulative = Number(row?.[`b${i}`] ?? 0);
      const count = cumulative - below;
      below = cumulative;
      return { le, count };
    });
    return { buckets, over: Number(row?.total ?? 0) - below, sum: Number(row?.sum ?? 0) };
  }

  return {
    async caseFigures(bounds) {
      const count = (from: SQL, where?: SQL) => scalar(sql`SELECT count(*) FROM ${from}${where ? sql` WHERE ${where}` : sql``}`);
      const auto = sql`${auditLog.action} = ${AUTO_REFUND}`;
      const staff = sql`${auditLog.action} = ${TriageAction.refundApproved}`;
      const [row] = await db
        .select({
          started: count(sql`${conversationLog}`),
          resolved: count(sql`${conversationLog}`, sql`${conversationLog.outcome} = 'resolved'`),
          handedOff: count(sql`${conversationLog}`, sql`${conversationLog.outcome} = 'handed_off'`),
          expired: count(sql`${conversationLog}`, sql`${conversationLog.outcome} = 'expired'`),
          widget: count(sql`${packets}`, sql`${packets.channel} = 'widget'`),
          email: count(sql`${packets}`, sql`${packets.channel} = 'email'`),
          slack: count(sql`${packets}`, sql`${packets.channel} = 'slack'`),
          autoRefunds: count(sql`${auditLog}`, auto),
          autoCredits: scalar(sql`SELECT coalesce(sum(${refundCredits}), 0) FROM ${auditLog} WHERE ${auto}`),
          staffRefunds: count(sql`${auditLog}`, staff),
          staffCredits: scalar(sql`SELECT coalesce(sum(${refundCredits}), 0) FROM ${auditLog} WHERE ${staff}`),
          accepted: count(sql`${emailMessages}`, sql`${emailMessages.status} = 'accepted'`),
          ignored: count(sql`${emailMessages}`, sql`${emailMessages.status} = 'ignored'`),
          rejected: count(sql`${emailDeadLetters}`),
          duplicate: scalar(sql`SELECT coalesce(max(${deskCounters.value}), 0) FROM ${deskCounters} WHERE ${deskCounters.key} = 'email.duplicate'`),
          pending: count(sql`${outbox}`, sql`${outbox.status} = 'pending'`),
          dead: count(sql`${outbox}`, sql`${outbox.status} = 'dead'`),
          incidentsOpen: count(sql`${incidents}`, sql`${incidents.status} = 'open'`),
        })
        .from(sql`(SELECT 1)`);
      const n = (key: keyof NonNullable<typeof row>) => Number(row?.[key] ?? 0);
      return {
        conversationsStarted: n('started'),
        conversationsEnded: { resolved: n('resolved'), handed_off: n('handedOff'), expired: n('expired') },
        packetsFiled: { widget: n('widget'), email: n('email'), slack: n('slack') },
        refunds: { auto: { count: n('autoRefunds'), credits: n('autoCredits') }, staff: { count: n('staffRefunds'), credits: n('staffCredits') } },
        emailIntake: { accepted: n('accepted'), duplicate: n('duplicate'), ignored: n('ignored'), rejected: n('rejected') },
        outbox: { pending: n('pending'), dead: n('dead') },
        incidentsOpen: n('incidentsOpen'),
        firstStaffResponse: await durations(RESPONSE_ACTIONS, bounds.firstStaffResponse),
        resolution: await durations(RESOLVING_ACTIONS, bounds.resolution),
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
      const response = sql`${firstAt(RESPONSE_ACTIONS)}`;
      const resolved = sql`${firstAt(RESOLVING_ACTIONS)}`;
      const timings = await db
        .select({ ref: packets.ref, createdAt: packets.createdAt, firstStaffResponseAt: sql<number | null>`r.at`, resolvedAt: sql<number | null>`s.at` })
        .from(packets)
        .leftJoin(sql`${response} AS r`, sql`r.ref = ${packets.ref}`)
        .leftJoin(sql`${resolved} AS s`, sql`s.ref = ${packets.ref}`)
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
