import { startSlackApiServer } from '../test/support/slack-api-server.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';
import { type ServerBuild, startServerProcess } from './server-process.ts';
import { CHANNEL, SECRET as SLACK_SECRET, TOKEN } from './slack-ack-bench.ts';

/** Where a benchmark's desk sends and takes mail: its secrets and addresses. */
export interface BenchMail {
  widgetSecret: string;
  inboundSecret: string;
  trusted: string;
  inbox: string;
  from: string;
}

/**
 * `build`'s server with Slack and mail wired to local stand-ins (a Slack API server, a real SMTP
 * server), the chat limiter out of the way (many users behind one address): the soak and the
 * realistic load run it so. `close` stops all three.
 */
export async function startDeskWithStandIns(build: ServerBuild, mail: BenchMail, env: Record<string, string> = {}) {
  const slack = await startSlackApiServer({ token: TOKEN, userNames: { U0STAFF1: 'Maria' } });
  const smtp = await startSmtpSink();
  const closeStandIns = async () => {
    await slack.close();
    await smtp.close();
  };
  const server = await startServerProcess(
    {
      WIDGET_IDENTITY_SECRET: mail.widgetSecret,
      CHAT_RATE_PER_MINUTE: '100000000',
      CHAT_RATE_BURST: '100000000',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_TRIAGE_CHANNEL: CHANNEL,
      SLACK_API_URL: slack.apiUrl,
      SUPPORT_INBOX: mail.inbox,
      SMTP_URL: smtp.url,
      SUPPORT_FROM: mail.from,
      INBOUND_EMAIL_SECRET: mail.inboundSecret,
      TRUSTED_AUTHSERV_ID: mail.trusted,
      ...env,
    },
    build,
  ).catch(async (error: unknown) => {
    await closeStandIns();
    throw error;
  });
  return {
    slack,
    smtp,
    server,
    close: async () => {
      await server.stop();
      await closeStandIns();
    },
  };
}
