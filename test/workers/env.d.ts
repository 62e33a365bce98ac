import type { D1Database, D1Migration } from '@cloudflare/workers-types';

declare module 'cloudflare:test' {
  interface ProvidedEnv {
    DB: D1Database;
    TEST_MIGRATIONS: D1Migration[];
    WIDGET_IDENTITY_SECRET: string;
    METRICS_TOKEN: string;
    SLACK_BOT_TOKEN: string;
    SLACK_SIGNING_SECRET: string;
    SLACK_TRIAGE_CHANNEL: string;
  }
}
