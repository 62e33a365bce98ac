import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Worker's tests run inside workerd, against a local D1 with drizzle-kit's migrations applied. */
export default defineProject({
  plugins: [
    cloudflareTest(async () => ({
      main: `${root}src/worker.ts`,
      wrangler: { configPath: `${root}wrangler.toml` },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(`${root}adapters/db/migrations`),
          WIDGET_IDENTITY_SECRET: 'worker-test-secret',
          SLACK_TRIAGE_CHANNEL: 'C0TRIAGE',
          SUPPORT_INBOX: 'support@prismposter.com',
        },
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
