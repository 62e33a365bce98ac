import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triageStoreContract } from '../../test/slack/triage-store-contract.ts';
import { openSqlite } from '../db/open-sqlite.ts';
import { createDrizzleTriageStore } from './drizzle-triage-store.ts';

triageStoreContract('drizzle on a SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'triage-store-'));
  const handle = openSqlite(join(dir, 'desk.sqlite'));
  return {
    store: createDrizzleTriageStore(handle),
    close: async () => {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
