import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../adapters/node/cli/main.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/eml/${name}`, import.meta.url));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run cli -- email parse FILE.eml', () => {
  it('--json prints exactly the result of email-report.md', async () => {
    const { code, out } = await cli('email', 'parse', fixture('plain-report.eml'), '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(JSON.parse(readFileSync(fixture('plain-report.json'), 'utf8')));
    expect(out).toBe(JSON.stringify(JSON.parse(out), null, 2));
  });

  it('without --json prints one field a line', async () => {
    const { code, out } = await cli('email', 'parse', fixture('plain-report.eml'));
    expect(code).toBe(0);
    expect(out).toContain('studio         video');
    expect(out).toContain('occurredAt     2026-11-20T13:05:00Z');
  });

  it('says why a message is rejected (exit 1), and how to call it (exit 2)', async () => {
    expect(await cli('email', 'parse', fixture('no-from.eml'))).toMatchObject({ code: 1, err: expect.stringContaining('rejected (no_sender)') });
    expect(await cli('email', 'parse', fixture('missing.eml'))).toMatchObject({ code: 1, err: expect.stringContaining('missing.eml') });
    expect(await cli('email', 'parse')).toMatchObject({ code: 2, err: expect.stringContaining('email parse needs exactly one FILE.eml') });
  });
});
