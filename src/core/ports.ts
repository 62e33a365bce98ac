import type { Account, Generation, LedgerEntry, RefundRequest, RunRecord, TimeRange } from './platform-types.ts';

/**
 * What the desk reads (and, for refunds, writes) about an account on the generation platform.
 * Implemented by the embedded store and by the HTTP client of platform-data.md.
 */
export interface PlatformData {
  /** The account with this sign-in email (compared case-insensitively), or null. */
  findAccountByEmail(email: string): Promise<Account | null>;
  getAccount(id: string): Promise<Account | null>;
  /** Runs of the account created inside the range. */
  listGenerations(accountId: string, range: TimeRange): Promise<Generation[]>;
  /**
   * Optional fast path for reconciliation: the runs created inside the range, problem runs in
   * full and completed runs as summaries (no prompt or settings). Without it, `listGenerations`.
   */
  listRunsForReconciliation?(accountId: string, range: TimeRange): Promise<RunRecord[]>;
  /** Ledger entries created inside the range, and the balance over all time. */
  listLedger(accountId: string, range: TimeRange): Promise<{ entries: LedgerEntry[]; balance: number }>;
  /** Writes a refund; the same idempotency key again answers the same entry and creates nothing. */
  issueRefund(accountId: string, refund: RefundRequest, idempotencyKey: string): Promise<LedgerEntry>;
}

/** Epoch milliseconds; injected so that tests can pin time. */
export type Clock = () => number;

/** Makes an unguessable id with a prefix; injected so that tests can pin ids. */
export type IdGenerator = (prefix: string) => string;
