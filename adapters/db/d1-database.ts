import type { D1Database } from '@cloudflare/workers-types';
import { drizzle } from 'drizzle-orm/d1';
import type { DeskDb } from './desk-db.ts';
import * as schema from './schema.ts';

/**
 * The desk's database on Cloudflare D1. D1 has no interactive transactions: writes that belong
 * together go through `db.batch()`, which D1 runs as one transaction (one failure rolls back all).
 * Migrations are applied by wrangler (`migrations_dir` in wrangler.toml), not at start.
 */
export function openD1(binding: D1Database): DeskDb {
  const db = drizzle(binding, { schema });
  return {
    db,
    atomic: async (statements) => {
      const [first, ...rest] = statements;
      if (first) await db.batch([first, ...rest]);
    },
  };
}
