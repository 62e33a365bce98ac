import type { Account, FailedRun, Generation, LedgerEntry, RefundRequest, RunRecord, TimeRange } from './platform-types.ts';
import type { AuditEntry } from './support-store.ts';

/** A refund to issue, under the idempotency key that makes it happen once. */
export interface RefundOrder {
  refund: RefundRequest;
  idempotencyKey: string;
  /**
   * The run's charge as reconciliation found it: its total and the spends that make it up. Where
   * the platform can check it inside the write (embedded), the refund is written only while the
   * run's refunds (naming the run, or one of these spends) stay within `charged` once it is added.
   */
  charge?: { charged: number; spendIds: readonly string[] };
}

/** How a write of refunds may be bounded, beyond each run's charge. */
export interface RefundLimits {
  /**
   * The refunds are the automatic policy's: they are marked so, and written only while the
   * account's automatic refunds created inside `window` stay within `limit` credits once they are added.
   */
  automatic?: { limit: number; window: TimeRange };
}

/**
 * What `issueRefunds` came to. Issued: the entries (one per order, in order) and whether the audit
 * entry was written with them. Refused (only where the platform checks bounds inside the write):
 * nothing was written, because a run would be refunded past its charge (`charge`: it was refunded
 * meanwhile; reconcile again) or the automatic limit would be passed (`limit`).
 */
export type IssuedRefunds =
  | {
      refused: null;
      entries: LedgerEntry[];
      /**
       * True when the audit entry was written in the same atomic write as the new refunds. False when it
       * was not written: the platform is not the desk's database (HTTP), or every key had its entry
       * already (nothing new to account for). The caller then records the audit entry itself.
       */
      audited: boolean;
    }
  | { refused: 'charge' | 'limit'; entries: []; audited: false };

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
  /**
   * The failed runs of every account created at `since` or later, oldest first: what the incident
   * sweep clusters. Optional: a platform without it has no incidents.
   */
  listFailures?(since: number): Promise<FailedRun[]>;
  /** Writes a refund; the same idempotency key again answers the same entry and creates nothing. */
  issueRefund(accountId: string, refund: RefundRequest, idempotencyKey: string): Promise<LedgerEntry>;
  /**
   * Optional, where the platform's records live in the desk's own database (embedded mode): issues
   * the refunds and writes the audit entry that accounts for them in one atomic write (a transaction
   * on SQLite, `db.batch()` on D1), so that no credit is ever refunded without its audit entry.
   * Every key keeps `issueRefund`'s semantics: a key used before answers its entry and writes
   * nothing again. `audit` is built from the entries (old and new) and written only with new ones.
   * The bounds (each order's `charge`, `limits`) are checked inside that write, so that two writers
   * at once (two processes, two isolates) cannot both find room: all the new refunds are written, or none.
   */
  issueRefundsWithAudit?(
    accountId: string,
    orders: readonly RefundOrder[],
    audit: (entries: LedgerEntry[]) => AuditEntry,
    limits?: RefundLimits,
  ): Promise<IssuedRefunds>;
}

/** The reason of every refund the automatic policy issues starts so: over HTTP, how its refunds are told apart in the ledger. */
export const AUTOMATIC_REFUND_REASON = 'Automatic refund';

/**
 * Issues refunds with their audit entry: atomically and bounded inside the write where the platform
 * can (`issueRefundsWithAudit`), else one `issueRefund` per order, answering `audited: false` so
 * that the caller writes the audit entry itself (with the packet it concerns). There the automatic
 * limit is checked against the ledger read just before (refunds whose reason starts with
 * AUTOMATIC_REFUND_REASON): two writers at once may both find room.
 */
export async function issueRefunds(
  platform: PlatformData,
  accountId: string,
  orders: readonly RefundOrder[],
  audit: (entries: LedgerEntry[]) => AuditEntry,
  limits: RefundLimits = {},
): Promise<IssuedRefunds> {
  if (platform.issueRefundsWithAudit) return platform.issueRefundsWithAudit(accountId, orders, audit, limits);
  if (limits.automatic) {
    const { limit, window } = limits.automatic;
    const { entries } = await platform.listLedger(accountId, window);
    const before = entries
      .filter((e) => e.type === 'refund' && e.description?.startsWith(AUTOMATIC_REFUND_REASON))
      .reduce((sum, e) => sum + e.amount, 0);
    const adding = orders.reduce((sum, o) => sum + o.refund.amount, 0);
    if (before + adding > limit) return { refused: 'limit', entries: [], audited: false };
  }
  const entries: LedgerEntry[] = [];
  for (const order of orders) entries.push(await platform.issueRefund(accountId, order.refund, order.idempotencyKey));
  return { refused: null, entries, audited: false };
}

/** Epoch milliseconds; injected so that tests can pin time. */
export type Clock = () => number;

/** Makes an unguessable id with a prefix; injected so that tests can pin ids. */
export type IdGenerator = (prefix: string) => string;
