import type { ForwardableEmailMessage } from '@cloudflare/workers-types';
import { openD1 } from '../adapters/db/d1-database.ts';
import { createDrizzleEmailStore } from '../adapters/db/drizzle-email-store.ts';
import { loadConfig } from './config.ts';
import { createCoreServices } from './core-services.ts';
import type { EmailIntake } from './email/email-intake.ts';
import { intakeFromConfig } from './email/intake-from-config.ts';
import { createEmailDelivery } from './email/email-delivery.ts';
import { createHttpMailSender } from './email/http-mail-sender.ts';
import { type OutboxRelay, createOutboxRelay } from './outbox/outbox-relay.ts';
import { type WorkerEnv, variables } from './worker-env.ts';

/*
 * The desk's mail Worker (wrangler.email.toml): Cloudflare Email Routing hands inbound mail to
 * `email()`, which feeds the same intake as Node's `POST /api/email/inbound`; its cron relays the
 * outbox through an HTTP mail API (Workers open no SMTP sockets). A Worker of its own, over the same
 * D1 database, because the MIME parser and the date parser would take the chat Worker past its size budget.
 */

interface MailDesk {
  intake: EmailIntake;
  relay: OutboxRelay;
}

const desks = new WeakMap<object, MailDesk>();

function mailDeskFor(env: WorkerEnv): MailDesk {
  const cached = desks.get(env);
  if (cached) return cached;
  const config = loadConfig(variables(env));
  const database = openD1(env.DB);
  const now = () => Date.now();
  // Only what mail needs (no chat flow, no knowledge base): the store, the platform, packets.
  const services = createCoreServices(database, config, now);
  const emailStore = createDrizzleEmailStore(database);
  const intake = intakeFromConfig({ ...services, emailStore, now }, config);
  const { mailApi, from } = config.email;
  const handlers =
    mailApi && from ? createEmailDelivery({ store: services.store, emailStore, send: createHttpMailSender(mailApi), from }) : {};
  const desk = { intake, relay: createOutboxRelay({ store: services.store, handlers, now }) };
  desks.set(env, desk);
  return desk;
}

export default {
  /** Inbound mail: a message the intake refuses is rejected back to the sending server, with the reason. */
  async email(message: ForwardableEmailMessage, env: WorkerEnv): Promise<void> {
    const raw = new Uint8Array(await new Response(message.raw as unknown as ReadableStream).arrayBuffer());
    const outcome = await mailDeskFor(env).intake.receive(raw);
    if (outcome.status === 'rejected') message.setReject(`${outcome.reason}: ${outcome.detail}`.slice(0, 500));
  },

  /** The cron trigger: delivers what the outbox holds (packets to the support inbox, replies to users). */
  async scheduled(_controller: unknown, env: WorkerEnv): Promise<void> {
    await mailDeskFor(env).relay.runOnce();
  },
};
