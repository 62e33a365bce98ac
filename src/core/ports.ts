import type { Account, Generation, LedgerEntry, RefundRequest, RunRecord, TimeRange } from './platform-types.ts';
import type { AuditEntry } from './support-store.ts';

/** A refund to issue, under the idempotency key that makes it happen once. */
export interface RefundOrder {
  refund: RefundRequest;
  idempotencyKey: string;
}

/** What `issueRefunds` came to: the entries (one per order, in order) and whether the audit entry was written with them. */
export interface IssuedRefunds {
  entries: LedgerEntry[];
  /**
   * True when the audit entry was written in the same atomic write as the new refunds. False when it
   * was not written: the platform is not the desk's database (HTTP), or every key had its entry
   * already (nothing new to account for). The caller then records the audit entry itself.
   */
  audited: boolean;
}

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
  /**
   * Optional, where the platform's records live in the desk's own database (embedded mode): issues
   * the refunds and writes the audit entry that accounts for them in one atomic write (a transaction
   * on SQLite, `db.batch()` on D1), so that no credit is ever refunded without its audit entry.
   * Every key keeps `issueRefund`'s semantics: a key used before answers its entry and writes
   * nothing again. `audit` is built from the entries (old and new) and written only with new ones.
   */
  issueRefundsWithAudit?(accountId: string, orders: readonly RefundOrder[], audit: (entries: LedgerEntry[]) => AuditEntry): Promise<IssuedRefunds>;
}

/**
 * Issues refunds with their audit entry: atomically where the platform can (`issueRefundsWithAudit`),
 * else one `issueRefund` per order, answering `audited: false` so that the caller writes the audit
 * entry itself (with the packet it concerns).
 */
export async function issueRefunds(
  platform: PlatformData,
  accountId: string,
  orders: readonly RefundOrder[],
  audit: (entries: LedgerEntry[]) => AuditEntry,
): Promise<IssuedRefunds> {
  if (platform.issueRefundsWithAudit) return platform.issueRefundsWithAudit(accountId, orders, audit);
  const entries: LedgerEntry[] = [];
  for (const order of orders) entries.push(await platform.issueRefund(accountId, order.refund, order.idempotencyKey));
  return { entries, audited: false };
}

/** Epoch milliseconds; injected so that tests can pin time. */
export type Clock = () => number;

/** Makes an unguessable id with a prefix; injected so that tests can pin ids. */
export type IdGenerator = (prefix: string) => string;
