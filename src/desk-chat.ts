import type { Context, Hono } from 'hono';
import { articles, translations } from '../knowledge/articles.generated.ts';
import { createApp } from './app.ts';
import { createConversationService } from './chat/conversation-service.ts';
import { consoleRoutes } from './console/console-routes.tsx';
import { createStaffAuth } from './console/staff-auth.ts';
import { newId } from './core/ids.ts';
import type { ChatSide } from './desk.ts';
import type { EmailIntake } from './email/email-intake.ts';
import { createRateLimiter } from './http/rate-limiter.ts';
import { createKnowledgeBase } from './knowledge/knowledge-base.ts';
import type { ProcessMetrics } from './metrics/process-metrics.ts';
import { timedConversations } from './metrics/timed-conversations.ts';
import type { WidgetRoutesDeps } from './widget/widget-routes.ts';

/** The inbound mail route (`inboundEmailRoutes`), as the chat side mounts it under `/api`. */
export type EmailRoute = (deps: { intake: EmailIntake; secret: string }) => Hono;

/** What the runtime gives the chat side. */
export interface ChatParts {
  /** The caller's address, for the chat's rate limit: the socket's on Node, `CF-Connecting-IP` on Workers. */
  clientIp(c: Context): string;
  /** The built widget script: read from dist/ on Node, inlined in the chat Worker; null when not built. */
  widgetScript(): Promise<string | null>;
  /** Who the demo page at `/` signs in, asked at each request (Node, over the seeded demo data); null: nobody. */
  demoIdentity: WidgetRoutesDeps['demo'];
  /** The inbound mail route, mounted under `/api` when INBOUND_EMAIL_SECRET is set and mail comes in (Node). */
  emailRoute?: EmailRoute;
  /** This process's own figures for `/metrics` (Node); none on a Worker, whose isolates come and go. */
  processMetrics?: ProcessMetrics | null;
}

/**
 * The chat side of the desk — the troubleshooting flow (xstate), the knowledge base and the HTTP
 * app, with the staff console at /desk. Node and the chat Worker hand it to createDesk (src/desk.ts); the mail Worker does not, and
 * carries none of it.
 */
export function chatSide(parts: ChatParts): ChatSide {
  return ({ config, now, store, platform, metrics, packets, incidents, triage, staffStore }, mail) => {
    const service = createConversationService({
      store,
      platform,
      packets,
      kb: createKnowledgeBase(articles, translations),
      now,
      newId,
      ttlMs: config.chat.ttlMs,
      autoRefundLimit: config.autoRefundLimit,
      autoRefundWindowMs: config.autoRefundWindowMs,
      incidents,
    });
    const processMetrics = parts.processMetrics ?? null;
    const conversations = processMetrics ? timedConversations(service, processMetrics) : service;
    const slack = mail?.slack;
    const intake = mail?.email.intake;
    const inboundSecret = config.email.inboundSecret;
    const app = createApp({
      store,
      now,
      // Served by this app, Slack's work after the acknowledgement goes on in the process (Node):
      // nothing to keep alive. The mail Worker serves Slack itself, with its waitUntil.
      slack: slack && { handle: (request: Request) => slack.handle(request, () => undefined) },
      email: intake && inboundSecret && parts.emailRoute ? parts.emailRoute({ intake, secret: inboundSecret }) : null,
      chat: {
        conversations,
        identitySecret: config.chat.identitySecret,
        // Per process (per isolate on Workers, where Cloudflare's own rules sit in front for the global picture).
        rateLimiter: createRateLimiter({ perMinute: config.chat.ratePerMinute, burst: config.chat.rateBurst }),
        now,
        clientIp: parts.clientIp,
        maxBodyBytes: config.chat.maxBodyBytes,
        events: config.chat.events,
      },
      widget: { script: parts.widgetScript, demo: parts.demoIdentity, allowedOrigins: config.widget.allowedOrigins },
      metrics: config.metrics.token ? { token: config.metrics.token, store: metrics, processMetrics } : null,
      incidents,
      // Staff decide here as in Slack, through the same triage service.
      console: consoleRoutes({
        auth: createStaffAuth({ staff: staffStore, now, newId }),
        triage,
        store,
        now,
        newId,
        publicUrl: config.console.publicUrl,
        metrics,
        incidents,
      }),
    });
    return { conversations, app };
  };
}
