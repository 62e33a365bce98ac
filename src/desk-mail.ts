import type { DeskConfig } from './config.ts';
import { newId } from './core/ids.ts';
import type { MailSide, MailWiring, SlackPort } from './desk.ts';
import { type SendMail, createEmailDelivery } from './email/email-delivery.ts';
import { type EmailIntakeDeps, createEmailIntake } from './email/email-intake.ts';
import type { EmailStore } from './email/email-store.ts';
import type { IncidentService } from './incidents/incident-service.ts';
import { type RelayRun, createOutboxRelay } from './outbox/outbox-relay.ts';
import type { TriageService } from './triage/triage-service.ts';

/** What the desk gives the runtime's Slack channel to build it around. */
export interface SlackMaking {
  settings: NonNullable<DeskConfig['slack']>;
  /** Staff's decisions: the channel's buttons, modal, command and thread replies call these. */
  triage: TriageService;
  /** Delivers what the outbox holds now (rather than at the relay's next run). */
  runRelay: () => Promise<RelayRun>;
  /** Incidents: their Slack message and its Resolve button. */
  incidents: IncidentService;
}

/** The mail side's ports over the desk's database (`mailStorePorts`, beside the drizzle stores). */
export interface MailStorePorts {
  emailStore: EmailStore;
}

/** What the runtime gives the mail side. */
export interface MailParts<S extends SlackPort> extends MailStorePorts {
  /** Parses a raw message (default: in-process, runtime-neutral); Node's server parses on a thread of its own. */
  parse?: EmailIntakeDeps['parse'];
  /** Sends a message: SMTP on Node, an HTTP mail API on Workers; null: mail waits in the outbox. */
  sendMail: SendMail | null;
  /** Builds the Slack channel, when the Slack app is configured (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET). */
  slack: (making: SlackMaking) => S;
}

/**
 * The mail and triage side of the desk — the email intake (its MIME and date parsers), the mail it
 * sends, staff's decisions behind Slack, and the outbox relay that delivers for both. Node and the
 * mail Worker hand it to createDesk (src/desk.ts); the chat Worker does not, and carries none of it.
 */
export function mailSide<S extends SlackPort>(parts: MailParts<S>): MailSide<S> {
  return ({ config, now, store, platform, metrics, packets, triage, incidents }): MailWiring<S> => {
    const { emailStore } = parts;
    const slack = config.slack ? parts.slack({ settings: config.slack, triage, runRelay: () => relay.runOnce(), incidents }) : null;
    const intakeService = createEmailIntake({
      store,
      emailStore,
      platform,
      packets,
      now,
      newId,
      destinations: config.destinations,
      supportFrom: config.email.from,
      trustedAuthservId: config.email.trustedAuthservId,
      maxUnverifiedRepliesPerHour: config.email.autoReplyUnverifiedPerHour,
      ...(parts.parse && { parse: parts.parse }),
    });
    // A duplicate delivery writes no row of its own: counted for /metrics (a count failing loses only the count).
    const intake: typeof intakeService = {
      ...intakeService,
      async receive(raw) {
        const outcome = await intakeService.receive(raw);
        if (outcome.status === 'duplicate') await metrics.countEvent('email.duplicate').catch(() => undefined);
        return outcome;
      },
    };
    // Mail goes out only from SUPPORT_FROM; without it (or a sender) it waits in the outbox.
    const from = config.email.from;
    const send = from ? parts.sendMail : null;
    const mailHandlers = send && from ? createEmailDelivery({ store, emailStore, send, from }) : {};
    const relay = createOutboxRelay({ store, handlers: { ...slack?.outboxHandlers, ...mailHandlers }, now, leaseMs: config.leaseMs });
    return { slack, relay, email: { intake, store: emailStore, sending: send !== null } };
  };
}
