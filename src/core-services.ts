import type { DeskDb } from '../adapters/db/desk-db.ts';
import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../adapters/db/drizzle-support-store.ts';
import { createHttpPlatformData } from '../adapters/platform-http/http-platform-data.ts';
import type { DeskConfig } from './config.ts';
import { newId } from './core/ids.ts';
import { newPacketRef } from './core/packet-ref.ts';
import { createPacketService } from './core/packet-service.ts';
import type { Clock } from './core/ports.ts';

/**
 * What every channel needs (the store, the platform, packets), over any SQLite drizzle speaks to
 * (better-sqlite3 on Node, D1 on Workers): the mail Worker builds only this.
 */
export function createCoreServices(database: DeskDb, config: DeskConfig, now: Clock) {
  const platform =
    config.platform.kind === 'http'
      ? createHttpPlatformData({ baseUrl: config.platform.baseUrl, token: config.platform.token, timeoutMs: config.platform.timeoutMs })
      : createDrizzlePlatformData(database, { now, newId });
  const store = createDrizzleSupportStore(database);
  const packets = createPacketService({
    platform,
    store,
    now,
    newRef: () => newPacketRef(),
    newId,
    destinations: config.destinations,
  });
  return { platform, embedded: config.platform.kind === 'embedded', store, packets };
}
