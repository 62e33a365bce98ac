import { count, inArray } from 'drizzle-orm';
import type { DeskDb } from '../../adapters/db/desk-db.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { accounts } from '../../adapters/db/schema.ts';
import { type DemoAccount, demoData } from './demo-data.ts';

/**
 * Seeds the demo accounts when the embedded store has no account yet. Answers the guide to the demo
 * accounts the store holds: all of them once seeded, none in a store that holds imported data only.
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
  await importPlatformData(db, data);
  return { seeded: true, guide: data.guide };
}
