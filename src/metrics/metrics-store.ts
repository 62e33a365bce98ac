import type { Channel } from '../core/support-packet.ts';

/** Observations counted per bucket (not cumulative), those above the last bound, and their sum. */
export interface BucketedDurations {
  buckets: { le: number; count: number }[];
  over: number;
  sum: number;
}

export const conversationOutcomes = ['resolved', 'handed_off', 'expired'] as const;
export type ConversationOutcome = (typeof conversationOutcomes)[number];

export const intakeOutcomes = ['accepted', 'duplicate', 'ignored', 'rejected'] as const;
export type IntakeOutcomeKind = (typeof intakeOutcomes)[number];

/** Who issued a refund: the automatic policy, or a member of staff approving it. */
export type RefundedBy = 'auto' | 'staff';

/** The figures about cases, read from the store: all time, the same whichever process answers. */
export interface CaseFigures {
  conversationsStarted: number;
  conversationsEnded: Record<ConversationOutcome, number>;
  packetsFiled: Record<Channel, number>;
  refunds: Record<RefundedBy, { count: number; credits: number }>;
  emailIntake: Record<IntakeOutcomeKind, number>;
  outbox: { pending: number; dead: number };
  incidentsOpen: number;
  /** From a packet's filing to staff's first word to the user (a question, a reply, a refund, its close), in seconds. */
  firstStaffResponse: BucketedDurations;
  /** From a packet's filing to its refund (automatic or approved) or close, in seconds. */
  resolution: BucketedDurations;
}

/** What one packet's timeline came to, for the console's figures (times in epoch milliseconds). */
export interface PacketTiming {
  ref: string;
  createdAt: number;
  firstStaffResponseAt: number | null;
  resolvedAt: number | null;
}

/** A failed run a packet's reconciliation looked at. */
export interface ReconciledFailure {
  studio: string;
  errorCode: string | null;
  errorMessage: string;
  charged: boolean;
}

/** A refund the audit log accounts for. */
export interface RefundRecord {
  at: number;
  by: RefundedBy;
  credits: number;
}

/** The rows the console's metrics page is computed from, created inside `[since, until)`. */
export interface CaseActivity {
  conversations: { startedAt: number; outcome: ConversationOutcome | null; packetRef: string | null }[];
  packets: PacketTiming[];
  failures: ReconciledFailure[];
  refunds: RefundRecord[];
}

/** The store's side of the metrics: SQL aggregates over the desk's own tables (drizzle-metrics-store.ts). */
export interface MetricsStore {
  /** All-time figures; durations bucketed at these bounds (seconds). */
  caseFigures(bounds: { firstStaffResponse: readonly number[]; resolution: readonly number[] }): Promise<CaseFigures>;
  /** Counts an event that leaves no row of its own (`email.duplicate`). */
  countEvent(key: string): Promise<void>;
  /** The rows of the console's figures over one period. */
  caseActivity(since: number, until: number): Promise<CaseActivity>;
}
