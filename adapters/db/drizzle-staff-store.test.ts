import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staffStoreContract } from '../../test/contracts/staff-store-contract.ts';
import { createDrizzleStaffStore } from './drizzle-staff-store.ts';
import { openSqlite } from './open-sqlite.ts';

staffStoreContract('drizzle on a SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-staff-store-'));
  const handle = openSqlite(join(dir, 'desk.sqlite'));
  return {
    store: createDrizzleStaffStore(handle),
    close: async () => {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
