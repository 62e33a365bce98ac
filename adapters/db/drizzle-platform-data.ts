import { type SQL, and, eq, getTableColumns, gte, lte, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Clock, IdGenerator, IssuedRefunds, PlatformData, RefundLimits, RefundOrder } from '../../src/core/ports.ts';
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

    async listFailures(since) {
      // Through the partial index of failed runs by time: the sweep never reads the completed ones.
      const rows = await db
        .select({
          generationId: generations.id,
          accountId: generations.accountId,
          studio: generations.studio,
          errorCode: generations.errorCode,
          errorMessage: generations.errorMessage,
          createdAtMs: generations.createdAtMs,
        })
        .from(generations)
        .where(and(eq(generations.status, 'failed'), gte(generations.createdAtMs, since)))
        .orderBy(generations.createdAtMs);
      return rows.map((r) => ({
        generationId: r.generationId,
        accountId: r.accountId,
        studio: r.studio,
        error: r.errorCode === null && r.errorMessage === null ? null : { code: r.errorCode, message: r.errorMessage ?? '' },
        createdAt: new Date(r.createdAtMs).toISOString(),
      }));
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
      const written = await writeRefunds(accountId, [{ refund, idempotencyKey }], null, {});
      const [entry] = written.entries;
      if (!entry) throw new DeskError('internal', 'the refund was not written');
      return entry;
    },

    async issueRefundsWithAudit(accountId, orders, audit, limits = {}) {
      return writeRefunds(accountId, orders, audit, limits);
    },
  };

  /**
   * Writes the refunds whose keys are new, with the balance and (when given) the audit entry, in
   * one atomic write; keys used before answer their entries. Each new refund is an INSERT … SELECT
   * whose WHERE checks its bounds against the ledger as it stands inside the write (the run's
   * refunds within its charge; the account's automatic refunds within the limit) and that the one
   * before it was written; should one be refused, those before it are deleted again in the same
   * write, and the audit entry is written only with the last. So two writers at once, in two
   * processes or on D1, never both find room: the second finds the first's refund in the ledger.
   */
  async function writeRefunds(
    accountId: string,
    orders: readonly RefundOrder[],
    audit: ((entries: LedgerEntry[]) => AuditEntry) | null,
    limits: RefundLimits,
  ): Promise<IssuedRefunds> {
    const refunds = orders.map((order, i) => {
      const parsed = RefundRequest.safeParse(order.refund);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new DeskError('bad_request', `refund ${i}: ${issue?.path.join('.') || 'refund'}: ${issue?.message ?? 'invalid'}`, { cause: parsed.error });
      }
      return { refund: parsed.data, key: order.idempotencyKey, charge: order.charge };
    });
    if (new Set(refunds.map((r) => r.key)).size !== refunds.length) {
      throw new DeskError('bad_request', 'the same idempotency key appears twice among the refunds');
    }
    const automatic = limits.automatic ?? null;
    for (let attempt = 0; ; attempt++) {
      const entries: LedgerEntry[] = [];
      const fresh: { entry: LedgerEntry; key: string; charge: RefundOrder['charge'] }[] = [];
      for (const { refund, key, charge } of refunds) {
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
        fresh.push({ entry, key, charge });
      }
      const last = fresh.at(-1)?.entry.id;
      if (last === undefined) return { refused: null, entries, audited: false };
      const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId));
      if (!account) throw new DeskError('not_found', `no account with id ${accountId}`);
      const statements: BatchItem<'sqlite'>[] = [];
      let adding = fresh.reduce((sum, f) => sum + f.entry.amount, 0);
      fresh.forEach(({ entry, key, charge }, i) => {
        const bounds: SQL[] = [];
        const before = fresh[i - 1]?.entry.id;
        if (before !== undefined) bounds.push(sql`EXISTS (SELECT 1 FROM ledger AS earlier WHERE earlier.id = ${before})`);
        if (charge) bounds.push(sql`${refundedOfRun(accountId, entry.generationId ?? '', charge.spendIds)} + ${entry.amount} <= ${charge.charged}`);
        // Those of this write before it are counted in the ledger by now: the rest, this one included, are added.
        if (automatic) bounds.push(sql`${automaticSince(accountId, automatic.window)} + ${adding} <= ${automatic.limit}`);
        adding -= entry.amount;
        statements.push(insertWhere(ledger, { ...ledgerToRow(entry, key), automatic: automatic !== null }, bounds));
      });
      const lastWritten = sql`EXISTS (SELECT 1 FROM ledger AS written WHERE written.id = ${last})`;
      for (const { entry } of fresh.slice(0, -1)) {
        statements.push(db.delete(ledger).where(and(eq(ledger.id, entry.id), sql`NOT ${lastWritten}`)));
      }
      if (audit) statements.push(insertWhere(auditLog, { id: null, ...audit(entries) }, [lastWritten]));
      statements.push(refreshBalance(db, accountId));
      try {
        await atomic(statements);
      } catch (error) {
        // Another writer used one of the keys between our read and our write: nothing of ours was
        // written; read again, and theirs is the refund.
        const raced = await Promise.all(fresh.map(({ key }) => findByKey(key)));
        if (attempt < 3 && raced.some((r) => r !== null)) continue;
        throw error;
      }
      const [written] = await db.select({ id: ledger.id }).from(ledger).where(eq(ledger.id, last));
      if (written) return { refused: null, entries, audited: audit !== null };
      // Refused by a bound. A key taken meanwhile answers its entry on the next round; else say which bound.
      const raced = await Promise.all(fresh.map(({ key }) => findByKey(key)));
      if (attempt < 3 && raced.some((r) => r !== null)) continue;
      const total = fresh.reduce((sum, f) => sum + f.entry.amount, 0);
      const overLimit = automatic !== null && (await automaticTotal(accountId, automatic.window)) + total > automatic.limit;
      return { refused: overLimit ? 'limit' : 'charge', entries: [], audited: false };
    }
  }

  /** INSERT … SELECT of one row, written only where all `conditions` hold. A column left out is null (its default is not applied). */
  function insertWhere<T extends SQLiteTable>(table: T, row: Partial<Record<keyof T['$inferSelect'], unknown>>, conditions: readonly SQL[]) {
    const values = Object.entries(getTableColumns(table)).map(([key, column]) => sql.param(row[key as keyof typeof row] ?? null, column));
    const where = conditions.length > 0 ? sql` WHERE ${sql.join([...conditions], sql` AND `)}` : sql``;
    return db.insert(table).select(sql`SELECT ${sql.join(values, sql`, `)}${where}`);
  }

  /** The credits refunded for a run as reconciliation counts them: refunds naming the run, or one of its spends. */
  function refundedOfRun(accountId: string, generationId: string, spendIds: readonly string[]): SQL {
    const ofSpends = spendIds.length > 0 ? sql` OR r.refund_of IN (${sql.join(spendIds.map((id) => sql`${id}`), sql`, `)})` : sql``;
    return sql`(SELECT coalesce(sum(r.amount), 0) FROM ledger AS r
      WHERE r.account_id = ${accountId} AND r.type = 'refund' AND (r.generation_id = ${generationId}${ofSpends}))`;
  }

  /** The credits of the account's automatic refunds created after the window's start. */
  function automaticSince(accountId: string, window: TimeRange): SQL {
    return sql`(SELECT coalesce(sum(a.amount), 0) FROM ledger AS a
      WHERE a.account_id = ${accountId} AND a.created_at_ms > ${window.since} AND a.automatic = 1 AND a.type = 'refund')`;
  }

  async function automaticTotal(accountId: string, window: TimeRange): Promise<number> {
    const [row] = await db.all<{ total: number }>(sql`SELECT ${automaticSince(accountId, window)} AS total`);
    return Number(row?.total ?? 0);
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
