import { count } from 'drizzle-orm';
import type { DeskDb } from '../../adapters/db/desk-db.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { accounts } from '../../adapters/db/schema.ts';
import { type DemoAccount, demoData } from './demo-data.ts';

/** Seeds the demo accounts when the embedded store has no account yet; answers the guide either way. */
export async function seedDemoIfEmpty(db: DeskDb, now: number): Promise<{ seeded: boolean; guide: DemoAccount[] }> {
  const data = demoData(now);
  const [row] = await db.db.select({ n: count() }).from(accounts);
  if ((row?.n ?? 0) > 0) return { seeded: false, guide: data.guide };
  await importPlatformData(db, data);
  return { seeded: true, guide: data.guide };
}
