import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What must also run on Workers: the triage decisions and the Block Kit builders. */
const neutral = ['src/triage', 'adapters/slack/blocks'];

describe('the triage core stays runtime-neutral', () => {
  for (const dir of neutral) {
    it(`${dir} imports no node: module, no bolt, no Express`, () => {
      const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const source = readFileSync(join(root, dir, file), 'utf8');
        const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
        for (const spec of imports) {
          expect(spec, `${dir}/${file}`).not.toMatch(/^node:|^@slack\/bolt|^express|^@slack\/web-api|^better-sqlite3/);
        }
      }
    });
  }
});
