import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDrizzlePlatformData } from '../../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { openSqlite } from '../../adapters/db/open-sqlite.ts';
import { refundAuditContract } from './refund-audit-contract.ts';

refundAuditContract('embedded platform data and the store on one SQLite file', async (fixture) => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-refund-audit-'));
  const handle = openSqlite(join(dir, 'desk.sqlite'));
  await importPlatformData(handle, fixture);
  let n = 0;
  return {
    platform: createDrizzlePlatformData(handle, { now: () => Date.parse('2026-11-26T12:00:00Z'), newId: (prefix) => `${prefix}_${++n}` }),
    store: createDrizzleSupportStore(handle),
    close: async () => {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
