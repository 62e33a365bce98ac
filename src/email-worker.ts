import type { ExecutionContext, ForwardableEmailMessage } from '@cloudflare/workers-types';
import { openD1 } from '../adapters/db/d1-database.ts';
import { createDrizzleEmailStore } from '../adapters/db/drizzle-email-store.ts';
import { type SlackOnWorkers, createSlackOnWorkers } from '../adapters/slack-fetch/slack-on-workers.ts';
import { loadConfig } from './config.ts';
import { createCoreServices } from './core-services.ts';
import { newId } from './core/ids.ts';
import { createUserNotifier } from './core/user-notifier.ts';
import type { EmailIntake } from './email/email-intake.ts';
import { DEFAULT_EMAIL_LIMITS } from './email/email-report.ts';
import { intakeFromConfig } from './email/intake-from-config.ts';
import { createEmailDelivery } from './email/email-delivery.ts';
import { createHttpMailSender } from './email/http-mail-sender.ts';
import { type OutboxRelay, createOutboxRelay } from './outbox/outbox-relay.ts';
import { type WorkerEnv, variables } from './worker-env.ts';

/*
 * The desk's mail and Slack Worker (wrangler.email.toml): Cloudflare Email Routing hands inbound
 * mail to `email()`, which feeds the same intake as Node's `POST /api/email/inbound`; Slack calls
 * `POST /slack/events` (buttons, the modal, `/prism`, thread replies) and gets the same triage as on
 * Node, without bolt; the cron relays the outbox — mail through an HTTP mail API (Workers open no
 * SMTP sockets), packets to the triage channel through Slack's Web API. A Worker of its own, over
 * the same D1 database, because the MIME parser and the date parser would take the chat Worker
 * past its size budget.
 */

interface MailDesk {
  intake: EmailIntake;
  relay: OutboxRelay;
  /** Present when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. */
  slack: SlackOnWorkers | null;
}

const desks = new WeakMap<object, MailDesk>();

function mailDeskFor(env: WorkerEnv): MailDesk {
  const cached = desks.get(env);
  if (cached) return cached;
  const config = loadConfig(variables(env));
  const database = openD1(env.DB);
  const now = () => Date.now();
  // Only what mail and triage need (no chat flow, no knowledge base): the store, the platform, packets.
  const services = createCoreServices(database, config, now);
  const emailStore = createDrizzleEmailStore(database);
  const intake = intakeFromConfig({ ...services, emailStore, now }, config);
  const { mailApi, from } = config.email;
  const mailHandlers =
    mailApi && from ? createEmailDelivery({ store: services.store, emailStore, send: createHttpMailSender(mailApi), from }) : {};
  let relay: OutboxRelay | null = null;
  const slack = config.slack
    ? createSlackOnWorkers({
        ...config.slack,
        database,
        store: services.store,
        platform: services.platform,
        notifier: createUserNotifier({ store: services.store, now, newId, ttlMs: config.chat.ttlMs }),
        now,
        newId,
        // A decision's message update (and the user's notice) go out now rather than at the next cron.
        afterWork: () => relay?.runOnce() ?? Promise.resolve(),
      })
    : null;
  relay = createOutboxRelay({ store: services.store, handlers: { ...slack?.outboxHandlers, ...mailHandlers }, now });
  const desk = { intake, relay, slack };
  desks.set(env, desk);
  return desk;
}

const notFound = (request: Request) =>
  Response.json({ error: { code: 'not_found', message: `no route for ${request.method} ${new URL(request.url).pathname}` } }, { status: 404 });

export default {
  /** `POST /slack/events` (Slack's Request URL for events, interactivity and the command); nothing else. */
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).pathname !== '/slack/events') return notFound(request);
    const { slack } = mailDeskFor(env);
    if (!slack) return notFound(request);
    try {
      return await slack.handle(request, (work) => ctx.waitUntil(work));
    } catch (error) {
      console.error('a Slack request failed', error);
      return Response.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, { status: 500 });
    }
  },

  /**
   * Inbound mail: a message the intake refuses is rejected back to the sending server, with the
   * reason. The intake gives the parser only what the desk reads of a message, within limits that
   * keep any message of up to 25 MiB within the isolate's memory; a larger one is not even read.
   */
  async email(message: ForwardableEmailMessage, env: WorkerEnv): Promise<void> {
    const { intake } = mailDeskFor(env);
    const outcome =
      message.rawSize > DEFAULT_EMAIL_LIMITS.maxBytes
        ? await intake.rejectUnread('too_large', `the message is larger than ${DEFAULT_EMAIL_LIMITS.maxBytes} bytes`, message.rawSize)
        : await intake.receive(new Uint8Array(await new Response(message.raw as unknown as ReadableStream).arrayBuffer()));
    if (outcome.status === 'rejected') message.setReject(`${outcome.reason}: ${outcome.detail}`.slice(0, 500));
  },

  /** The cron trigger: delivers what the outbox holds (packets to Slack and the support inbox, replies to users). */
  async scheduled(_controller: unknown, env: WorkerEnv): Promise<void> {
    await mailDeskFor(env).relay.runOnce();
  },
};
