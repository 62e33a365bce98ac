import type { ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { openD1 } from '../adapters/db/d1-database.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { type DeskServices, createDeskServices } from './desk-services.ts';
import { createRateLimiter } from './http/rate-limiter.ts';
import { type WorkerEnv, variables } from './worker-env.ts';
import widgetScript from 'virtual:widget-script';

export type { WorkerEnv };

interface Desk {
  services: DeskServices;
  app: ReturnType<typeof createApp>;
}

/** One desk per isolate (and per set of bindings): built on the first request, reused after. */
const desks = new WeakMap<object, Desk>();

function deskFor(env: WorkerEnv): Desk {
  const cached = desks.get(env);
  if (cached) return cached;
  const config = loadConfig(variables(env));
  const database = openD1(env.DB);
  const now = () => Date.now();
  const services = createDeskServices(database, config, now);
  const app = createApp({
    store: services.store,
    now,
    chat: {
      conversations: services.conversations,
      identitySecret: config.chat.identitySecret,
      // Per isolate: Cloudflare's own rate limiting rules sit in front for the global picture.
      rateLimiter: createRateLimiter({ perMinute: config.chat.ratePerMinute, burst: config.chat.rateBurst }),
      now,
      clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
      maxBodyBytes: config.chat.maxBodyBytes,
    },
    // The widget script and the anonymous demo page; no signed-in demo page outside Node's demo mode.
    widget: { script: async () => widgetScript, demo: null, allowedOrigins: config.widget.allowedOrigins },
  });
  const desk = { services, app };
  desks.set(env, desk);
  return desk;
}

/** The Workers composition root: the same desk as on Node, over D1. */
export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    return deskFor(env).app.fetch(request, env, ctx);
  },

  /** The cron trigger: deletes expired conversations (the mail Worker relays the outbox). */
  async scheduled(_controller: ScheduledController, env: WorkerEnv): Promise<void> {
    await deskFor(env).services.conversations.expire();
  },
};
