import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { type DeskConfig, loadConfig } from '../../src/config.ts';
import { buildWidget } from '../../src/widget/build-widget.ts';
import { WIDGET_SCRIPT_PATH } from '../../src/widget/widget-script.ts';
import { type DemoPageState, demoPageState } from '../db/demo-page-state.ts';
import { seedDemoIfEmpty } from '../db/seed-demo.ts';
import { openNodeDesk } from './node-desk.ts';

/** The Node server: `npm start` (compiled to dist/server/node.mjs by scripts/build-server.ts). */
async function main() {
  const loaded = loadConfig(process.env);
  // The demo needs identities it can sign: over the embedded demo data, a secret for this process only.
  const generatedSecret = loaded.platform.kind === 'embedded' && !loaded.chat.identitySecret;
  const config = generatedSecret
    ? { ...loaded, chat: { ...loaded.chat, identitySecret: randomBytes(32).toString('hex') } }
    : loaded;
  if (!existsSync(WIDGET_SCRIPT_PATH)) await buildWidget();
  const deps = openNodeDesk(config, { parseThread: true });
  // Idle conversations are deleted once they expire.
  const sweeper = setInterval(() => void deps.conversations.expire().catch(() => undefined), 10 * 60 * 1000);
  sweeper.unref();
  // Incidents are looked for in the platform's failures at this pace (a minute at most by default).
  const incidentSweep = setInterval(() => void deps.incidents.sweep().catch((error: unknown) => console.error('the incident sweep failed', error)), config.incidents.sweepMs);
  incidentSweep.unref();
  // Slack posts and emails wait in the outbox (written with their packet) until the relay delivers them.
  const stopRelay = deps.slack || deps.email.sending ? deps.relay.start(deps.config.outbox.intervalMs) : null;

  const demo = deps.embedded ? await seedDemoIfEmpty(deps.sqlite, deps.now()) : null;
  const demoPage = await demoPageState(deps.sqlite, config);
  const staffCount = (await deps.staffStore.listStaff()).length;
  // The email parse thread loads meanwhile: the first message after a start does not wait for it.
  await deps.emailParserReady;
  const server = serve({ fetch: deps.app.fetch, port: config.port, hostname: process.env.HOST ?? '0.0.0.0' }, (info) => {
    const base = `http://localhost:${info.port}`;
    const lines = [`PrismPoster support desk listening on ${base} (database ${config.dbPath})`, `  health: ${base}/health`];
    lines.push(`  help widget: ${base}/widget.js`);
    if (generatedSecret) lines.push('  WIDGET_IDENTITY_SECRET is not set: identities are signed with a random secret for this process only');
    const example = demo?.guide[0]?.email;
    if (demo && example) {
      lines.push(demo.seeded ? '  demo data seeded — accounts to try:' : '  demo accounts:');
      for (const a of demo.guide) lines.push(`    ${a.email.padEnd(18)} ${a.story}`);
      lines.push(`  try: npm run cli -- reconcile --db ${config.dbPath} --email ${example}`);
      lines.push(`       npm run cli -- packet --db ${config.dbPath} --email ${example}`);
    } else {
      lines.push(`  platform: ${config.platform.kind === 'http' ? config.platform.baseUrl : 'embedded'}`);
    }
    lines.push(widgetPageLine(base, demoPage));
    // Staff open the console at PUBLIC_URL when it is set (a proxy in front), else here.
    const publicSet = Boolean(process.env.PUBLIC_URL?.trim());
    const desk = `${publicSet ? config.console.publicUrl : base}/desk`;
    lines.push(...packetLines(config, deps.email.sending, desk));
    lines.push(consoleLine(config, desk, staffCount, publicSet || base === 'http://localhost:8787' ? '' : `PUBLIC_URL=${base} `));
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

/** What `/` shows: signed in (and why), or anonymous and why — it hands out a valid identity when signed in. */
function widgetPageLine(base: string, state: DemoPageState): string {
  if (state.signedIn) {
    const why = state.forced ? `WIDGET_DEMO=on: anyone who opens it acts as ${state.email}` : 'over the seeded demo data';
    return `  widget demo: ${base}/ (signed in as ${state.email}, ${why}); anonymous: ${base}/demo/anonymous`;
  }
  const why = {
    off: 'WIDGET_DEMO=off',
    no_secret: 'WIDGET_IDENTITY_SECRET is not set',
    platform_http: 'the records come from PLATFORM_API_URL',
    // No "demo" in this one: over imported records the start names no demo at all.
    not_seeded_demo: 'the records here are not only the sample seeded at first start; WIDGET_DEMO=on signs it in as WIDGET_DEMO_EMAIL',
  }[state.reason];
  return `  widget page: ${base}/ (no one signed in: ${why})`;
}

/**
 * Where packets go. Each is kept in the database; it is sent only to Slack (the app configured) and
 * SUPPORT_INBOX (with SMTP): otherwise nobody hears of it unless they look, so say how to look.
 */
function packetLines(config: DeskConfig, mailing: boolean, desk: string): string[] {
  const { slackChannel, supportInbox } = config.destinations;
  const to = [config.slack && `Slack channel ${config.slack.triageChannel}`, supportInbox && mailing && `mail to ${supportInbox}`].filter(Boolean);
  const lines =
    to.length > 0
      ? [`  packets: sent to ${to.join(' and ')}, and listed in the staff console at ${desk}`]
      : [`  packets: kept in the database and sent nowhere (no Slack app, no SMTP mail to SUPPORT_INBOX is set up): they land in the staff console at ${desk}`];
  if (slackChannel && !config.slack) lines.push(`  packets for ${slackChannel} wait in the outbox until SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set`);
  if (supportInbox && !mailing) lines.push(`  packets for ${supportInbox} wait in the outbox until SMTP_URL and SUPPORT_FROM are set`);
  lines.push(`  see them: npm run cli -- packets --db ${config.dbPath}`);
  return lines;
}

/**
 * The staff console and how to get in: the first sign-in when there are no staff yet. The link
 * the CLI prints starts with PUBLIC_URL (default http://localhost:8787): `env` sets it where the
 * server listens elsewhere.
 */
function consoleLine(config: DeskConfig, desk: string, staffCount: number, env: string): string {
  return staffCount === 0
    ? `  staff console: ${desk} (no staff yet); the first sign-in link: ${env}npm run cli -- staff add NAME EMAIL --db ${config.dbPath}`
    : `  staff console: ${desk} (${staffCount} staff); a new sign-in link: ${env}npm run cli -- staff link EMAIL --db ${config.dbPath}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
