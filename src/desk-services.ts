import type { DeskDb } from '../adapters/db/desk-db.ts';
import { articles } from '../knowledge/articles.generated.ts';
import { createConversationService } from './chat/conversation-service.ts';
import type { DeskConfig } from './config.ts';
import { createCoreServices } from './core-services.ts';
import { newId } from './core/ids.ts';
import type { Clock } from './core/ports.ts';
import { createUserNotifier } from './core/user-notifier.ts';
import { createKnowledgeBase } from './knowledge/knowledge-base.ts';

/** The core services and the chat's (conversations, the user notifier): runtime-neutral. */
export function createDeskServices(database: DeskDb, config: DeskConfig, now: Clock) {
  const { platform, embedded, store, packets } = createCoreServices(database, config, now);
  const conversations = createConversationService({
    store,
    platform,
    packets,
    kb: createKnowledgeBase(articles),
    now,
    newId,
    ttlMs: config.chat.ttlMs,
    autoRefundLimit: config.autoRefundLimit,
    autoRefundWindowMs: config.autoRefundWindowMs,
  });
  const notifier = createUserNotifier({ store, now, newId, ttlMs: config.chat.ttlMs });
  return { platform, embedded, store, packets, conversations, notifier };
}

export type DeskServices = ReturnType<typeof createDeskServices>;
