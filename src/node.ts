import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { loadConfig } from './config.ts';
import { seedDemoIfEmpty } from './demo/seed-demo.ts';
import { createNodeApp, createNodeDeps } from './node-deps.ts';
import { buildWidget } from './widget/build-widget.ts';
import { WIDGET_SCRIPT_PATH } from './widget/widget-script.ts';

/** The Node composition root: `npm start`. */
async function main() {
  const loaded = loadConfig(process.env);
  // The demo needs identities it can sign: over the embedded demo data, a secret for this process only.
  const generatedSecret = loaded.platform.kind === 'embedded' && !loaded.chat.identitySecret;
  const config = generatedSecret
    ? { ...loaded, chat: { ...loaded.chat, identitySecret: randomBytes(32).toString('hex') } }
    : loaded;
  if (!existsSync(WIDGET_SCRIPT_PATH)) await buildWidget();
  const deps = createNodeDeps(config, { backgroundCheckpoint: true, turnThread: true, parseThread: true });
  const app = createNodeApp(deps);
  // Idle conversations are deleted once they expire.
  const sweeper = setInterval(() => void deps.conversations.expire().catch(() => undefined), 10 * 60 * 1000);
  sweeper.unref();
  // Slack posts and emails wait in the outbox (written with their packet) until the relay delivers them.
  const stopRelay = deps.slack || deps.email.sending ? deps.relay.start(deps.config.outbox.intervalMs) : null;

  const demo = deps.embedded ? await seedDemoIfEmpty(deps.sqlite, deps.now()) : null;
  // The email parse thread loads meanwhile: the first message after a start does not wait for it.
  await deps.email.ready;
  const server = serve({ fetch: app.fetch, port: config.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
    const base = `http://localhost:${info.port}`;
    const lines = [`PrismPoster support desk listening on ${base} (database ${config.dbPath})`, `  health: ${base}/health`];
    lines.push(`  help widget: ${base}/widget.js`);
    if (generatedSecret) lines.push('  WIDGET_IDENTITY_SECRET is not set: identities are signed with a random secret for this process only');
    const example = demo?.guide[0]?.email;
    if (demo && example) {
      lines.push(demo.seeded ? '  demo data seeded — accounts to try:' : '  demo accounts:');
      for (const a of demo.guide) lines.push(`    ${a.email.padEnd(18)} ${a.story}`);
      lines.push(`  widget demo: ${base}/ (signed in as ${config.widget.demoEmail}); anonymous: ${base}/demo/anonymous`);
      lines.push(`  try: npm run cli -- reconcile --db ${config.dbPath} --email ${example}`);
      lines.push(`       npm run cli -- packet --db ${config.dbPath} --email ${example}`);
    } else {
      lines.push(`  platform: ${config.platform.kind === 'http' ? config.platform.baseUrl : 'embedded'}`);
    }
    if (config.slack) lines.push(`  slack: POST ${base}/slack/events (triage channel ${config.slack.triageChannel})`);
    if (config.email.inboundSecret) lines.push(`  email intake: POST ${base}/api/email/inbound (raw message, X-Inbound-Secret header)`);
    if (deps.email.sending) lines.push(`  email: sending from ${config.email.from} over SMTP`);
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
    stopRelay?.();
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
