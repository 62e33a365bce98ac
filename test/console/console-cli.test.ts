import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/db/open-sqlite.ts';
import { runCli } from '../../adapters/node/cli/main.ts';
import { openNodeDesk } from '../../adapters/node/node-desk.ts';
import { loadConfig } from '../../src/config.ts';

/* `staff` of the CLI, in process: what it refuses, and `staff add --sql` for the desk on Workers (D1). */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), env });
  return { code, out, err };
}

it('refuses a staff command without its NAME or a valid EMAIL, naming the field, and adds no one', async () => {
  const db = join(dir, 'refusals.db');
  for (const [args, message] of [
    [['staff', 'add', 'Maria'], 'staff add needs NAME and EMAIL'],
    [['staff', 'add', '  ', 'maria@prismposter.test'], 'NAME: is empty'],
    [['staff', 'add', 'Maria', 'maria-at-prismposter'], 'EMAIL: is not an email address: maria-at-prismposter'],
    [['staff', 'remove'], 'staff remove needs exactly one EMAIL'],
    [['staff', 'fire', 'maria@prismposter.test'], 'staff needs add, link, list or remove'],
  ] as const) {
    const run = await cli([...args, '--db', db]);
    expect(run.code, args.join(' ')).toBe(2);
    expect(run.err).toContain(message);
  }
  const unknown = await cli(['staff', 'link', 'nobody@prismposter.test', '--db', db]);
  expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining('no member of staff with the address nobody@prismposter.test') });
  expect(await cli(['staff', 'list', '--db', db])).toMatchObject({ code: 0, out: 'no staff yet; add someone: npm run cli -- staff add NAME EMAIL\n' });
});

it('staff add --sql writes nothing and prints SQL that, once run, adds the member of staff and a link that signs in', async () => {
  const db = join(dir, 'd1-like.db');
  const run = await cli(['staff', 'add', "Maria O'Neil", 'Maria@PrismPoster.test', '--sql', '--db', db], { PUBLIC_URL: 'https://desk.prismposter.test' });
  expect(run.code).toBe(0);
  const link = /^-- (https:\/\/desk\.prismposter\.test\/desk\/sign-in\?token=\S+)$/m.exec(run.out)?.[1];
  expect(link).toBeDefined();

  // The database the SQL runs on (D1 in production; the same schema here).
  const handle = openSqlite(db);
  expect(handle.sqlite.prepare('SELECT count(*) FROM staff').pluck().get()).toBe(0);
  handle.sqlite.exec(run.out);
  // Run twice (the operator ran the file again): still one member of staff.
  handle.sqlite.exec(run.out);
  expect(handle.sqlite.prepare('SELECT name, email FROM staff').all()).toEqual([{ name: "Maria O'Neil", email: 'maria@prismposter.test' }]);
  handle.close();

  const desk = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: db, PUBLIC_URL: 'https://desk.prismposter.test' }));
  try {
    const token = new URL(link ?? '').searchParams.get('token') ?? '';
    const signIn = await desk.app.request('https://desk.prismposter.test/desk/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://desk.prismposter.test' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const queue = await desk.app.request('https://desk.prismposter.test/desk', { headers: { cookie } });
    expect(await queue.text()).toContain("Signed in as Maria O&#39;Neil (maria@prismposter.test)");
  } finally {
    desk.close();
  }
});
