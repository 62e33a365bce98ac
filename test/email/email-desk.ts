import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDrizzleEmailStore } from '../../adapters/db/drizzle-email-store.ts';
import { createDrizzlePlatformData } from '../../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../../adapters/db/open-sqlite.ts';
import { newPacketRef } from '../../src/core/packet-ref.ts';
import { createPacketService } from '../../src/core/packet-service.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { type EmailIntake, type EmailIntakeDeps, createEmailIntake } from '../../src/email/email-intake.ts';
import type { EmailStore } from '../../src/email/email-store.ts';
import { TRUSTED_ID } from './build-eml.ts';

/** "Now" of the email tests: the demo runs are seeded relative to it (Maya's video failed at 08:25Z). */
export const NOW = Date.parse('2026-11-21T10:00:00Z');
export const SUPPORT_INBOX = 'triage@prismposter.test';
export const SUPPORT_FROM = 'support@prismposter.test';

export interface EmailDesk {
  sqlite: SqliteHandle;
  store: SupportStore;
  emailStore: EmailStore;
  intake: EmailIntake;
  clock: { now: number };
  close(): void;
}

/** The email intake over a real SQLite file with the demo accounts, a settable clock and counted ids. */
export async function startEmailDesk(overrides: Partial<EmailIntakeDeps> = {}): Promise<EmailDesk> {
  const dir = mkdtempSync(join(tmpdir(), 'email-desk-'));
  const sqlite = openSqlite(join(dir, 'desk.sqlite'));
  const clock = { now: NOW };
  const now = () => clock.now;
  let n = 0;
  const newId = (prefix: string) => `${prefix}_${String(++n).padStart(6, '0')}`;
  await seedDemoIfEmpty(sqlite, NOW);
  const platform = createDrizzlePlatformData(sqlite, { now, newId });
  const store = createDrizzleSupportStore(sqlite);
  const emailStore = createDrizzleEmailStore(sqlite);
  const destinations = { slackChannel: null, supportInbox: SUPPORT_INBOX };
  const packets = createPacketService({ platform, store, now, newRef: () => newPacketRef(), newId, destinations });
  const intake = createEmailIntake({
    store,
    emailStore,
    platform,
    packets,
    now,
    newId,
    destinations,
    supportFrom: SUPPORT_FROM,
    trustedAuthservId: TRUSTED_ID,
    ...overrides,
  });
  return {
    sqlite,
    store,
    emailStore,
    intake,
    clock,
    close: () => {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
