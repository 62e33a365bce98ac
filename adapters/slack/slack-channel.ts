import { App, type Authorize, LogLevel } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { DeliveryHandler } from '../../src/outbox/outbox-relay.ts';
import type { TriageService } from '../../src/triage/triage-service.ts';
import { createSlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { FetchReceiver } from './fetch-receiver.ts';
import { registerIncidentListener } from './incident-listener.ts';
import { createSlackIncidentHandlers } from './slack-incident-handler.ts';
import { createSlackOutboxHandlers } from './slack-outbox-handlers.ts';
import type { SlackDeskOptions } from './slack-desk-options.ts';
import { registerTriageListeners } from './slack-listeners.ts';
import { webClientCalls } from './web-client-calls.ts';

export interface SlackChannelOptions extends SlackDeskOptions {
  logLevel?: LogLevel;
  /** Delivers what the outbox holds now (an incident's message once it is resolved). */
  runRelay?: () => Promise<unknown>;
}

/** The Slack channel of the desk on Node: what the composition root mounts and relays with. */
export interface SlackChannel {
  /** `POST /slack/events`: events, interactivity and slash commands (the work after the ack runs on in the process). */
  handle(request: Request): Promise<Response>;
  /** The outbox deliveries `slack.packet` and `slack.packet_update`. */
  outboxHandlers: Record<string, DeliveryHandler>;
  triage: TriageService;
  app: App;
  /** Resolves when the work after every acknowledgement so far has ended. */
  settled(): Promise<void>;
}

/**
 * Builds the bolt app on a receiver fed by the desk's own HTTP server, with the triage listeners,
 * and the outbox deliveries. The decisions themselves live in `src/triage` (no bolt, no Node), and
 * what each listener does in `triage-handlers.ts`: Workers run the same behind a fetch handler
 * (adapters/slack-fetch).
 */
export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  const logLevel = options.logLevel ?? LogLevel.INFO;
  // The outbox retries with backoff: the client itself must not (its default retries for 30 min).
  const clientOptions: WebClientOptions = {
    slackApiUrl: options.apiUrl,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel,
  };
  const { triage } = options;
  const receiver = new FetchReceiver({ verifier: createSlackVerifier(options.signingSecret), now: options.now });
  const app = new App({
    receiver,
    authorize: cachedAuthorize(new WebClient(options.botToken, clientOptions), options.botToken),
    clientOptions: { ...clientOptions },
    logLevel,
    // Triage keeps its state in the desk's store; bolt's per-conversation memory is not used.
    convoStore: false,
  });
  registerTriageListeners(app, { triage, store: options.store, triageStore: options.triageStore });
  const client = webClientCalls(new WebClient(options.botToken, clientOptions));
  const { incidents } = options;
  if (incidents) registerIncidentListener(app, incidents, options.runRelay ?? (async () => undefined));
  const outboxHandlers = {
    ...createSlackOutboxHandlers({ client, store: options.store, triage: options.triageStore, now: options.now }),
    ...(incidents && createSlackIncidentHandlers({ client, incidents })),
  };
  return { handle: (request) => receiver.handle(request), outboxHandlers, triage, app, settled: () => receiver.settled() };
}

/**
 * One workspace, one bot token: `auth.test` tells the bot's ids (bolt ignores the bot's own
 * messages by them). Asked on the first request, kept once answered; a failure is asked again next
 * time rather than cached (bolt's own single-token authorize keeps a rejected promise for good).
 */
function cachedAuthorize(client: WebClient, botToken: string): Authorize<boolean> {
  let ids: Promise<{ botId?: string; botUserId?: string }> | null = null;
  return async () => {
    ids ??= client.auth.test().then(
      (answer) => ({ ...(answer.bot_id && { botId: answer.bot_id }), ...(answer.user_id && { botUserId: answer.user_id }) }),
      (error: unknown) => {
        ids = null;
        throw error;
      },
    );
    return { botToken, ...(await ids) };
  };
}
