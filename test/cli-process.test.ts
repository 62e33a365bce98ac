import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, runCliProcess, runProcess } from './support/desk-process.ts';

/*
 * `npm run cli -- …` for real: the CLI started as its own process by tsx, exactly as a user's
 * shell starts it, with exit codes, stdout and stderr as a script would see them.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const NOW = '2026-11-24T00:00:00Z';

const running = new Set<ChildProcess>();

/** The CLI (and npm) started from a user's shell, without settings that would point it elsewhere. */
const cli = (args: string[], cwd = root) => runCliProcess(args, running, { cwd });
const run = (command: string, args: string[]) => runProcess(command, args, running);

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-cli-process-'));
  db = join(dir, 'support.db');
  const imported = await cli(['import', 'test/fixtures/platform-import.json', '--db', db]);
  expect(imported).toEqual({ code: 0, stdout: `imported 3 accounts, 13 generations, 20 ledger entries into ${db}\n`, stderr: '' });
}, 60_000);

afterEach(() => {
  killAll(running);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the CLI as a child process', () => {
  it('reconcile --json prints the result on stdout and exits 0', async () => {
    const r = await cli(['reconcile', '--db', db, '--email', 'rosa.lind@example.com', '--now', NOW, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout);
    expect(result.account).toEqual({ id: 'acc_rosa', email: 'rosa.lind@example.com' });
    expect(result.window).toEqual({ from: '2026-10-25T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' });
    expect(result.runs.map((x: { generationId: string; verdict: string }) => `${x.generationId}:${x.verdict}`)).toEqual([
      'gen_r08:in_progress',
      'gen_r07:refund_due',
      'gen_r09:not_charged',
      'gen_r06:not_charged',
      'gen_r05:refund_due',
      'gen_r04:refunded',
      'gen_r02:refund_due',
    ]);
    expect(result.totals).toEqual({ refundDue: 82, failedRuns: 3, stuckRuns: 2 });
  }, 30_000);

  it('an unknown email exits 1 with the reason on stderr and nothing on stdout', async () => {
    const r = await cli(['reconcile', '--db', db, '--email', 'nobody@example.com', '--json']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'no account with email nobody@example.com\n' });
  }, 30_000);

  it('a bad import file exits 1 naming the record and the field', async () => {
    const r = await cli(['import', 'test/fixtures/platform-import-bad-spend.json', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/led_bad.*"amount"/);
  }, 30_000);

  it('a mistaken call exits 2 with the usage on stderr', async () => {
    const r = await cli(['reconcile', '--db', db, '--email', 'rosa.lind@example.com', '--now', 'notadate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--now: not an ISO 8601 time: notadate');
    expect(r.stderr).toContain('usage: npm run cli -- <command> [options]');
  }, 30_000);

  it('npm run cli -- … is the same command', async () => {
    const r = await run('npm', ['run', '--silent', 'cli', '--', 'reconcile', '--db', db, '--email', 'Kenji.Mori@example.jp', '--now', NOW, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.account).toEqual({ id: 'acc_kenji', email: 'Kenji.Mori@Example.jp' });
    expect(result.runs).toMatchObject([{ generationId: 'gen_k01', verdict: 'refunded' }]);
  }, 60_000);

  it('works from a checkout whose path has a space in it', async () => {
    // A URL-escaped path once made the CLI skip its own main: no output at all, exit 0.
    const checkout = join(dir, 'my projects', 'support desk');
    mkdirSync(checkout, { recursive: true });
    // The checkout as git would hand it out: sources, no dependencies, databases or scratch files.
    const skip = new Set(['node_modules', '.git', 'tmp', 'data', 'dist', '.wrangler']);
    const wanted = (src: string) => !/\.test\.ts$|\.db(-wal|-shm)?$/.test(src);
    for (const entry of readdirSync(root)) {
      if (!skip.has(entry)) cpSync(join(root, entry), join(checkout, entry), { recursive: true, filter: wanted });
    }
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    const r = await cli(['reconcile', '--db', db, '--email', 'rosa.lind@example.com', '--now', NOW, '--json'], checkout);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).totals).toEqual({ refundDue: 82, failedRuns: 3, stuckRuns: 2 });
  }, 30_000);
});
