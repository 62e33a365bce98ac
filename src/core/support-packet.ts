import { z } from 'zod';
import { locales } from '../i18n/locales.ts';
import { GenerationStatus, Studio, isoDateTime } from './platform-types.ts';

export const channels = ['widget', 'email', 'slack'] as const;
export const Channel = z.enum(channels);
export type Channel = z.infer<typeof Channel>;

export const Step = z.enum(['retry', 'simplify', 'checked_credits']);
export type Step = z.infer<typeof Step>;

/** What support still needs from the user, in the order it is asked for. */
export const missingFields = ['accountEmail', 'studio', 'prompt', 'timestamp'] as const;
export const MissingField = z.enum(missingFields);
export type MissingField = z.infer<typeof MissingField>;

export const PacketStatus = z.enum(['open', 'needs_info', 'refunded', 'resolved']);
export type PacketStatus = z.infer<typeof PacketStatus>;

const ReconciledRunSchema = z.object({
  generationId: z.string(),
  studio: Studio,
  status: GenerationStatus,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string().nullish(), message: z.string() }).nullable(),
  stuck: z.boolean(),
  charged: z.number().int(),
  refunded: z.number().int(),
  outstanding: z.number().int(),
  chargeEvidence: z.enum(['linked', 'inferred', 'none']),
  verdict: z.enum(['refund_due', 'refunded', 'not_charged', 'in_progress']),
  spendIds: z.array(z.string()),
  refundIds: z.array(z.string()),
});

/** The reconciliation result of reconciliation.md, restricted to a case's runs, with `refundDue`. */
export const Findings = z.object({
  account: z.object({ id: z.string(), email: z.string() }),
  window: z.object({ from: z.string(), to: z.string() }),
  now: z.string(),
  balance: z.number().int(),
  runs: z.array(ReconciledRunSchema),
  otherSpends: z.array(
    z.object({
      ledgerId: z.string(),
      amount: z.number().int(),
      createdAt: z.string(),
      generationId: z.string().nullable(),
      studio: Studio.nullable(),
    }),
  ),
  totals: z.object({ refundDue: z.number().int(), failedRuns: z.number().int(), stuckRuns: z.number().int() }),
  refundDue: z.number().int().min(0),
});
export type Findings = z.infer<typeof Findings>;

export const TranscriptEntry = z.object({
  from: z.enum(['user', 'bot', 'agent']),
  text: z.string(),
  at: z.string(),
});
export type TranscriptEntry = z.infer<typeof TranscriptEntry>;

/** The support packet of support-packet.md: one shape, whatever channel the report came through. */
export const Packet = z.object({
  ref: z.string().regex(/^PKT-[A-Z0-9]{6,10}$/),
  channel: Channel,
  accountEmail: z.string().nullable(),
  verified: z.boolean(),
  studio: Studio.nullable(),
  prompt: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()).nullable(),
  errorMessage: z.string().nullable(),
  occurredAt: isoDateTime.nullable(),
  timezone: z.string().nullable(),
  generationIds: z.array(z.string()),
  stepsTried: z.array(Step),
  findings: Findings.nullable(),
  missing: z.array(MissingField),
  transcript: z.array(TranscriptEntry),
  status: PacketStatus,
  createdAt: isoDateTime,
  /** The user's language (en, fr, es, de, pt) when the desk knows it; staff read the packet in English. */
  locale: z.enum(locales).optional(),
});
export type Packet = z.infer<typeof Packet>;

/** What a channel knows about a report before the desk looks at the account. */
export const Report = z.object({
  channel: Channel,
  accountEmail: z.email().nullable(),
  verified: z.boolean(),
  studio: Studio.nullable().default(null),
  prompt: z.string().nullable().default(null),
  settings: z.record(z.string(), z.unknown()).nullable().default(null),
  errorMessage: z.string().nullable().default(null),
  occurredAt: isoDateTime.nullable().default(null),
  timezone: z.string().nullable().default(null),
  generationIds: z.array(z.string()).default([]),
  stepsTried: z.array(Step).default([]),
  transcript: z.array(TranscriptEntry).default([]),
  locale: z.enum(locales).nullable().default(null),
});
export type Report = z.infer<typeof Report>;
export type ReportInput = z.input<typeof Report>;
