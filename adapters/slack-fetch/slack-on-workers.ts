import type { DeliveryHandler } from '../../src/outbox/outbox-relay.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import { createSlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import type { SlackLogger } from '../slack/slack-calls.ts';
import type { SlackDeskOptions } from '../slack/slack-desk-options.ts';
import { createSlackIncidentHandlers } from '../slack/slack-incident-handler.ts';
import { createSlackOutboxHandlers } from '../slack/slack-outbox-handlers.ts';
import { createTriageHandlers } from '../slack/triage-handlers.ts';
import { type WaitUntil, createSlackFetchHandler } from './slack-fetch-handler.ts';
import { createSlackWebApi } from './slack-web-api.ts';

export interface SlackOnWorkersOptions extends SlackDeskOptions {
  /** Runs after the work of each Slack request (the outbox relay). */
  afterWork?: () => Promise<unknown>;
  log?: SlackLogger;
}

/** The Slack channel of the desk on Workers: the twin of adapters/slack/slack-channel.ts, without bolt. */
export interface SlackOnWorkers {
  /** `POST /slack/events`: events, interactivity and slash commands; the work goes on in `waitUntil`. */
  handle(request: Request, waitUntil: WaitUntil): Promise<Response>;
  /** The outbox deliveries `slack.packet` and `slack.packet_update`, for the cron relay. */
  outboxHandlers: Record<string, DeliveryHandler>;
  triage: TriageService;
}

/**
 * The same triage service, listener logic, Block Kit and outbox deliveries as on Node, over D1, a
 * fetch client of Slack's Web API and a fetch handler verified with Web Crypto.
 */
export function createSlackOnWorkers(options: SlackOnWorkersOptions): SlackOnWorkers {
  const log = options.log ?? console;
  const { triage, triageStore } = options;
  const slack = createSlackWebApi({ botToken: options.botToken, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs ?? 10_000 });
  const handler = createSlackFetchHandler({
    verifier: createSlackVerifier(options.signingSecret),
    now: options.now,
    handlers: createTriageHandlers({ triage, store: options.store, triageStore, log }),
    slack,
    log,
    ...(options.afterWork && { afterWork: options.afterWork }),
    ...(options.incidents && { incidents: options.incidents }),
  });
  const outboxHandlers = {
    ...createSlackOutboxHandlers({ client: slack, store: options.store, triage: triageStore, now: options.now }),
    ...(options.incidents && createSlackIncidentHandlers({ client: slack, incidents: options.incidents })),
  };
  return { handle: (request, waitUntil) => handler.handle(request, waitUntil), outboxHandlers, triage };
}
