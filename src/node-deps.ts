import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../adapters/db/open-sqlite.ts';
import { createHttpPlatformData } from '../adapters/platform-http/http-platform-data.ts';
import type { DeskConfig } from './config.ts';
import { newId } from './core/ids.ts';
import { newPacketRef } from './core/packet-ref.ts';
import { createPacketService } from './core/packet-service.ts';
import type { Clock, PlatformData } from './core/ports.ts';
import type { SupportStore } from './core/support-store.ts';

/** Everything the desk needs on Node, built from the configuration. */
export interface NodeDeps {
  config: DeskConfig;
  sqlite: SqliteHandle;
  platform: PlatformData;
  /** Present in embedded mode: the platform's records live in the desk's own database. */
  embedded: boolean;
  store: SupportStore;
  packets: ReturnType<typeof createPacketService>;
  now: Clock;
  close(): void;
}

export function createNodeDeps(config: DeskConfig, options: { now?: Clock } = {}): NodeDeps {
  const now = options.now ?? Date.now;
  const sqlite = openSqlite(config.dbPath);
  const platform =
    config.platform.kind === 'http'
      ? createHttpPlatformData({ baseUrl: config.platform.baseUrl, token: config.platform.token, timeoutMs: config.platform.timeoutMs })
      : createDrizzlePlatformData(sqlite, { now, newId });
  const store = createDrizzleSupportStore(sqlite);
  const packets = createPacketService({
    platform,
    store,
    now,
    newRef: () => newPacketRef(),
    newId,
    destinations: config.destinations,
  });
  return { config, sqlite, platform, embedded: config.platform.kind === 'embedded', store, packets, now, close: () => sqlite.close() };
}
