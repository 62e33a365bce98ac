import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '@slack/bolt';
import type { SlackChannel } from '../../adapters/slack/slack-channel.ts';
import { loadConfig } from '../../src/config.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import type { SlackBody } from './slack-payloads.ts';
import { sign } from './slack-signing.ts';
export { textOf } from '../support/block-text.ts';

export const SIGNING_SECRET = 'test-signing-secret-1f2e3d4c';
export const BOT_TOKEN = 'xoxb-test-token';
export const TRIAGE_CHANNEL = 'C0TRIAGE';

/** The desk as `npm start` builds it (a temp SQLite file, the demo seeded, Slack configured) and Slack's stand-in. */
export interface SlackDesk {
  slack: SlackApiServer;
  deps: NodeDesk;
  channel: SlackChannel;
  app: NodeDesk['app'];
  /** Sends a request signed the real way to `POST /slack/events` of the real app. */
  post(request: SlackBody, options?: { timestamp?: number; secret?: string; headers?: Record<string, string> }): Promise<Response>;
  /** Files Maya's report (a failed 4k video, 40 credits due) through the packet service. */
  fileMaya(overrides?: { channel?: Packet['channel']; transcript?: Packet['transcript'] }): Promise<Packet>;
  /** Files Maya's report and lets the relay post it: the packet and its triage message's ts (where staff click). */
  postMaya(): Promise<{ packet: Packet; ts: string }>;
  /** Waits for the work after the acks, then runs the outbox. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackDesk(env: Record<string, string> = {}): Promise<SlackDesk> {
  const slack = await startSlackApiServer({ token: BOT_TOKEN, userNames: { U0STAFF1: 'Maria', U0STAFF2: 'Jon' } });
  const dir = mkdtempSync(join(tmpdir(), 'slack-desk-'));
  const config = loadConfig({
    SUPPORT_DB_PATH: join(dir, 'support.db'),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_TRIAGE_CHANNEL: TRIAGE_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
    ...env,
  });
  const deps = openNodeDesk(config, { slack: { logLevel: LogLevel.ERROR, timeoutMs: 1500 } });
  await seedDemoIfEmpty(deps.sqlite, deps.now());
  const channel = deps.slack;
  if (!channel) throw new Error('the Slack channel was not built from the configuration');
  const app = deps.app;

  const desk: SlackDesk = {
    slack,
    deps,
    channel,
    app,
    post(request, options = {}) {
      const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
      return Promise.resolve(
        app.request('/slack/events', {
          method: 'POST',
          headers: {
            'content-type': request.contentType,
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': sign(options.secret ?? SIGNING_SECRET, timestamp, request.body),
            ...options.headers,
          },
          body: request.body,
        }),
      );
    },
    async fileMaya(overrides = {}) {
      const { packet } = await deps.packets.file({
        channel: overrides.channel ?? 'email',
        accountEmail: 'maya@example.com',
        verified: true,
        stepsTried: ['retry'],
        transcript: overrides.transcript ?? [{ from: 'user', text: 'My 4k video failed and the credits are gone.', at: new Date().toISOString() }],
      });
      return packet;
    },
    async postMaya() {
      const packet = await desk.fileMaya();
      await desk.settle();
      return { packet, ts: messageOf(slack, packet.ref).ts };
    },
    async settle() {
      await channel.settled();
      await deps.relay.runOnce();
    },
    async close() {
      await channel.settled();
      await deps.relay.runOnce().catch(() => undefined);
      deps.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return desk;
}

/** The triage message the stand-in holds for a packet (posted, maybe updated since). */
export function messageOf(slack: SlackApiServer, ref: string) {
  for (const message of slack.messages.values()) if (message.text.startsWith(ref)) return message;
  throw new Error(`no triage message for ${ref}`);
}

