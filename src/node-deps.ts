import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../adapters/db/drizzle-support-store.ts';
import { type SqliteHandle, openSqlite } from '../adapters/db/open-sqlite.ts';
import { createHttpPlatformData } from '../adapters/platform-http/http-platform-data.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { sql } from 'drizzle-orm';
import { articles } from '../knowledge/articles.generated.ts';
import { createApp } from './app.ts';
import { type ConversationService, createConversationService } from './chat/conversation-service.ts';
import type { DeskConfig } from './config.ts';
import { createRateLimiter } from './http/rate-limiter.ts';
import { createKnowledgeBase } from './knowledge/knowledge-base.ts';
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
  conversations: ConversationService;
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
  const conversations = createConversationService({
    store,
    platform,
    packets,
    kb: createKnowledgeBase(articles),
    now,
    newId,
    ttlMs: config.chat.ttlMs,
    autoRefundLimit: config.autoRefundLimit,
  });
  return {
    config,
    sqlite,
    platform,
    embedded: config.platform.kind === 'embedded',
    store,
    packets,
    conversations,
    now,
    close: () => sqlite.close(),
  };
}

/** The HTTP app on Node, from the dependencies. */
export function createNodeApp(deps: NodeDeps) {
  return createApp({
    store: deps.store,
    now: deps.now,
    checkDatabase: async () => {
      try {
        await deps.sqlite.db.run(sql`SELECT 1`);
        return true;
      } catch {
        return false;
      }
    },
    chat: {
      conversations: deps.conversations,
      identitySecret: deps.config.chat.identitySecret,
      rateLimiter: createRateLimiter({ perMinute: deps.config.chat.ratePerMinute, burst: deps.config.chat.rateBurst }),
      now: deps.now,
      clientIp: (c) => getConnInfo(c).remote.address ?? 'unknown',
      maxBodyBytes: deps.config.chat.maxBodyBytes,
    },
  });
}
