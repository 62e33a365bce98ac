import type { DeskConfig } from '../../src/config.ts';
import { newId } from '../../src/core/ids.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { StorePorts } from '../../src/desk.ts';
import type { MailStorePorts } from '../../src/desk-mail.ts';
import { createHttpPlatformData } from '../platform-http/http-platform-data.ts';
import { createDrizzleTriageStore } from '../slack/drizzle-triage-store.ts';
import type { DeskDb } from './desk-db.ts';
import { createDrizzleEmailStore } from './drizzle-email-store.ts';
import { createDrizzleIncidentStore } from './drizzle-incident-store.ts';
import { createDrizzleMetricsStore } from './drizzle-metrics-store.ts';
import { createDrizzleStaffStore } from './drizzle-staff-store.ts';
import { createDrizzlePlatformData } from './drizzle-platform-data.ts';
import { createDrizzleSupportStore } from './drizzle-support-store.ts';

/*
 * The desk's ports over its database, on any SQLite drizzle speaks to: better-sqlite3 on Node, D1
 * on Workers. Both runtimes make them here.
 */

/**
 * The support store, triage's and the console's records, and the platform's records: in the same
 * database (embedded) or from PLATFORM_API_URL.
 */
export function storePorts(database: DeskDb, config: DeskConfig, now: Clock): StorePorts {
  const platform =
    config.platform.kind === 'http'
      ? createHttpPlatformData({ baseUrl: config.platform.baseUrl, token: config.platform.token, timeoutMs: config.platform.timeoutMs })
      : createDrizzlePlatformData(database, { now, newId });
  return {
    store: createDrizzleSupportStore(database),
    platform,
    metrics: createDrizzleMetricsStore(database),
    incidentStore: createDrizzleIncidentStore(database),
    triageStore: createDrizzleTriageStore(database),
    staffStore: createDrizzleStaffStore(database),
  };
}

/** What the mail side keeps: the messages read and their auto-replies. */
export function mailStorePorts(database: DeskDb): MailStorePorts {
  return { emailStore: createDrizzleEmailStore(database) };
}
