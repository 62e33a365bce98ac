import { createDrizzleEmailStore } from '../../adapters/db/drizzle-email-store.ts';
import { createDrizzlePlatformData, refreshBalance } from '../../adapters/db/drizzle-platform-data.ts';
import { createDrizzleStaffStore } from '../../adapters/db/drizzle-staff-store.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { accountToRow, generationToRow, ledgerToRow } from '../../adapters/db/platform-rows.ts';
import * as schema from '../../adapters/db/schema.ts';
import { emailStoreContract } from '../contracts/email-store-contract.ts';
import { type PlatformFixture, platformDataContract } from '../contracts/platform-data-contract.ts';
import { staffStoreContract } from '../contracts/staff-store-contract.ts';
import { refundAuditContract } from '../contracts/refund-audit-contract.ts';
import { supportStoreContract } from '../contracts/support-store-contract.ts';
import { emptyD1 } from './reset-d1.ts';

// The same contract suites as on better-sqlite3, here on D1 inside workerd.
supportStoreContract('D1', async () => ({ store: createDrizzleSupportStore(await emptyD1()) }));
staffStoreContract('D1', async () => ({ store: createDrizzleStaffStore(await emptyD1()) }));
emailStoreContract('D1', async () => {
  const database = await emptyD1();
  return { store: createDrizzleEmailStore(database), supportStore: createDrizzleSupportStore(database) };
});

/** Empty tables, then the fixture, one row per insert (D1 binds at most 100 parameters a statement). */
async function d1With(fixture: PlatformFixture) {
  const database = await emptyD1();
  await database.atomic([
    ...fixture.accounts.map((a) => database.db.insert(schema.accounts).values(accountToRow(a))),
    ...fixture.generations.map((g) => database.db.insert(schema.generations).values(generationToRow(g))),
    ...fixture.ledger.map((e) => database.db.insert(schema.ledger).values(ledgerToRow(e))),
    ...fixture.accounts.map((a) => refreshBalance(database.db, a.id)),
  ]);
  let n = 0;
  const platform = createDrizzlePlatformData(database, { now: () => Date.parse('2026-11-24T12:00:00Z'), newId: (p) => `${p}_d1_${++n}` });
  return { database, platform };
}

platformDataContract('D1 (embedded)', async (fixture) => ({ platform: (await d1With(fixture)).platform }));

// A refund and its audit entry in one db.batch().
refundAuditContract('embedded platform data and the store on one D1 database', async (fixture) => {
  const { database, platform } = await d1With(fixture);
  return { platform, store: createDrizzleSupportStore(database) };
});
