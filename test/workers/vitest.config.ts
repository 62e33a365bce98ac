import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { createSlackStandIn } from './slack-api-stand-in.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Slack app's settings in the Workers' tests (the tests sign their requests with this secret). */
const SLACK_TEST = { botToken: 'xoxb-worker-test', signingSecret: 'worker-test-signing-secret', apiUrl: 'https://slack.test/api/' };

/** Slack's Web API and response URLs (slack-api-stand-in.ts). */
const slack = createSlackStandIn({ token: SLACK_TEST.botToken, userNames: { U0STAFF1: 'Maria', U0STAFF2: 'Jon' } });

/**
 * Stand-ins outside workerd (Node side of miniflare) for what the Workers call: Slack at
 * `https://slack.test`, and the HTTP mail API, which records what the Worker sends
 * (`GET https://mail-api.test/sent` answers the record, `DELETE` clears it).
 */
const sentMail: unknown[] = [];
async function outbound(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host === 'slack.test') return slack.handle(request);
  if (url.host !== 'mail-api.test') return new Response('no network in tests', { status: 502 });
  if (request.method === 'GET') return Response.json(sentMail);
  if (request.method === 'DELETE') {
    sentMail.length = 0;
    return new Response(null, { status: 204 });
  }
  sentMail.push({ authorization: request.headers.get('authorization'), mail: await request.json() });
  return Response.json({ id: `mail_${sentMail.length}` }, { status: 202 });
}

/** The Worker's tests run inside workerd, against a local D1 with drizzle-kit's migrations applied. */
export default defineProject({
  plugins: [
    {
      // The help widget, built and inlined as the Worker's build does (scripts/build-worker.ts).
      name: 'widget-script',
      resolveId: (id: string) => (id === 'virtual:widget-script' ? '\0virtual:widget-script' : null),
      async load(id: string) {
        if (id !== '\0virtual:widget-script') return null;
        const { buildWidget } = await import('../../src/widget/build-widget.ts');
        const built = await buildWidget();
        return `export default ${JSON.stringify(readFileSync(built.path, 'utf8'))};`;
      },
    },
    cloudflareTest(async () => ({
      main: `${root}adapters/workers/chat-worker.ts`,
      wrangler: { configPath: `${root}wrangler.toml` },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(`${root}adapters/db/migrations`),
          WIDGET_IDENTITY_SECRET: 'worker-test-secret',
          // The events stream's heartbeat, quick enough to be seen in a test.
          CHAT_EVENTS_POLL_MS: '100',
          CHAT_EVENTS_HEARTBEAT_MS: '500',
          METRICS_TOKEN: 'worker-metrics-token-3e8a1f',
          SLACK_TRIAGE_CHANNEL: 'C0TRIAGE',
          SUPPORT_INBOX: 'support@prismposter.com',
          SUPPORT_FROM: 'help@prismposter.com',
          MAIL_API_URL: 'https://mail-api.test/send',
          MAIL_API_TOKEN: 'mail-token',
          TRUSTED_AUTHSERV_ID: 'mx.prismposter.test',
          SLACK_BOT_TOKEN: SLACK_TEST.botToken,
          SLACK_SIGNING_SECRET: SLACK_TEST.signingSecret,
          SLACK_API_URL: SLACK_TEST.apiUrl,
        },
        outboundService: outbound,
      },
    })),
  ],
  test: {
    name: 'workers',
    root,
    include: ['test/workers/**/*.test.ts'],
    setupFiles: ['test/workers/apply-migrations.ts'],
    testTimeout: 30_000,
  },
});
