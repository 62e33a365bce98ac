import { defineConfig } from 'vitest/config';

/** Two projects: everything on Node, and the Worker's tests inside workerd (test/workers/). */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'flows/**/*.test.ts', 'adapters/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['test/workers/**', '**/node_modules/**'],
          // `npm start`'s prestart: the compiled server the process tests start (scripts/build-server.ts).
          globalSetup: ['test/support/build-server-setup.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      './test/workers/vitest.config.ts',
    ],
  },
});
