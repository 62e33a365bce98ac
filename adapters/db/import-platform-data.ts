import { getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem } from 'drizzle-orm/batch';
import type { z } from 'zod';
import { DeskError } from '../../src/core/errors.ts';
import { Account, Generation, ImportFile, LedgerEntry } from '../../src/core/platform-types.ts';
import type { DeskDb } from './desk-db.ts';
import { refreshBalance } from './drizzle-platform-data.ts';
import { accountToRow, generationToRow, ledgerToRow } from './platform-rows.ts';
import { accounts, demoSeed, generations, ledger } from './schema.ts';

export interface ImportSummary {
  accounts: number;
  generations: number;
  ledger: number;
}

function describeIssue(collection: string, index: number, raw: unknown, error: z.ZodError): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? JSON.stringify((raw as { id: unknown }).id) : '(no id)';
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(record)';
  return `${collection}[${index}] id ${id}: field "${field}": ${issue?.message ?? 'invalid'}`;
}

function parseAll<T>(collection: string, items: readonly unknown[] | undefined, schema: z.ZodType<T>): T[] {
  return (items ?? []).map((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new DeskError('invalid_import', describeIssue(collection, index, raw, parsed.error));
    return parsed.data;
  });
}

function reject(collection: string, index: number, id: string, field: string, message: string): never {
  throw new DeskError('invalid_import', `${collection}[${index}] id "${id}": field "${field}": ${message}`);
}

function rejectDuplicateIds(collection: string, records: readonly { id: string }[]): void {
  const first = new Map<string, number>();
  records.forEach((record, index) => {
    const seen = first.get(record.id);
    if (seen !== undefined) reject(collection, index, record.id, 'id', `the same id as ${collection}[${seen}]`);
    first.set(record.id, index);
  });
}

/**
 * Credits are counted in JavaScript numbers (and summed by SQLite in 64 bits): an account's amounts
 * in one file must add up, in absolute value, to no more than Number.MAX_SAFE_INTEGER, or balances
 * and sums would be rounded (or overflow) instead of exact.
 */
function rejectUnsafeTotals(entries: readonly LedgerEntry[]): void {
  const totals = new Map<string, number>();
  entries.forEach((entry, index) => {
    const total = (totals.get(entry.accountId) ?? 0) + Math.abs(entry.amount);
    if (total > Number.MAX_SAFE_INTEGER) {
      reject('ledger', index, entry.id, 'amount', `the amounts of account "${entry.accountId}" in this file add up to more than ${Number.MAX_SAFE_INTEGER} credits`);
    }
    totals.set(entry.accountId, total);
  });
}

