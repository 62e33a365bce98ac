import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What must also run on Workers: the triage decisions, the Block Kit builders, the listener logic
 * and outbox deliveries shared with bolt, and the fetch-based Slack adapter.
 */
const neutralDirs = ['src/triage', 'adapters/slack/blocks', 'adapters/slack-fetch'];
const neutralFiles = [
  'adapters/slack/triage-handlers.ts',
  'adapters/slack/slack-calls.ts',
  'adapters/slack/slack-request.ts',
  'adapters/slack/slack-outbox-handlers.ts',
  'adapters/slack/staff-names.ts',
  'adapters/slack/drizzle-triage-store.ts',
];

function expectNeutral(file: string): void {
  const source = readFileSync(join(root, file), 'utf8');
  const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
  for (const spec of imports) {
    expect(spec, file).not.toMatch(/^node:|^@slack\/bolt|^express|^@slack\/web-api|^better-sqlite3/);
    // Within the desk, a neutral file leans only on neutral files (bolt's own adapter files are Node-only).
    expect(spec, file).not.toMatch(/(^|\/)(slack-channel|slack-listeners|slash-command|fetch-receiver|ack-first|web-client-calls|open-sqlite)\.ts$/);
  }
}

describe('the triage core stays runtime-neutral', () => {
  for (const dir of neutralDirs) {
    it(`${dir} imports no node: module, no bolt, no Express`, () => {
      const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expectNeutral(`${dir}/${file}`);
    });
  }

  it('the Slack listener logic and outbox deliveries shared by bolt and the Workers import no node: module, no bolt', () => {
    for (const file of neutralFiles) expectNeutral(file);
  });
});
