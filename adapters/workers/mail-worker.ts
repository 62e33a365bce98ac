import type { ExecutionContext, ForwardableEmailMessage } from '@cloudflare/workers-types';
import { loadConfig } from '../../src/config.ts';
import { type Desk, createDesk } from '../../src/desk.ts';
import { mailSide } from '../../src/desk-mail.ts';
import { DEFAULT_EMAIL_LIMITS } from '../../src/email/email-report.ts';
import { createHttpMailSender } from '../../src/email/http-mail-sender.ts';
import { openD1 } from '../db/d1-database.ts';
import { mailStorePorts, storePorts } from '../db/store-ports.ts';
import { type SlackOnWorkers, createSlackOnWorkers } from '../slack-fetch/slack-on-workers.ts';
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

const desks = new WeakMap<object, Desk<SlackOnWorkers>>();

function mailDeskFor(env: WorkerEnv): Desk<SlackOnWorkers> {
  const cached = desks.get(env);
  if (cached) return cached;
  const config = loadConfig(variables(env));
  const now = () => Date.now();
  const database = openD1(env.DB);
  const ports = storePorts(database, config, now);
  const mailPorts = mailStorePorts(database);
  const { mailApi, from } = config.email;
  const desk = createDesk({
    ...ports,
    config,
    now,
    // No chat flow, no knowledge base, no HTTP app: the chat Worker's (chat-worker.ts).
    chat: null,
    mail: mailSide({
      ...mailPorts,
      sendMail: mailApi && from ? createHttpMailSender(mailApi) : null,
      slack: ({ settings, triage, runRelay, incidents }) =>
        createSlackOnWorkers({
          ...settings,
          triage,
          incidents,
          triageStore: ports.triageStore,
          store: ports.store,
          now,
          // A decision's message update (and the user's notice) go out now rather than at the next cron.
          afterWork: runRelay,
        }),
    }),
  });
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
    const { email } = mailDeskFor(env);
    if (!email) throw new Error('the mail Worker is built with its mail side');
    const { intake } = email;
    const outcome =
      message.rawSize > DEFAULT_EMAIL_LIMITS.maxBytes
        ? await intake.rejectUnread('too_large', `the message is larger than ${DEFAULT_EMAIL_LIMITS.maxBytes} bytes`, message.rawSize)
        : await intake.receive(new Uint8Array(await new Response(message.raw as unknown as ReadableStream).arrayBuffer()));
    if (outcome.status === 'rejected') message.setReject(`${outcome.reason}: ${outcome.detail}`.slice(0, 500));
  },

  /**
   * The cron trigger (each minute): the incident sweep over the platform's failures, then the
   * outbox (an incident's Slack message, packets to Slack and the support inbox, replies to users).
   */
  async scheduled(_controller: unknown, env: WorkerEnv): Promise<void> {
    const desk = mailDeskFor(env);
    await desk.incidents.sweep().catch((error: unknown) => console.error('the incident sweep failed', error));
    await desk.relay?.runOnce();
  },
};
