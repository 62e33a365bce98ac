import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emailStoreContract } from '../../test/contracts/email-store-contract.ts';
import { createDrizzleEmailStore } from './drizzle-email-store.ts';
import { createDrizzleSupportStore } from './drizzle-support-store.ts';
import { openSqlite } from './open-sqlite.ts';

emailStoreContract('drizzle on a SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-email-store-'));
  const handle = openSqlite(join(dir, 'desk.sqlite'));
  return {
    store: createDrizzleEmailStore(handle),
    supportStore: createDrizzleSupportStore(handle),
    close: async () => {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
