import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Clock, IdGenerator, PlatformData, RefundOrder } from '../../src/core/ports.ts';
import type { AuditEntry } from '../../src/core/support-store.ts';
import { DeskError } from '../../src/core/errors.ts';
import { type LedgerEntry, RefundRequest, type RunRecord, type Studio, type TimeRange } from '../../src/core/platform-types.ts';
import type { DeskDb } from './desk-db.ts';
import { accountFromRow, generationFromRow, ledgerFromRow, ledgerToRow } from './platform-rows.ts';
import { accounts, auditLog, generations, ledger } from './schema.ts';

/** Recomputes an account's stored balance from its ledger, inside whatever batch it is part of. */
export function refreshBalance(db: DeskDb['db'], accountId: string) {
  return db
    .update(accounts)
    .set({ balance: sql`(SELECT coalesce(sum(${ledger.amount}), 0) FROM ${ledger} WHERE ${ledger.accountId} = ${accountId})` })
    .where(eq(accounts.id, accountId));
}

/** A ledger row as SQLite gives it. */
interface LedgerSqlRow {
  id: string;
  type: LedgerEntry['type'];
  amount: number;
  generation_id: string | null;
  refund_of: string | null;
  created_at: string;
  description: string | null;
}

/**
 * The platform's records kept in the desk's own database (embedded mode: `npm start`, demos,
 * imports). Refunds are written here too, idempotently.
 */
