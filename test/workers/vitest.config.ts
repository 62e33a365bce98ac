import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

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
