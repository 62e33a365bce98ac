import { defineConfig } from 'vitest/config';

/** Two projects: everything on Node, and the Worker's tests inside workerd (test/workers/). */
export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one file at a time; most test time waits on servers,
    // browsers and timers, so two at a time take about two thirds as long (CI must stay near 10 min).
    maxWorkers: 2,
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
