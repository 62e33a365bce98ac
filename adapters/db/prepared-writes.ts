import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Placeholder } from 'drizzle-orm/sql';
import { packetCaseKey } from '../../src/core/build-packet.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import type { PacketEffects } from '../../src/core/support-store.ts';
import type { DeskDatabase } from './desk-db.ts';
import { createGroupCommit } from './group-commit.ts';
import { auditLog, outbox, packets } from './schema.ts';

/*
 * On better-sqlite3 (synchronous) the hot writes run as statements prepared once, inside one
 * immediate transaction: building a drizzle query anew costs more than running it. D1 takes the
 * built statements through `atomic` (its batch). Both write the same rows.
 */

/** A drizzle query prepared on better-sqlite3: runs synchronously with its placeholders' values. */
export interface SyncStatement {
  run(values?: Record<string, unknown>): unknown;
}

/** Whether this drizzle database runs synchronously (better-sqlite3), so statements can be prepared and run in a transaction. */
export const isSyncDatabase = (db: DeskDatabase): boolean => (db as unknown as { resultKind?: string }).resultKind === 'sync';

/** Prepares a query on better-sqlite3 (the type drizzle gives is the async-or-sync union). */
export const prepareSync = (query: { prepare(): unknown }): SyncStatement => query.prepare() as SyncStatement;

/** A select prepared on better-sqlite3, read synchronously (inside a write's transaction): its first row. */
export const prepareSyncRead = <Row>(prepared: unknown): { get(values?: Record<string, unknown>): Row | undefined } =>
  prepared as { get(values?: Record<string, unknown>): Row | undefined };

/**
 * Group commit over the database's immediate transactions (see group-commit.ts): the synchronous
 * writes queued within one turn of the event loop commit together, each in its own savepoint.
 */
export function createSyncCommit(db: DeskDatabase): (work: () => void) => Promise<void> {
  // better-sqlite3's own transaction function, made once (not a new wrapper per write): BEGIN
  // IMMEDIATE for the batch, a savepoint for each write inside it.
  const client = (db as unknown as { $client: SqliteClient }).$client;
  const transaction = client.transaction((work: () => void) => work());
  return createGroupCommit((work) => (client.inTransaction ? transaction(work) : transaction.immediate(work)));
}

interface SqliteClient {
  inTransaction: boolean;
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F };
}

/** Multi-row inserts with more rows than this take the built statements (none today: a write has 1–3). */
export const MAX_PREPARED_ROWS = 8;

/**
 * An insert of 1…MAX_PREPARED_ROWS rows, prepared once per row count: row `i`'s values are the
 * placeholders `${field}${i}`; `shared` gives the values of placeholders every row has in common.
 */
export function preparedRowInserts<F extends string>(
  fields: readonly F[],
  build: (rows: Record<F, Placeholder>[]) => { prepare(): unknown },
): { run(rows: readonly Record<F, unknown>[], shared?: Record<string, unknown>): void } {
  const statements = new Map<number, SyncStatement>();
  return {
    run(rows, shared = {}) {
      if (rows.length > MAX_PREPARED_ROWS) throw new RangeError(`at most ${MAX_PREPARED_ROWS} rows are prepared, not ${rows.length}`);
      let statement = statements.get(rows.length);
      if (!statement) {
        const placeholders = rows.map((_, i) => Object.fromEntries(fields.map((f) => [f, sql.placeholder(`${f}${i}`)])) as Record<F, Placeholder>);
        statement = prepareSync(build(placeholders));
        statements.set(rows.length, statement);
      }
      const values: Record<string, unknown> = { ...shared };
      rows.forEach((row, i) => {
        for (const f of fields) values[`${f}${i}`] = row[f];
      });
      statement.run(values);
    },
  };
}

/** A packet upsert keeps the packet's first creation time; everything else is the new packet's. */
const packetUpsert = {
  target: packets.ref,
  set: {
    status: sql`excluded.status`,
    data: sql`excluded.data`,
    updatedAt: sql`excluded.updated_at`,
    accountKey: sql`excluded.account_key`,
    runsKey: sql`excluded.runs_key`,
  },
};

const OUTBOX_FIELDS = ['id', 'kind', 'destination', 'payload', 'dedupeKey', 'packetRef'] as const;
const AUDIT_FIELDS = ['at', 'actor', 'action', 'packetRef', 'evidence'] as const;

/**
 * A packet with its outbox rows and audit entries, as one write: the built statements (for
 * `atomic`, i.e. D1's batch) and, on better-sqlite3, the same rows through statements prepared once
 * (`run`, to be called inside a transaction). Shared by the support store and the email intake's
 * store, which files a packet together with the message it came from.
 */
export function createPacketWrites(db: DeskDatabase) {
  function statements(packet: Packet, { outbox: items, audit, now }: PacketEffects): BatchItem<'sqlite'>[] {
    const list: BatchItem<'sqlite'>[] = [
      db
        .insert(packets)
        .values({
          ref: packet.ref,
          ...packetCaseKey(packet),
          channel: packet.channel,
          status: packet.status,
          data: packet,
          createdAt: Date.parse(packet.createdAt),
          updatedAt: now,
        })
        .onConflictDoUpdate(packetUpsert),
    ];
    if (items.length > 0) {
      list.push(
        db
          .insert(outbox)
          .values(items.map((item) => ({ ...item, status: 'pending' as const, nextAttemptAt: now, createdAt: now })))
          .onConflictDoNothing({ target: outbox.dedupeKey }),
      );
    }
    if (audit.length > 0) list.push(db.insert(auditLog).values(audit));
    return list;
  }

  if (!isSyncDatabase(db)) return { statements, run: null };

  const placeholder = (name: string) => sql.placeholder(name);
  const upsert = prepareSync(
    db
      .insert(packets)
      .values({
        ref: placeholder('ref'),
        accountKey: placeholder('accountKey'),
        runsKey: placeholder('runsKey'),
        channel: placeholder('channel'),
        status: placeholder('status'),
        data: placeholder('data'),
        createdAt: placeholder('createdAt'),
        updatedAt: placeholder('now'),
      })
      .onConflictDoUpdate(packetUpsert),
  );
  const outboxInsert = preparedRowInserts(OUTBOX_FIELDS, (rows) =>
    db
      .insert(outbox)
      .values(rows.map((row) => ({ ...row, status: 'pending' as const, nextAttemptAt: placeholder('now'), createdAt: placeholder('now') })))
      .onConflictDoNothing({ target: outbox.dedupeKey }),
  );
  const auditInsert = preparedRowInserts(AUDIT_FIELDS, (rows) => db.insert(auditLog).values(rows));

  /** Runs the packet's writes with the prepared statements; call it inside a transaction. */
  function run(packet: Packet, effects: PacketEffects): void {
    const { outbox: items, audit, now } = effects;
    if (items.length > MAX_PREPARED_ROWS || audit.length > MAX_PREPARED_ROWS) {
      for (const statement of statements(packet, effects)) (statement as unknown as SyncStatement).run();
      return;
    }
    const { accountKey, runsKey } = packetCaseKey(packet);
    upsert.run({ ref: packet.ref, accountKey, runsKey, channel: packet.channel, status: packet.status, data: packet, createdAt: Date.parse(packet.createdAt), now });
    if (items.length > 0) outboxInsert.run(items, { now });
    if (audit.length > 0) auditInsert.run(audit);
  }

  return { statements, run };
}

export type PacketWrites = ReturnType<typeof createPacketWrites>;
