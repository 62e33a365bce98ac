import { z } from 'zod';
import { DeskError, type DeskErrorCode } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { SlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { AskModal } from '../slack/blocks/ask-modal.ts';
import { ActionId } from '../slack/blocks/decision-blocks.ts';
import type { SlackCalls, SlackLogger } from '../slack/slack-calls.ts';
import {
  BODY_DEADLINE_MS,
  BlockActions,
  EventCallback,
  SlashCommand,
  type SlackRequestBody,
  ViewSubmission,
  readEnvelope,
  readSlackRequest,
  tooSlow,
} from '../slack/slack-request.ts';
import type { IncidentService } from '../../src/incidents/incident-service.ts';
import { INCIDENT_RESOLVE } from '../slack/blocks/incident-message.ts';
import { COMMAND, type DecisionAction, type TriageHandlers, decisionActions } from '../slack/triage-handlers.ts';

/*
 * `POST /slack/events` on Workers, without bolt: events, interactivity and the slash command, as on
 * Node. The signature is checked with Web Crypto over the raw bytes (five minutes either way; a bad
 * one is 401 and nothing runs), the request is read with zod (a known kind missing a field is 400,
 * naming it), and Slack has its answer at once: the work goes on in `waitUntil`, through the same
 * handlers as bolt's listeners (adapters/slack/triage-handlers.ts).
 */

export interface SlackFetchHandlerOptions {
  verifier: SlackVerifier;
  now: Clock;
  handlers: TriageHandlers;
  /** Slack's Web API, and the way to answer a slash command at its response URL. */
  slack: SlackCalls & { respond(responseUrl: string, message: object): Promise<void> };
  log: SlackLogger;
  maxBodyBytes?: number;
  /** How long a request's body may take to arrive (slack-request.ts). */
  bodyDeadlineMs?: number;
  /** Runs after each request's work (the mail Worker relays the outbox: the triage message is redrawn at once). */
  afterWork?: () => Promise<unknown>;
  /** The Resolve button of an incident's message (src/incidents). */
  incidents?: Pick<IncidentService, 'resolve'>;
}

/** Keeps a promise alive after the response (`ctx.waitUntil`). */
export type WaitUntil = (work: Promise<unknown>) => void;

const MessageEvent = z.object({
  type: z.literal('message'),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  channel: z.string().min(1),
  user: z.string().min(1),
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  text: z.string().optional(),
});

const UrlVerification = z.object({ challenge: z.string() });

const statusOf: Partial<Record<DeskErrorCode, number>> = { bad_request: 400, unauthorized: 401, payload_too_large: 413 };
const problem = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });
const ack = () => new Response(null, { status: 200 });

export function createSlackFetchHandler(options: SlackFetchHandlerOptions) {
  const { handlers, slack, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const bodyDeadlineMs = options.bodyDeadlineMs ?? BODY_DEADLINE_MS;

  /** Answers Slack now; the work goes on after the response, its failures logged. */
  function later(waitUntil: WaitUntil, work: () => Promise<unknown>): Response {
    waitUntil(
      work()
        .catch((error: unknown) => log.error('a Slack request failed after its acknowledgement', error))
        .then(() => options.afterWork?.())
        .catch((error: unknown) => log.error('the work after a Slack request failed', error)),
    );
    return ack();
  }

  /** A button of the triage message: a decision, or the Ask for info modal. */
  function clicked(payload: SlackRequestBody, waitUntil: WaitUntil): Response {
    const click = readEnvelope(BlockActions, payload, 'block_actions payload');
    const [action] = click.actions;
    if (!action) return ack();
    const input = {
      ref: action.value ?? '',
      user: { id: click.user.id, name: click.user.name ?? click.user.username },
      channel: click.channel?.id,
      messageTs: click.container?.message_ts ?? undefined,
      triggerId: click.trigger_id,
    };
    if ((decisionActions as readonly string[]).includes(action.action_id)) {
      return later(waitUntil, () => handlers.decision(slack, action.action_id as DecisionAction, input));
    }
    if (action.action_id === ActionId.ask) return later(waitUntil, () => handlers.openAsk(slack, input));
    const { incidents } = options;
    if (action.action_id === INCIDENT_RESOLVE && incidents) return later(waitUntil, () => incidents.resolve(input.ref, `slack:${input.user.id}`));
    return ack();
  }

  /** The Ask for info modal, submitted. */
  function submitted(payload: SlackRequestBody, waitUntil: WaitUntil): Response {
    const submission = readEnvelope(ViewSubmission, payload, 'view_submission payload');
    const { view } = submission;
    if (view.callback_id !== AskModal.callbackId) return ack();
    const question = view.state.values[AskModal.blockId]?.[AskModal.actionId]?.value;
    // The modal stays open with the error: answered in the acknowledgement itself.
    const errors = handlers.askErrors(question);
    if (errors) return Response.json({ response_action: 'errors', errors });
    return later(waitUntil, () =>
      handlers.submitAsk(slack, {
        viewId: view.id,
        privateMetadata: view.private_metadata,
        question: question ?? '',
        user: { id: submission.user.id, name: submission.user.name ?? submission.user.username },
      }),
    );
  }

  function command(form: SlackRequestBody, waitUntil: WaitUntil): Response {
    const request = readEnvelope(SlashCommand, form, 'slash command');
    if (request.command !== COMMAND) return ack();
    return later(waitUntil, async () => {
      const reply = await handlers.command({ text: request.text, user: { id: request.user_id, name: request.user_name }, triggerId: request.trigger_id });
      await slack.respond(request.response_url, reply);
    });
  }

  function event(body: SlackRequestBody, waitUntil: WaitUntil): Response {
    const callback = readEnvelope(EventCallback, body, 'event');
    if (callback.event.type !== 'message') return ack();
    const message = MessageEvent.safeParse(callback.event);
    // Only people's plain messages: edits, joins and bots' posts (ours among them) have a subtype or a bot id.
    if (!message.success || message.data.subtype !== undefined || message.data.bot_id !== undefined) return ack();
    const { channel, ts, thread_ts: threadTs, text, user } = message.data;
    return later(waitUntil, () => handlers.threadMessage(slack, { channel, ts, threadTs, text, user }));
  }

  return {
    async handle(request: Request, waitUntil: WaitUntil): Promise<Response> {
      if (request.method !== 'POST') {
        const refused = problem(405, 'bad_request', 'Slack requests are POSTs');
        refused.headers.set('allow', 'POST');
        return refused;
      }
      try {
        const received = await readSlackRequest(request, { verifier: options.verifier, now: options.now, maxBodyBytes, bodyDeadlineMs });
        if (received.kind === 'too_slow') return tooSlow(bodyDeadlineMs);
        if (received.kind === 'ssl_check') return ack();
        const { body } = received;
        // Routed as bolt routes them: by the body's type, or as a slash command.
        switch (body.type) {
          case 'url_verification':
            return Response.json({ challenge: readEnvelope(UrlVerification, body, 'URL check').challenge });
          case 'event_callback':
            return event(body, waitUntil);
          case 'block_actions':
            return clicked(body, waitUntil);
          case 'view_submission':
            return submitted(body, waitUntil);
        }
        if (body.type === undefined && body.command !== undefined) return command(body, waitUntil);
        // Anything else (a modal closed, an event the app did not ask for) carries nothing to do.
        return ack();
      } catch (error) {
        const status = error instanceof DeskError ? statusOf[error.code] : undefined;
        if (error instanceof DeskError && status !== undefined) return problem(status, error.code, error.message);
        throw error;
      }
    },
  };
}
