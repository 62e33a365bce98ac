import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importPlatformData } from '../../db/import-platform-data.ts';
import { openSqlite } from '../../db/open-sqlite.ts';
import { heavyAccount } from '../../../bench/reconcile-bench-data.ts';
import { runCli } from './main.ts';

const root = new URL('../../..', import.meta.url).pathname;

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const done = runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env: {} });
  return done.then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

describe('npm run cli -- backup FILE', () => {
  let dir: string;
  let db: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'desk-backup-'));
    db = join(dir, 'support.db');
    const handle = openSqlite(db);
    // Big enough (several MB) that the copy takes many steps, so writes land in the middle of it.
    const data = heavyAccount({ runs: 20_000, ledger: 20_000, spanDays: 365, now: Date.parse('2026-11-24T00:00:00Z') });
    await importPlatformData(handle, { accounts: [data.account], generations: data.generations, ledger: data.ledger });
    handle.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the live database while another process keeps writing, and the copy passes its integrity check', async () => {
    // The server's stand-in: another process writing as fast as it can until told to stop.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.pragma('busy_timeout = 5000');
         const insert = db.prepare("INSERT INTO audit_log (at, actor, action) VALUES (?, 'test', 'write.during.backup')");
         let n = 0; process.stdout.write('ready\\n');
         const t = setInterval(() => { for (let i = 0; i < 20; i++) { insert.run(Date.now()); n++; } }, 1);
         process.on('message', () => { clearInterval(t); process.send(n, () => process.exit(0)); });`,
        db,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
    );
    await new Promise<void>((resolve) => writer.stdout?.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const target = join(dir, 'backup.db');
    const result = await cli(['backup', target, '--db', db]);
    const writes = await new Promise<number>((resolve) => {
      writer.once('message', (n) => resolve(Number(n)));
      writer.send('stop');
    });

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/backed up .* to .*backup\.db: \d+ pages, \d+ bytes, integrity ok/);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT count(*) FROM generations').pluck().get()).toBe(20_000);
    const auditInCopy = copy.prepare('SELECT count(*) FROM audit_log').pluck().get() as number;
    copy.close();
    // Whatever was committed before the copy finished is in it, and nothing half-written.
    expect(auditInCopy).toBeLessThanOrEqual(writes);
    expect(auditInCopy).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(auditInCopy);
  });

  it('never overwrites an existing file, and says so', async () => {
    const target = join(dir, 'taken.db');
    new Database(target).close();
    const result = await cli(['backup', target, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('exists already');
  });

  it('names a folder that does not exist and how to make it, writing nothing', async () => {
    const target = join(dir, 'backups', 'support-2026-11-24.db');
    const result = await cli(['backup', target, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`${target}: the folder ${join(dir, 'backups')} does not exist; create it first (mkdir -p ${join(dir, 'backups')})`);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });

  it('needs exactly one FILE', async () => {
    const result = await cli(['backup', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('backup needs exactly one FILE');
    expect(existsSync(join(dir, 'undefined'))).toBe(false);
  });
});
