import type { createApp } from './app.ts';
import type { ConversationService } from './chat/conversation-service.ts';
import type { DeskConfig } from './config.ts';
import { newId } from './core/ids.ts';
import { newPacketRef } from './core/packet-ref.ts';
import { type PacketService, createPacketService } from './core/packet-service.ts';
import type { Clock, PlatformData } from './core/ports.ts';
import type { SupportStore } from './core/support-store.ts';
import { type UserNotifier, createUserNotifier } from './core/user-notifier.ts';
import type { EmailIntake } from './email/email-intake.ts';
import type { EmailStore } from './email/email-store.ts';
import { type IncidentService, createIncidentService } from './incidents/incident-service.ts';
import type { IncidentStore } from './incidents/incident-types.ts';
import type { MetricsStore } from './metrics/metrics-store.ts';
import type { DeliveryHandler, OutboxRelay } from './outbox/outbox-relay.ts';
import type { StaffStore } from './console/staff-store.ts';
import { type TriageService, createTriageService } from './triage/triage-service.ts';
import type { TriageStore } from './triage/triage-store.ts';

/*
 * The desk, wired once from its parts. Each runtime makes the parts it has — the ports over its
 * database (`storePorts`), its Slack channel, its mail sender, how it reads a client's address —
 * and calls createDesk: the Node server and both Workers, whose entry points sit with the adapters.
 * Nothing here knows which runtime it is on, and nothing under src/ imports an adapter
 * (test/layout.test.ts).
 *
 * Two sides are wired in files of their own and handed in by the runtimes that serve them: the
 * chat (src/desk-chat.ts: Node, the chat Worker) and mail with triage (src/desk-mail.ts: Node, the
 * mail Worker). Each Worker so carries only its own side's code, within its size budget
 * (test/worker-bundle.test.ts).
 */

/** The ports over the desk's database: the same on every runtime (`storePorts`, beside the drizzle stores). */
export interface StorePorts {
  store: SupportStore;
  platform: PlatformData;
  /** The figures of `/metrics` and the console, as aggregates over the same database. */
  metrics: MetricsStore;
  /** The incidents found in the platform's records, and who asked to hear of their end. */
  incidentStore: IncidentStore;
  /** The effects staff's decisions had (one each), and the packets' Slack messages. */
  triageStore: TriageStore;
  /** The staff console's members, sign-in links and sessions. */
  staffStore: StaffStore;
}

/** What every side of the desk is built on. */
export interface DeskCore extends StorePorts {
  config: DeskConfig;
  now: Clock;
  packets: PacketService;
  /** Tells users about their case by the channel they came through (staff's decisions, replies). */
  notifier: UserNotifier;
  /** Incidents: the sweep (Node's interval, the mail Worker's cron), `/api/status`, staff's resolve. */
  incidents: IncidentService;
  /** Staff's decisions on packets, whichever tool they click in: Slack or the console at /desk. */
  triage: TriageService;
}

/** Keeps work running after a response is sent, where the runtime must be told (a Worker's `waitUntil`). */
export type WaitUntil = (work: Promise<unknown>) => void;

/** The Slack app as the desk uses it: bolt on Node, a fetch handler on the mail Worker. */
export interface SlackPort {
  /** `POST /slack/events`: events, interactivity and slash commands, verified over the raw body. */
  handle(request: Request, waitUntil: WaitUntil): Promise<Response>;
  /** The outbox deliveries to Slack (`slack.packet`, `slack.packet_update`). */
  outboxHandlers: Record<string, DeliveryHandler>;
}

/** The mail side, wired (src/desk-mail.ts). */
export interface MailWiring<S extends SlackPort> {
  slack: S | null;
  /** Delivers the outbox: packets to Slack and the support inbox, replies and auto-replies to users. */
  relay: OutboxRelay;
  /** The email intake, its store, and whether mail is sent. */
  email: { intake: EmailIntake; store: EmailStore; sending: boolean };
}

export type DeskApp = ReturnType<typeof createApp>;

/** The chat side, wired (src/desk-chat.ts). */
export interface ChatWiring {
  conversations: ConversationService;
  /** `/health`, the chat API, the widget, and Slack's events and inbound mail when the mail side has them. */
  app: DeskApp;
}

/** A side of the desk, as a runtime hands it in: wired from the core once createDesk has made it. */
export type MailSide<S extends SlackPort> = (core: DeskCore) => MailWiring<S>;
export type ChatSide = (core: DeskCore, mail: MailWiring<SlackPort> | null) => ChatWiring;

export interface DeskParts<S extends SlackPort> extends StorePorts {
  config: DeskConfig;
  now: Clock;
  /** `chatSide(…)` of src/desk-chat.ts; null on the mail Worker. */
  chat: ChatSide | null;
  /** `mailSide(…)` of src/desk-mail.ts; null on the chat Worker. */
  mail: MailSide<S> | null;
}

export interface Desk<S extends SlackPort = SlackPort> extends DeskCore {
  /** The help widget's conversations; null without the chat side. */
  conversations: ConversationService | null;
  /** The HTTP app; null without the chat side. */
  app: DeskApp | null;
  slack: S | null;
  /** Null without the mail side. */
  relay: OutboxRelay | null;
  /** Null without the mail side. */
  email: MailWiring<S>['email'] | null;
}

export function createDesk<S extends SlackPort>(parts: DeskParts<S>): Desk<S> {
  const { config, now, store, platform, metrics, incidentStore, triageStore, staffStore } = parts;
  const incidents = createIncidentService({
    incidents: incidentStore,
    platform,
    now,
    newId,
    settings: config.incidents,
    slackChannel: config.destinations.slackChannel,
    localeOf: async (id) => (await store.getConversation(id))?.locale ?? null,
  });
  const packets = createPacketService({
    platform,
    store,
    now,
    newRef: () => newPacketRef(),
    newId,
    destinations: config.destinations,
    incidentOf: (packet) => incidents.packetIncident(packet),
  });
  const notifier = createUserNotifier({ store, now, newId, ttlMs: config.chat.ttlMs, unreadMailMs: config.chat.unreadMailMs });
  const triage = createTriageService({
    store,
    triage: triageStore,
    platform,
    notifier,
    now,
    newId,
    // The Slack message of the packet is updated after every decision, from Slack or the console.
    slackChannel: config.destinations.slackChannel,
    // The update (and the user's mail) go out now rather than at the relay's next run, where there is a relay delivering.
    onQueued: () => {
      if (mail && (mail.slack || mail.email.sending)) void mail.relay.runOnce().catch(() => undefined);
    },
  });
  const core: DeskCore = { config, now, store, platform, metrics, incidentStore, triageStore, staffStore, packets, notifier, triage, incidents };
  // Mail first: the chat side's app serves Slack's events and inbound mail when there are any.
  const mail = parts.mail ? parts.mail(core) : null;
  const chat = parts.chat ? parts.chat(core, mail) : null;
  return {
    ...core,
    conversations: chat?.conversations ?? null,
    app: chat?.app ?? null,
    slack: mail?.slack ?? null,
    relay: mail?.relay ?? null,
    email: mail?.email ?? null,
  };
}
