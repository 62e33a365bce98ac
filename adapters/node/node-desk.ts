import { getConnInfo } from '@hono/node-server/conninfo';
import type { ConversationService } from '../../src/chat/conversation-service.ts';
import type { DeskConfig } from '../../src/config.ts';
import type { Clock } from '../../src/core/ports.ts';
import { type Desk, type DeskApp, type MailWiring, createDesk } from '../../src/desk.ts';
import { chatSide } from '../../src/desk-chat.ts';
import { mailSide } from '../../src/desk-mail.ts';
import { createProcessMetrics } from '../../src/metrics/process-metrics.ts';
import type { OutboxRelay } from '../../src/outbox/outbox-relay.ts';
import { readWidgetScript } from '../../src/widget/widget-script.ts';
import { demoPageState } from '../db/demo-page-state.ts';
import { type SqliteHandle, openSqlite } from '../db/open-sqlite.ts';
import { mailStorePorts, storePorts } from '../db/store-ports.ts';
import { inboundEmailRoutes } from '../email/inbound-route.ts';
import { createSmtpSender } from '../email/smtp-sender.ts';
import { createThreadParser } from '../email/thread-parser.ts';
import { type SlackChannel, type SlackChannelOptions, createSlackChannel } from '../slack/slack-channel.ts';

/** The desk on Node: both sides, over a SQLite file (better-sqlite3), mail over SMTP, Slack with bolt. */
export interface NodeDesk extends Desk<SlackChannel> {
  sqlite: SqliteHandle;
  /** The platform's records live in the desk's own database (no PLATFORM_API_URL). */
  embedded: boolean;
  conversations: ConversationService;
  app: DeskApp;
  relay: OutboxRelay;
  email: MailWiring<SlackChannel>['email'];
  /** Resolves once the email parse thread has loaded (with `parseThread`; at once without). */
  emailParserReady: Promise<void>;
  close(): void;
}

/** Opens the database at `config.dbPath` and builds the desk over it: `npm start`, the CLI and the tests. */
export function openNodeDesk(
  config: DeskConfig,
  options: {
    now?: Clock;
    slack?: Pick<SlackChannelOptions, 'logLevel' | 'timeoutMs'>;
    /** Inbound mail parsed on a thread of its own, one message at a time (the server: no message stalls the event loop or exhausts memory). */
    parseThread?: boolean;
  } = {},
): NodeDesk {
  const now = options.now ?? Date.now;
  const sqlite = openSqlite(config.dbPath);
  const ports = storePorts(sqlite, config, now);
  const mailPorts = mailStorePorts(sqlite);
  const { smtpUrl, from } = config.email;
  const smtp = smtpUrl && from ? createSmtpSender(smtpUrl) : null;
  // Only where messages come in: the inbound route is on.
  const parser = options.parseThread && config.email.inboundSecret ? createThreadParser() : null;
  const desk = createDesk({
    ...ports,
    config,
    now,
    chat: chatSide({
      clientIp: (c) => getConnInfo(c).remote.address ?? 'unknown',
      widgetScript: () => readWidgetScript(),
      // The demo page signs in only over the seeded demo data (or WIDGET_DEMO=on), asked at each request.
      demoIdentity: async () => {
        const state = await demoPageState(sqlite, config);
        return state.signedIn ? { email: state.email, secret: state.secret } : null;
      },
      emailRoute: inboundEmailRoutes,
      processMetrics: createProcessMetrics(),
    }),
    mail: mailSide({
      ...mailPorts,
      sendMail: smtp?.send ?? null,
      ...(parser && { parse: parser.parse }),
      slack: ({ settings, triage, incidents, runRelay }) =>
        createSlackChannel({ ...settings, ...options.slack, triage, triageStore: ports.triageStore, store: ports.store, now, incidents, runRelay }),
    }),
  });
  const { conversations, app, relay, email } = desk;
  // Node carries both sides of the desk.
  if (!conversations || !app || !relay || !email) throw new Error('the desk on Node is built with its chat and mail sides');
  return {
    ...desk,
    conversations,
    app,
    relay,
    email,
    sqlite,
    embedded: config.platform.kind === 'embedded',
    emailParserReady: parser?.loaded ?? Promise.resolve(),
    close: () => {
      parser?.close();
      smtp?.close();
      sqlite.close();
    },
  };
}
