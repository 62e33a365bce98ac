import { z } from 'zod';

/** An ISO 8601 timestamp with a zone (`Z` or an offset), as the platform sends them. */
export const isoDateTime = z.iso.datetime({ offset: true });

export const studios = ['image', 'video', 'music', 'storyboard'] as const;
export const Studio = z.enum(studios);
export type Studio = z.infer<typeof Studio>;

export const generationStatuses = ['queued', 'processing', 'completed', 'failed', 'canceled'] as const;
export const GenerationStatus = z.enum(generationStatuses);
export type GenerationStatus = z.infer<typeof GenerationStatus>;

/** An account of the platform (platform-data.md). */
export const Account = z.object({
  id: z.string().min(1),
  email: z.email(),
  name: z.string().nullish(),
  timezone: z.string().min(1).nullish(),
});
export type Account = z.infer<typeof Account>;

/** Free-form generation settings; the known keys are typed, the rest passes through. */
export const GenerationSettings = z
  .object({
    resolution: z.string().optional(),
    referenceImages: z.number().int().min(0).optional(),
    durationSeconds: z.number().min(0).optional(),
    model: z.string().optional(),
  })
  .catchall(z.unknown());
export type GenerationSettings = z.infer<typeof GenerationSettings>;

export const GenerationError = z.object({
  code: z.string().nullish(),
  message: z.string(),
});
export type GenerationError = z.infer<typeof GenerationError>;

/** A generation ("run") of one of the four studios. */
export const Generation = z.object({
  id: z.string().min(1),
  accountId: z.string().min(1),
  studio: Studio,
  prompt: z.string(),
  settings: GenerationSettings.default({}),
  status: GenerationStatus,
  error: GenerationError.nullish(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullish(),
  libraryItemId: z.string().nullish(),
});
export type Generation = z.infer<typeof Generation>;

export const ledgerTypes = ['purchase', 'grant', 'spend', 'refund', 'adjustment'] as const;
export const LedgerType = z.enum(ledgerTypes);
export type LedgerType = z.infer<typeof LedgerType>;

/** An entry of the credit ledger: signed amounts, spends negative, purchases/grants/refunds positive. */
export const LedgerEntry = z
  .object({
    id: z.string().min(1),
    accountId: z.string().min(1),
    type: LedgerType,
    amount: z.number().int(),
    generationId: z.string().nullish(),
    refundOf: z.string().nullish(),
    createdAt: isoDateTime,
    description: z.string().nullish(),
  })
  .superRefine((entry, ctx) => {
    const { type, amount } = entry;
    const wrongSign =
      (type === 'spend' && amount >= 0) ||
      ((type === 'purchase' || type === 'grant' || type === 'refund') && amount <= 0);
    if (wrongSign) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message:
          type === 'spend'
            ? `a spend must be negative (got ${amount})`
            : `a ${type} must be positive (got ${amount})`,
      });
    }
  });
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** The import file of platform-data.md. */
export const ImportFile = z.object({
  accounts: z.array(z.unknown()).optional(),
  generations: z.array(z.unknown()).optional(),
  ledger: z.array(z.unknown()).optional(),
});

/** A time range over `createdAt`, both ends inclusive, as epoch milliseconds. */
export interface TimeRange {
  since: number;
  until: number;
}

/** The refund the desk asks the platform to write. */
export const RefundRequest = z.object({
  generationId: z.string().min(1),
  amount: z.number().int().positive(),
  reason: z.string().min(1),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

/**
 * What reconciliation needs of a run: every field for a problem run, and for a completed run
 * (which only explains spends) at least its id, account, studio, status and times.
 */
export type RunRecord = Pick<Generation, 'id' | 'accountId' | 'studio' | 'status' | 'createdAt' | 'finishedAt'> &
  Partial<Pick<Generation, 'prompt' | 'settings' | 'error' | 'libraryItemId'>>;

/** A failed run of any account, as the incident sweep reads them (`GET /failures?since=`, platform-data.md). */
export const FailedRun = z.object({
  generationId: z.string().min(1),
  accountId: z.string().min(1),
  studio: Studio,
  error: GenerationError.nullable(),
  createdAt: isoDateTime,
});
export type FailedRun = z.infer<typeof FailedRun>;
