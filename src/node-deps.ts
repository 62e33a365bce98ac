import { createDrizzleEmailStore } from '../adapters/db/drizzle-email-store.ts';
import { inboundEmailRoutes } from '../adapters/email/inbound-route.ts';
import { createSmtpSender } from '../adapters/email/smtp-sender.ts';
import { createThreadParser } from '../adapters/email/thread-parser.ts';
import { type SqliteHandle, openSqlite } from '../adapters/db/open-sqlite.ts';
import { createDrizzleTriageStore } from '../adapters/slack/drizzle-triage-store.ts';
import { type SlackChannel, type SlackChannelOptions, createSlackChannel } from '../adapters/slack/slack-channel.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createDeskServices } from './desk-services.ts';
import { createApp } from './app.ts';
import type { ConversationService } from './chat/conversation-service.ts';
import type { DeskConfig } from './config.ts';
import { createRateLimiter } from './http/rate-limiter.ts';
import { readWidgetScript } from './widget/widget-script.ts';
import { newId } from './core/ids.ts';
import type { PacketService } from './core/packet-service.ts';
import type { Clock, PlatformData } from './core/ports.ts';
import type { SupportStore } from './core/support-store.ts';
import { createUserNotifier } from './core/user-notifier.ts';
import { type OutboxRelay, createOutboxRelay } from './outbox/outbox-relay.ts';
import { createEmailDelivery } from './email/email-delivery.ts';
import type { EmailIntake } from './email/email-intake.ts';
import { intakeFromConfig } from './email/intake-from-config.ts';
import type { EmailStore } from './email/email-store.ts';

/** Everything the desk needs on Node, built from the configuration. */
export interface NodeDeps {
  config: DeskConfig;
  sqlite: SqliteHandle;
  platform: PlatformData;
  /** Present in embedded mode: the platform's records live in the desk's own database. */
  embedded: boolean;
  store: SupportStore;
  packets: PacketService;
  conversations: ConversationService;
  /** The Slack app (triage), when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. */
  slack: SlackChannel | null;
  /** Delivers the outbox with the configured handlers; `npm start` runs it on an interval. */
  relay: OutboxRelay;
  /**
   * Email: the intake (route and CLI), its store, whether mail is sent (SMTP_URL and SUPPORT_FROM),
   * and when its parse thread has loaded (with `parseThread`; at once without).
   */
  email: { intake: EmailIntake; store: EmailStore; sending: boolean; ready: Promise<void> };
  now: Clock;
  close(): void;
}

export function createNodeDeps(
  config: DeskConfig,
  options: {
    now?: Clock;
    slack?: Pick<SlackChannelOptions, 'logLevel' | 'timeoutMs'>;
    /** WAL checkpoints on a worker thread (the server: no commit stalls for one); short-lived uses skip it. */
    backgroundCheckpoint?: boolean;
    /** Chat turns read and written by a thread with its own connection (the server: the event loop is spared that work). */
    turnThread?: boolean;
    /** Inbound mail parsed on a thread of its own, one message at a time (the server: no message stalls the event loop or exhausts memory). */
    parseThread?: boolean;
  } = {},
): NodeDeps {
  const now = options.now ?? Date.now;
  const sqlite = openSqlite(config.dbPath, {
    backgroundCheckpoint: options.backgroundCheckpoint ?? false,
    turnThread: options.turnThread ?? false,
  });
  // The same services as on Workers (src/desk-services.ts), over better-sqlite3.
  const { platform, store, packets, conversations } = createDeskServices(sqlite, config, now);
  let relay: OutboxRelay | null = null;
  const slack = config.slack
    ? createSlackChannel({
        ...config.slack,
        ...options.slack,
        store,
        triageStore: createDrizzleTriageStore(sqlite),
        platform,
        notifier: createUserNotifier({ store, now, newId, ttlMs: config.chat.ttlMs }),
        now,
        newId,
        // A decision's message update goes out now rather than at the relay's next tick.
        onQueued: () => void relay?.runOnce().catch(() => undefined),
      })
    : null;
  const emailStore = createDrizzleEmailStore(sqlite);
  // Only where messages come in: the inbound route is on.
  const parser = options.parseThread && config.email.inboundSecret ? createThreadParser() : null;
  const intake = intakeFromConfig({ store, emailStore, platform, packets, now, ...(parser && { parse: parser.parse }) }, config);
  const { smtpUrl, from } = config.email;
  const smtp = smtpUrl && from ? createSmtpSender(smtpUrl) : null;
  const emailHandlers = smtp && from ? createEmailDelivery({ store, emailStore, send: smtp.send, from }) : {};
  relay = createOutboxRelay({ store, handlers: { ...slack?.outboxHandlers, ...emailHandlers }, now, leaseMs: config.leaseMs });
  return {
    config,
    sqlite,
    platform,
    embedded: config.platform.kind === 'embedded',
    store,
    packets,
    conversations,
    slack,
    relay,
    email: { intake, store: emailStore, sending: smtp !== null, ready: parser?.loaded ?? Promise.resolve() },
    now,
    close: () => {
      parser?.close();
      smtp?.close();
      sqlite.close();
    },
  };
}

/** The HTTP app on Node, from the dependencies. */
export function createNodeApp(deps: NodeDeps) {
  return createApp({
    store: deps.store,
    slack: deps.slack,
    email: deps.config.email.inboundSecret ? inboundEmailRoutes({ intake: deps.email.intake, secret: deps.config.email.inboundSecret }) : null,
    now: deps.now,
    chat: {
      conversations: deps.conversations,
      identitySecret: deps.config.chat.identitySecret,
      rateLimiter: createRateLimiter({ perMinute: deps.config.chat.ratePerMinute, burst: deps.config.chat.rateBurst }),
      now: deps.now,
      clientIp: (c) => getConnInfo(c).remote.address ?? 'unknown',
      maxBodyBytes: deps.config.chat.maxBodyBytes,
    },
    widget: {
      script: () => readWidgetScript(),
      // The demo page signs in as a demo account only over the embedded demo data, never a real platform's users.
      demo:
        deps.embedded && deps.config.chat.identitySecret
          ? { email: deps.config.widget.demoEmail, secret: deps.config.chat.identitySecret }
          : null,
      allowedOrigins: deps.config.widget.allowedOrigins,
    },
  });
}
