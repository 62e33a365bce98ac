import { env } from 'cloudflare:test';
import { openD1 } from '../../adapters/db/d1-database.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import * as schema from '../../adapters/db/schema.ts';
import type { DeskDb } from '../../adapters/db/desk-db.ts';
import { demoData } from '../../src/demo/demo-data.ts';

/** D1 storage lives on between tests here: every test starts from empty tables. */
export async function emptyD1(): Promise<DeskDb> {
  const database = openD1(env.DB);
  await database.atomic(
    // Children before parents (foreign keys).
    [
      schema.staffSessions,
      schema.staffSignInLinks,
      schema.staff,
      schema.messages,
      schema.conversations,
      schema.conversationLog,
      schema.deskCounters,
      schema.incidentWatchers,
      schema.incidents,
      schema.outbox,
      schema.auditLog,
      schema.slackMessages,
      schema.triageOnce,
      schema.emailMessages,
      schema.emailDeadLetters,
      schema.packets,
      schema.ledger,
      schema.generations,
      schema.accounts,
    ].map((t) => database.db.delete(t)),
  );
  return database;
}

/** Empty tables, then the demo accounts (D1 binds at most 100 parameters a statement). */
export async function seedDemoD1(): Promise<DeskDb> {
  const database = await emptyD1();
  await importPlatformData(database, demoData(Date.now()), { maxParams: 99 });
  return database;
}
