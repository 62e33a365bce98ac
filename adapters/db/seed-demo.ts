import { count, inArray } from 'drizzle-orm';
import { type DemoAccount, demoData } from '../../src/demo/demo-data.ts';
import type { DeskDb } from './desk-db.ts';
import { importPlatformData } from './import-platform-data.ts';
import { accounts, demoSeed } from './schema.ts';

/**
 * Seeds the demo accounts when the embedded store has no account yet, marking the store as holding
 * the seeded demo (in the same write; an import of records clears the mark). Answers the guide to
 * the demo accounts the store holds: all of them once seeded, none in a store of imported data only.
 */
export async function seedDemoIfEmpty(db: DeskDb, now: number): Promise<{ seeded: boolean; guide: DemoAccount[] }> {
  const data = demoData(now);
  const [row] = await db.db.select({ n: count() }).from(accounts);
  if ((row?.n ?? 0) > 0) {
    const keys = data.guide.map((g) => g.email.toLowerCase());
    const present = await db.db.select({ emailKey: accounts.emailKey }).from(accounts).where(inArray(accounts.emailKey, keys));
    const held = new Set(present.map((r) => r.emailKey));
    return { seeded: false, guide: data.guide.filter((g) => held.has(g.email.toLowerCase())) };
  }
  await importPlatformData(db, data, { seedsDemo: { at: now } });
  return { seeded: true, guide: data.guide };
}

/**
 * Whether the platform records are the seeded demo data and nothing else: the mark the seeder
 * wrote is still there (no import has written records since). Read from the file, so it holds
 * across restarts and sees an import made while the server runs.
 */
export async function holdsSeededDemo(db: DeskDb): Promise<boolean> {
  const rows = await db.db.select({ id: demoSeed.id }).from(demoSeed).limit(1);
  return rows.length > 0;
}
