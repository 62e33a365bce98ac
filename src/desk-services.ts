import type { DeskDb } from '../adapters/db/desk-db.ts';
import { createDrizzlePlatformData } from '../adapters/db/drizzle-platform-data.ts';
import { createDrizzleSupportStore } from '../adapters/db/drizzle-support-store.ts';
import { createHttpPlatformData } from '../adapters/platform-http/http-platform-data.ts';
import { articles } from '../knowledge/articles.generated.ts';
import { createConversationService } from './chat/conversation-service.ts';
import type { DeskConfig } from './config.ts';
import { newId } from './core/ids.ts';
import { newPacketRef } from './core/packet-ref.ts';
import { createPacketService } from './core/packet-service.ts';
import type { Clock } from './core/ports.ts';
import { createUserNotifier } from './core/user-notifier.ts';
import { createKnowledgeBase } from './knowledge/knowledge-base.ts';

/**
 * The desk's services over any SQLite drizzle speaks to (better-sqlite3 on Node, D1 on Workers):
 * runtime-neutral, so both composition roots build the same desk from their own bindings.
 */
export function createDeskServices(database: DeskDb, config: DeskConfig, now: Clock) {
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
  const notifier = createUserNotifier({ store, now, newId, ttlMs: config.chat.ttlMs });
  return { platform, embedded: config.platform.kind === 'embedded', store, packets, conversations, notifier };
}

export type DeskServices = ReturnType<typeof createDeskServices>;
