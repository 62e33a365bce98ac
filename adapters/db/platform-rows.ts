import type { Account, Generation, LedgerEntry } from '../../src/core/platform-types.ts';
import type { accounts, generations, ledger } from './schema.ts';

type AccountRow = typeof accounts.$inferSelect;
type GenerationRow = typeof generations.$inferSelect;
type LedgerRow = typeof ledger.$inferSelect;

/** Rows ↔ records of platform-data.md. Absent optional fields come back as absent, not null. */
export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    ...(row.name != null && { name: row.name }),
    ...(row.timezone != null && { timezone: row.timezone }),
  };
}

export function accountToRow(a: Account): typeof accounts.$inferInsert {
  return { id: a.id, email: a.email, emailKey: a.email.toLowerCase(), name: a.name ?? null, timezone: a.timezone ?? null };
}

export function generationFromRow(row: GenerationRow): Generation {
  return {
    id: row.id,
    accountId: row.accountId,
    studio: row.studio,
    prompt: row.prompt,
    settings: row.settings,
    status: row.status,
    ...(row.errorMessage != null && {
      error: { ...(row.errorCode != null && { code: row.errorCode }), message: row.errorMessage },
    }),
    createdAt: row.createdAt,
    ...(row.finishedAt != null && { finishedAt: row.finishedAt }),
    ...(row.libraryItemId != null && { libraryItemId: row.libraryItemId }),
  };
}

export function generationToRow(g: Generation): typeof generations.$inferInsert {
  return {
    id: g.id,
    accountId: g.accountId,
    studio: g.studio,
    prompt: g.prompt,
    settings: g.settings,
    status: g.status,
    errorCode: g.error?.code ?? null,
    errorMessage: g.error?.message ?? null,
    createdAt: g.createdAt,
    createdAtMs: Date.parse(g.createdAt),
    finishedAt: g.finishedAt ?? null,
    libraryItemId: g.libraryItemId ?? null,
  };
}

export function ledgerFromRow(
  row: Pick<LedgerRow, 'id' | 'accountId' | 'type' | 'amount' | 'generationId' | 'refundOf' | 'createdAt' | 'description'>,
): LedgerEntry {
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.type,
    amount: row.amount,
    ...(row.generationId != null && { generationId: row.generationId }),
    ...(row.refundOf != null && { refundOf: row.refundOf }),
    createdAt: row.createdAt,
    ...(row.description != null && { description: row.description }),
  };
}

export function ledgerToRow(e: LedgerEntry, idempotencyKey: string | null = null): typeof ledger.$inferInsert {
  return {
    id: e.id,
    accountId: e.accountId,
    type: e.type,
    amount: e.amount,
    generationId: e.generationId ?? null,
    refundOf: e.refundOf ?? null,
    createdAt: e.createdAt,
    createdAtMs: Date.parse(e.createdAt),
    description: e.description ?? null,
    idempotencyKey,
  };
}
