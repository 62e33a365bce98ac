import { serve } from '@hono/node-server';
import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo/seed-demo.ts';
import { createNodeApp, createNodeDeps } from './node-deps.ts';

/** The Node composition root: `npm start`. */
async function main() {
  const config = loadConfig(process.env);
  const deps = createNodeDeps(config);
  const app = createNodeApp(deps);
  // Idle conversations are deleted once they expire.
  const sweeper = setInterval(() => void deps.conversations.expire().catch(() => undefined), 10 * 60 * 1000);
  sweeper.unref();

  const demo = deps.embedded ? await seedDemoIfEmpty(deps.sqlite, deps.now()) : null;
  const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
    const base = `http://localhost:${info.port}`;
    const lines = [`PrismPoster support desk listening on ${base} (database ${config.dbPath})`, `  health: ${base}/health`];
    const example = demo?.guide[0]?.email;
    if (demo && example) {
      lines.push(demo.seeded ? '  demo data seeded — accounts to try:' : '  demo accounts:');
      for (const a of demo.guide) lines.push(`    ${a.email.padEnd(18)} ${a.story}`);
      lines.push(`  try: npm run cli -- reconcile --db ${config.dbPath} --email ${example}`);
      lines.push(`       npm run cli -- packet --db ${config.dbPath} --email ${example}`);
    } else {
      lines.push(`  platform: ${config.platform.kind === 'http' ? config.platform.baseUrl : 'embedded'}`);
    }
    console.log(lines.join('\n'));
  });

  // A taken port (another desk, another app on 8787) ends the start with one clear line, not a stack.
  server.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? `port ${config.port} is already in use; set PORT to another port` : error.message;
    console.error(`PrismPoster support desk could not start: ${reason}`);
    deps.close();
    process.exit(1);
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
