import type { ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import widgetScript from 'virtual:widget-script';
import { loadConfig } from '../../src/config.ts';
import { type Desk, createDesk } from '../../src/desk.ts';
import { chatSide } from '../../src/desk-chat.ts';
import { openD1 } from '../db/d1-database.ts';
import { storePorts } from '../db/store-ports.ts';
import { type WorkerEnv, variables } from './worker-env.ts';

export type { WorkerEnv };

/** One desk per isolate (and per set of bindings): built on the first request, reused after. */
const desks = new WeakMap<object, Desk>();

function deskFor(env: WorkerEnv): Desk {
  const cached = desks.get(env);
  if (cached) return cached;
  const config = loadConfig(variables(env));
  const now = () => Date.now();
  const desk = createDesk({
    ...storePorts(openD1(env.DB), config, now),
    config,
    now,
    chat: chatSide({
      clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
      widgetScript: async () => widgetScript,
      // The widget script and the anonymous demo page; no signed-in demo page outside Node's demo mode.
      demoIdentity: null,
    }),
    // Mail, Slack and the outbox are the mail Worker's (mail-worker.ts).
    mail: null,
  });
  desks.set(env, desk);
  return desk;
}

/** The chat Worker (wrangler.toml): the chat API and the help widget, over D1. */
export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    const { app } = deskFor(env);
    if (!app) throw new Error('the chat Worker is built with its chat side');
    return app.fetch(request, env, ctx);
  },

  /** The cron trigger: deletes expired conversations (the mail Worker relays the outbox). */
  async scheduled(_controller: ScheduledController, env: WorkerEnv): Promise<void> {
    await deskFor(env).conversations?.expire();
  },
};
