import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

/**
 * The Worker's size budget: ≤ 400 KB gzip each, as `wrangler deploy --dry-run` reports it (issue
 * "Understanding people", from 150: room for the intent model and five languages, still small
 * for fast cold starts). Both Workers will carry src/understanding (chat and email intake); with it
 * bundled in, they measured about 211 and 195 KiB (chat, mail); without it 146 and 144 KiB.
 */
const BUDGET_KIB = 400;

it.each([
  ['the chat Worker (chat API, widget)', 'wrangler.toml'],
  ['the mail and Slack Worker (email(), /slack/events, the outbox relay)', 'wrangler.email.toml'],
])('builds and dry-run deploys %s within its size budget, without Node-only modules', async (_name, config) => {
  const out = mkdtempSync(join(tmpdir(), 'worker-dry-run-'));
  try {
    const { stdout, stderr } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--config', config, '--outdir', out], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true' },
      timeout: 120_000,
    });
    const output = `${stdout}\n${stderr}`;
    const match = output.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    expect(match, output).not.toBeNull();
    const gzipKiB = Number(match?.[2]);
    console.log(`${config}: ${match?.[1]} KiB, gzip ${gzipKiB} KiB (budget ${BUDGET_KIB} KiB)`);
    expect(gzipKiB).toBeLessThanOrEqual(BUDGET_KIB);
    expect(output).toContain('env.DB');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 180_000);