/** `SET col = excluded.col` for an upsert: a re-import brings the row to the file's values. */
function excluded<T extends SQLiteTable>(keys: readonly (keyof T['$inferInsert'] & string)[], table: T): Record<string, SQL> {
  const columns = getTableColumns(table) as Record<string, { name: string } | undefined>;
  const set: Record<string, SQL> = {};
  for (const key of keys) {
    const column = columns[key];
    if (column) set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/** SQLite binds at most 32,766 parameters a statement (D1: 100); rows are inserted in chunks below it. */
const MAX_PARAMS = 30_000;

export interface ImportOptions {
  /** Bound parameters per statement: 30,000 on better-sqlite3, under 100 on D1. */
  maxParams?: number;
  /**
   * Lets the file change what the store holds already: move a run or a ledger entry to another
   * account, give an account another email. Without it such a file is refused.
   */
  allowRewrite?: boolean;
  /** The file is the demo data `npm start` seeds: the store is marked as holding it (any other import clears the mark). */
  seedsDemo?: { at: number };
}

/** The store's owner (or email key) of each id given, read in chunks. */
async function storedValues(
  ids: string[],
  chunks: <T>(rows: T[], columns: number) => T[][],
  read: (part: string[]) => Promise<{ id: string; value: string }[]>,
): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for (const part of chunks(ids, 1)) for (const row of await read(part)) stored.set(row.id, row.value);
  return stored;
}

const REWRITE_HINT = '(import --allow-rewrite to change it)';

/**
 * History the store holds already and the file would change: a run or a ledger entry moved to
 * another account (charges and refunds would change hands), an account given another address (it
 * would be handed to whoever holds that mailbox). Refused, naming the record, unless `allowRewrite`.
 * Answers the accounts entries are moved away from, whose balances must be counted again.
 */
async function checkRewrites(
  db: DeskDb['db'],
  chunks: <T>(rows: T[], columns: number) => T[][],
  file: { accounts: Account[]; generations: Generation[]; entries: LedgerEntry[] },
  allowRewrite: boolean,
): Promise<Set<string>> {
  const emails = await storedValues(file.accounts.map((a) => a.id), chunks, (part) =>
    db.select({ id: accounts.id, value: accounts.emailKey }).from(accounts).where(inArray(accounts.id, part)),
  );
  const runOwners = await storedValues(file.generations.map((g) => g.id), chunks, (part) =>
    db.select({ id: generations.id, value: generations.accountId }).from(generations).where(inArray(generations.id, part)),
  );
  const entryOwners = await storedValues(file.entries.map((e) => e.id), chunks, (part) =>
    db.select({ id: ledger.id, value: ledger.accountId }).from(ledger).where(inArray(ledger.id, part)),
  );
  const movedFrom = new Set<string>();
  if (!allowRewrite) {
    // A change of case is the same address (identities are checked over the lowercase email).
    file.accounts.forEach((a, i) => {
      const stored = emails.get(a.id);
      if (stored !== undefined && stored !== a.email.toLowerCase())
        reject('accounts', i, a.id, 'email', `account "${a.id}" has the email ${stored} in the store; the file gives ${a.email} ${REWRITE_HINT}`);
    });
    file.generations.forEach((g, i) => {
      const stored = runOwners.get(g.id);
      if (stored !== undefined && stored !== g.accountId)
        reject('generations', i, g.id, 'accountId', `generation "${g.id}" belongs to account "${stored}"; the file gives "${g.accountId}" ${REWRITE_HINT}`);
    });
  }
  file.entries.forEach((e, i) => {
    const stored = entryOwners.get(e.id);
    if (stored === undefined || stored === e.accountId) return;
    if (!allowRewrite)
      reject('ledger', i, e.id, 'accountId', `ledger entry "${e.id}" belongs to account "${stored}"; the file gives "${e.accountId}" ${REWRITE_HINT}`);
    movedFrom.add(stored);
  });
  return movedFrom;
}

function chunker(maxParams: number) {
  return <T>(rows: T[], columns: number): T[][] => chunkRows(rows, columns, maxParams);
}

function chunkRows<T>(rows: T[], columns: number, maxParams: number): T[][] {
  const size = Math.max(1, Math.floor(maxParams / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Imports platform-data.md's import file: every record is checked first, then everything is
 * written in one atomic step. Any bad record rejects the whole file with its id and field, and
 * nothing is written: a record that breaks its schema, an id given twice in a collection, a run or
 * entry of an unknown account, an email taken, an account's amounts past exact arithmetic, and
 * (unless `allowRewrite`) a run or entry of another account in the store, an account's new email.
 * Importing the same file twice changes nothing.
 */
export async function importPlatformData(
  { db, atomic }: DeskDb,
  input: unknown,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const chunks = chunker(options.maxParams ?? MAX_PARAMS);
  const file = ImportFile.safeParse(input);
  if (!file.success) {
    const issue = file.error.issues[0];
    throw new DeskError('invalid_import', `import file: field "${issue?.path.join('.') || '(root)'}": ${issue?.message}`);
  }
  const accountList = parseAll('accounts', file.data.accounts, Account);
  const generationList = parseAll('generations', file.data.generations, Generation);
  const entries = parseAll('ledger', file.data.ledger, LedgerEntry);
  // One record per id: a second one would silently overwrite the first and be counted twice.
  rejectDuplicateIds('accounts', accountList);
  rejectDuplicateIds('generations', generationList);
  rejectDuplicateIds('ledger', entries);
  rejectUnsafeTotals(entries);

  // References: an account named by a run or an entry is in the file or already in the store.
  const fileAccountIds = new Set(accountList.map((a) => a.id));
  const referenced = [...new Set([...generationList, ...entries].map((r) => r.accountId))].filter(
    (id) => !fileAccountIds.has(id),
  );
  const known = new Set<string>();
  for (const part of chunks(referenced, 1)) {
    const rows = await db.select({ id: accounts.id }).from(accounts).where(inArray(accounts.id, part));
    for (const row of rows) known.add(row.id);
  }
  generationList.forEach((g, i) => {
    if (!fileAccountIds.has(g.accountId) && !known.has(g.accountId))
      reject('generations', i, g.id, 'accountId', `no account "${g.accountId}" in the file or the store`);
  });
  entries.forEach((e, i) => {
    if (!fileAccountIds.has(e.accountId) && !known.has(e.accountId))
      reject('ledger', i, e.id, 'accountId', `no account "${e.accountId}" in the file or the store`);
  });

  // Emails are unique, case-insensitively, within the file and against other accounts in the store.
  const seenEmails = new Map<string, string>();
  for (const [i, a] of accountList.entries()) {
    const key = a.email.toLowerCase();
    const other = seenEmails.get(key);
    if (other !== undefined && other !== a.id) reject('accounts', i, a.id, 'email', `${a.email} is also the email of "${other}"`);
    seenEmails.set(key, a.id);
  }
  for (const part of chunks([...seenEmails.keys()], 1)) {
    const rows = await db.select({ id: accounts.id, emailKey: accounts.emailKey }).from(accounts).where(inArray(accounts.emailKey, part));
    for (const row of rows) {
      const mine = seenEmails.get(row.emailKey);
      if (mine !== undefined && mine !== row.id) {
        const i = accountList.findIndex((a) => a.id === mine);
        reject('accounts', i, mine, 'email', `${row.emailKey} already belongs to account "${row.id}"`);
      }
    }
  }

  const movedFrom = await checkRewrites(db, chunks, { accounts: accountList, generations: generationList, entries }, options.allowRewrite ?? false);

  const statements: BatchItem<'sqlite'>[] = [];
  for (const part of chunks(accountList.map(accountToRow), 6)) {
    statements.push(db.insert(accounts).values(part).onConflictDoUpdate({ target: accounts.id, set: excluded(['email', 'emailKey', 'name', 'timezone'], accounts) }));
  }
  for (const part of chunks(generationList.map(generationToRow), 12)) {
    statements.push(
      db.insert(generations).values(part).onConflictDoUpdate({
        target: generations.id,
        set: excluded(['accountId', 'studio', 'prompt', 'settings', 'status', 'errorCode', 'errorMessage', 'createdAt', 'createdAtMs', 'finishedAt', 'libraryItemId'], generations),
      }),
    );
  }
  // Every column is bound, defaults included (`automatic`).
  for (const part of chunks(entries.map((e) => ledgerToRow(e)), Object.keys(getTableColumns(ledger)).length)) {
    statements.push(
      db.insert(ledger).values(part).onConflictDoUpdate({
        target: ledger.id,
        set: excluded(['accountId', 'type', 'amount', 'generationId', 'refundOf', 'createdAt', 'createdAtMs', 'description'], ledger),
      }),
    );
  }
  for (const id of new Set([...accountList.map((a) => a.id), ...entries.map((e) => e.accountId), ...movedFrom])) {
    statements.push(refreshBalance(db, id));
  }
  if (statements.length > 0) {
    // Written with the records: the demo mark stands for exactly the seeded records, nothing else.
    statements.push(
      options.seedsDemo
        ? db.insert(demoSeed).values({ id: 1, seededAt: options.seedsDemo.at }).onConflictDoUpdate({ target: demoSeed.id, set: { seededAt: options.seedsDemo.at } })
        : db.delete(demoSeed),
    );
    await atomic(statements);
  }
  return { accounts: accountList.length, generations: generationList.length, ledger: entries.length };
}