export function createDrizzlePlatformData(
  { db, atomic }: DeskDb,
  deps: { now: Clock; newId: IdGenerator },
): PlatformData {
  return {
    async findAccountByEmail(email) {
      const [row] = await db.select().from(accounts).where(eq(accounts.emailKey, email.toLowerCase()));
      return row ? accountFromRow(row) : null;
    },

    async getAccount(id) {
      const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
      return row ? accountFromRow(row) : null;
    },

    async listGenerations(accountId, range: TimeRange) {
      const rows = await db
        .select()
        .from(generations)
        .where(
          and(
            eq(generations.accountId, accountId),
            gte(generations.createdAtMs, range.since),
            lte(generations.createdAtMs, range.until),
          ),
        );
      return rows.map(generationFromRow);
    },

    async listRunsForReconciliation(accountId, range: TimeRange): Promise<RunRecord[]> {
      const inRange = and(
        eq(generations.accountId, accountId),
        gte(generations.createdAtMs, range.since),
        lte(generations.createdAtMs, range.until),
      );
      // Problem runs in full; completed runs (most of them) only as far as reconciliation reads them.
      const [problems, completed] = await Promise.all([
        // A literal, not a parameter, so that SQLite can use the partial index of problem runs.
        db.select().from(generations).where(and(inRange, sql`${generations.status} <> 'completed'`)),
        // Thousands of rows on a busy account: read as the driver gives them (plain objects on
        // better-sqlite3 and D1 alike), skipping drizzle's per-column mapping, which costs more than the read.
        db.all<{ id: string; studio: Studio; created_at: string; finished_at: string | null }>(
          sql`SELECT id, studio, created_at, finished_at FROM ${generations}
              WHERE account_id = ${accountId} AND created_at_ms >= ${range.since} AND created_at_ms <= ${range.until}
                AND status = 'completed'`,
        ),
      ]);
      const runs: RunRecord[] = problems.map(generationFromRow);
      for (const c of completed) {
        runs.push({
          id: c.id,
          accountId,
          studio: c.studio,
          status: 'completed',
          createdAt: c.created_at,
          ...(c.finished_at != null && { finishedAt: c.finished_at }),
        });
      }
      return runs;
    },

    async listLedger(accountId, range: TimeRange) {
      // As the driver gives the rows (see listRunsForReconciliation): a busy account has thousands.
      const rows = await db.all<LedgerSqlRow>(
        sql`SELECT id, type, amount, generation_id, refund_of, created_at, description FROM ${ledger}
            WHERE account_id = ${accountId} AND created_at_ms >= ${range.since} AND created_at_ms <= ${range.until}`,
      );
      const [account] = await db.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, accountId));
      const entries: LedgerEntry[] = rows.map((r) => ({
        id: r.id,
        accountId,
        type: r.type,
        amount: r.amount,
        ...(r.generation_id != null && { generationId: r.generation_id }),
        ...(r.refund_of != null && { refundOf: r.refund_of }),
        createdAt: r.created_at,
        ...(r.description != null && { description: r.description }),
      }));
      return { entries, balance: account?.balance ?? 0 };
    },

    async issueRefund(accountId, refund, idempotencyKey) {
      const { entries } = await writeRefunds(accountId, [{ refund, idempotencyKey }], null);
      const [entry] = entries;
      if (!entry) throw new DeskError('internal', 'the refund was not written');
      return entry;
    },

    async issueRefundsWithAudit(accountId, orders, audit) {
      return writeRefunds(accountId, orders, audit);
    },
  };

  /**
   * Writes the refunds whose keys are new, with the balance and (when given) the audit entry, in
   * one atomic write; keys used before answer their entries. The audit entry goes first in the
   * write, so that a refund refused by the database (a key taken meanwhile) takes it back with it.
   */
  async function writeRefunds(
    accountId: string,
    orders: readonly RefundOrder[],
    audit: ((entries: LedgerEntry[]) => AuditEntry) | null,
  ): Promise<{ entries: LedgerEntry[]; audited: boolean }> {
    const refunds = orders.map((order, i) => {
      const parsed = RefundRequest.safeParse(order.refund);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new DeskError('bad_request', `refund ${i}: ${issue?.path.join('.') || 'refund'}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error });
      }
      return { refund: parsed.data, key: order.idempotencyKey };
    });
    if (new Set(refunds.map((r) => r.key)).size !== refunds.length) {
      throw new DeskError('bad_request', 'the same idempotency key appears twice among the refunds');
    }
    for (let attempt = 0; ; attempt++) {
      const entries: LedgerEntry[] = [];
      const fresh: { entry: LedgerEntry; key: string }[] = [];
      for (const { refund, key } of refunds) {
        const existing = await findByKey(key);
        if (existing) {
          entries.push(sameAccount(existing, accountId, key));
          continue;
        }
        const entry: LedgerEntry = {
          id: deps.newId('led'),
          accountId,
          type: 'refund',
          amount: refund.amount,
          generationId: refund.generationId,
          createdAt: new Date(deps.now()).toISOString(),
          description: refund.reason,
        };
        entries.push(entry);
        fresh.push({ entry, key });
      }
      if (fresh.length === 0) return { entries, audited: false };
      const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw new DeskError('not_found', `no account with id ${accountId}`);
      const statements: BatchItem<'sqlite'>[] = [];
      if (audit) statements.push(db.insert(auditLog).values(audit(entries)));
      for (const { entry, key } of fresh) statements.push(db.insert(ledger).values(ledgerToRow(entry, key)));
      statements.push(refreshBalance(db, accountId));
      try {
        await atomic(statements);
        return { entries, audited: audit !== null };
      } catch (error) {
        // Another writer used one of the keys between our read and our write: nothing of ours was
        // written; read again, and theirs is the refund.
        const raced = await Promise.all(fresh.map(({ key }) => findByKey(key)));
        if (attempt < 3 && raced.some((r) => r !== null)) continue;
        throw error;
      }
    }
  }

  function sameAccount(entry: LedgerEntry, accountId: string, key: string): LedgerEntry {
    if (entry.accountId !== accountId) {
      throw new DeskError('conflict', `idempotency key ${key} was already used for another account`);
    }
    return entry;
  }

  async function findByKey(key: string): Promise<LedgerEntry | null> {
    const [row] = await db.select().from(ledger).where(eq(ledger.idempotencyKey, key));
    return row ? ledgerFromRow(row) : null;
  }
}
