import { DeskError } from './errors.ts';
import type { Account, RunRecord } from './platform-types.ts';
import type { PlatformData } from './ports.ts';
import { ATTRIBUTION_WINDOW_MS, type ReconciliationResult, type StuckLimits, reconcileAccount } from './reconcile-account.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs created this long before the window are still read: their late ends can explain a spend. */
const LONG_RUN_MARGIN_MS = DAY_MS;

export interface ReconcileOptions {
  now: number;
  /** Defaults to the 30 days before `now`. */
  from?: number;
  /** Defaults to `now`. */
  to?: number;
  stuckLimits?: StuckLimits;
}

/**
 * Reads what reconciliation needs about one account from the platform and reconciles it:
 * the runs of the window (and just before it, for attribution) and the ledger up to "now".
 */
export async function reconcileWithPlatform(
  platform: PlatformData,
  account: Pick<Account, 'id' | 'email'>,
  options: ReconcileOptions,
): Promise<ReconciliationResult> {
  return (await reconcileWithRecords(platform, account, options)).result;
}

/** As `reconcileWithPlatform`, also answering the runs it read (to fill a report's gaps from them). */
export async function reconcileWithRecords(
  platform: PlatformData,
  account: Pick<Account, 'id' | 'email'>,
  options: ReconcileOptions,
): Promise<{ result: ReconciliationResult; generations: RunRecord[] }> {
  const { now } = options;
  const from = options.from ?? now - 30 * DAY_MS;
  const to = options.to ?? now;
  if (!(from <= to)) throw new DeskError('bad_request', 'the window must start before it ends (--since before --until)');
  const [generations, ledger] = await Promise.all([
    platform.listRunsForReconciliation
      ? platform.listRunsForReconciliation(account.id, { since: from - LONG_RUN_MARGIN_MS, until: Math.max(to, now) })
      : platform.listGenerations(account.id, { since: from - LONG_RUN_MARGIN_MS, until: Math.max(to, now) }),
    platform.listLedger(account.id, { since: from - ATTRIBUTION_WINDOW_MS, until: now }),
  ]);
  const result = reconcileAccount({
    account,
    generations,
    ledger: ledger.entries,
    balance: ledger.balance,
    window: { from, to },
    now,
    ...(options.stuckLimits && { stuckLimits: options.stuckLimits }),
  });
  return { result, generations };
}

/** The account with this email, or a `not_found` error saying so. */
export async function requireAccount(platform: PlatformData, email: string): Promise<Account> {
  const account = await platform.findAccountByEmail(email);
  if (!account) throw new DeskError('not_found', `no account with email ${email}`);
  return account;
}
