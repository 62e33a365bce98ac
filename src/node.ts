import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo/seed-demo.ts';
import { createNodeDeps } from './node-deps.ts';

/** The Node composition root: `npm start`. */
async function main() {
  const config = loadConfig(process.env);
  const deps = createNodeDeps(config);
  const app = createApp({
    store: deps.store,
    now: deps.now,
    checkDatabase: async () => {
      try {
        await deps.sqlite.db.run(sql`SELECT 1`);
        return true;
      } catch {
        return false;
      }
    },
  });

  const demo = deps.embedded ? await seedDemoIfEmpty(deps.sqlite, deps.now()) : null;
  const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
    const base = `http://localhost:${info.port}`;
    const lines = [`PrismPoster support desk listening on ${base} (database ${config.dbPath})`, `  health: ${base}/health`];
    if (demo) {
      lines.push(demo.seeded ? '  demo data seeded — accounts to try:' : '  demo accounts:');
      for (const a of demo.guide) lines.push(`    ${a.email.padEnd(18)} ${a.story}`);
      lines.push(`  try: npm run cli -- reconcile --db ${config.dbPath} --email maya@example.com`);
      lines.push(`       npm run cli -- packet --db ${config.dbPath} --email maya@example.com`);
    } else {
      lines.push(`  platform: ${config.platform.kind === 'http' ? config.platform.baseUrl : 'embedded'}`);
    }
    console.log(lines.join('\n'));
  });

  const shutdown = () => {
    server.close(() => {
      deps.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
