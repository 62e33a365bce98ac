import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '@slack/web-api';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { loadConfig } from '../../src/config.ts';
import type { Generation } from '../../src/core/platform-types.ts';
import { WIDGET_SECRET } from '../support/chat-desk.ts';
import { type ServedApp, serveApp } from '../support/serve-app.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

export interface IncidentDesk {
  dir: string;
  slack: SlackApiServer;
  smtp: SmtpSink;
  desk: NodeDesk;
  server: ServedApp;
}

/**
 * The real desk on a SQLite file of its own, on `clock`, served over HTTP, with Slack (the real
 * @slack/web-api client against the stand-in) and mail (a real SMTP server): what the incident tests
 * run against.
 */
export async function startIncidentDesk(name: string, clock: { now: number }, slackToken: string): Promise<IncidentDesk> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const slack = await startSlackApiServer({ token: slackToken });
  const smtp = await startSmtpSink();
  const config = loadConfig({
    SUPPORT_DB_PATH: join(dir, 'support.db'),
    WIDGET_IDENTITY_SECRET: WIDGET_SECRET,
    SLACK_BOT_TOKEN: slackToken,
    SLACK_SIGNING_SECRET: `${name}-signing-secret`,
    SLACK_TRIAGE_CHANNEL: 'C0TRIAGE',
    SLACK_API_URL: slack.apiUrl,
    SMTP_URL: smtp.url,
    SUPPORT_FROM: 'help@prismposter.test',
  });
  const desk = openNodeDesk(config, { now: () => clock.now, slack: { logLevel: LogLevel.ERROR, timeoutMs: 1000 } });
  const server = await serveApp(desk.app);
  return { dir, slack, smtp, desk, server };
}

export async function stopIncidentDesk(parts: Partial<IncidentDesk>): Promise<void> {
  await parts.server?.close();
  parts.desk?.close();
  await parts.slack?.close();
  await parts.smtp?.close();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
}

/** Account `n` of the platform: acc_n, usern@example.com. */
export const incidentAccount = (n: number) => ({ id: `acc_${n}`, email: `user${n}@example.com`, name: null, timezone: 'UTC' });

/** A run of account `n` that failed with `error` `minutesAgo` before `now` (half a minute after it started). */
export function failedRun(n: number, minutesAgo: number, now: number, error: Generation['error'], studio: Generation['studio'] = 'video', id = `gen_${studio}_${n}_${minutesAgo}`): Generation {
  return {
    id,
    accountId: `acc_${n}`,
    studio,
    prompt: 'a lighthouse in fog',
    settings: {},
    status: 'failed',
    error,
    createdAt: new Date(now - minutesAgo * 60_000).toISOString(),
    finishedAt: new Date(now - minutesAgo * 60_000 + 30_000).toISOString(),
  };
}
