import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DeskProcess, killAll, npmStartArgs, runCliProcess, startDeskProcess } from './support/desk-process.ts';

/*
 * `npm start` (its prestart compiles adapters/node/server.ts; node runs dist/server/node.mjs) as a fresh checkout
 * runs it: the embedded store, the demo seeded into an empty database, the HTTP server, and the CLI
 * against the very same file.
 */

const DEMO_EMAILS = ['maya@example.com', 'leo@example.com', 'ana@example.com', 'sam@example.com'];

/**
 * Children still running, each the leader of its own process group: those of the current test
 * (killed after it) and the desk a whole describe block shares (killed after the block).
 */
const children = new Set<ChildProcess>();
const sharedChildren = new Set<ChildProcess>();

/** Starts `npm start`'s command and waits for its banner (a single write ending in the `try:` or `platform:` line). */
function startDesk(dbPath: string, env: Record<string, string> = {}, owner = children): Promise<DeskProcess> {
  // HOST '' leaves the desk's default; PORT 0 takes a free one.
  return startDeskProcess({ HOST: '', PORT: '0', SUPPORT_DB_PATH: dbPath, ...env }, owner, { ready: /(npm run cli -- packet .*|platform: .*)\n/ });
}

const runCli = (args: string[]) => runCliProcess(args, children);

async function reconcile(dbPath: string, email: string) {
  const r = await runCli(['reconcile', '--db', dbPath, '--email', email, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    account: { email: string };
    runs: { generationId: string; verdict: string; stuck: boolean; charged: number; outstanding: number; chargeEvidence: string; spendIds: string[] }[];
    otherSpends: { ledgerId: string; amount: number; generationId: string | null; studio: string | null }[];
    totals: { refundDue: number; failedRuns: number; stuckRuns: number };
  };
}

/** The platform's records in the file, as they stand. */
function platformRows(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const all = (table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY id`).all();
    return { accounts: all('accounts'), generations: all('generations'), ledger: all('ledger') };
  } finally {
    db.close();
  }
}

const countsOf = (rows: ReturnType<typeof platformRows>) => ({
  accounts: rows.accounts.length,
  generations: rows.generations.length,
  ledger: rows.ledger.length,
});

/** The identity the page at `/` signs the widget in with (null: anonymous), as a visitor could lift it. */
async function demoPageUser(desk: DeskProcess): Promise<unknown> {
  const page = await (await fetch(`http://127.0.0.1:${desk.port}/`)).text();
  const user = /PrismSupport\.init\(\{ apiBase: location\.origin, user: (.*) \}\);/.exec(page)?.[1];
  if (user === undefined) throw new Error(`no widget on the page: ${page.slice(0, 200)}`);
  return JSON.parse(user);
}

async function stop(desk: DeskProcess) {
  desk.child.kill('SIGTERM');
  return desk.exited;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'desk-start-'));
});

// Whatever a test left running goes with its whole process group (tsx and the node it started).
afterEach(() => killAll(children));

afterAll(() => {
  killAll(sharedChildren);
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start on a fresh database', () => {
  let db: string;
  let desk: DeskProcess;
  let rowsAfterFirstRun: ReturnType<typeof platformRows>;

  beforeAll(async () => {
    db = join(dir, 'fresh', 'support.db');
    desk = await startDesk(db, {}, sharedChildren);
  }, 60_000);

  afterAll(() => killAll(sharedChildren));

  it('seeds the demo, lists its accounts and answers /health', async () => {
    const out = desk.stdout();
    expect(out).toContain(`(database ${db})`);
    expect(out).toContain(`health: http://localhost:${desk.port}/health`);
    expect(out).toContain('demo data seeded');
    for (const email of DEMO_EMAILS) expect(out).toContain(email);
    expect(out).toContain(`npm run cli -- reconcile --db ${db} --email maya@example.com`);

    const health = await fetch(`http://127.0.0.1:${desk.port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
  }, 60_000);

  it('signs the demo page in as the demo account, and says so', async () => {
    expect(desk.stdout()).toContain(`widget demo: http://localhost:${desk.port}/ (signed in as maya@example.com, over the seeded demo data)`);
    expect(await demoPageUser(desk)).toMatchObject({ email: 'maya@example.com', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  }, 60_000);

  it('says that, with neither Slack nor SMTP set up, packets are kept but sent nowhere, and how to see them', async () => {
    const out = desk.stdout();
    expect(out).toContain('packets: kept in the database and sent nowhere (no Slack app, no SMTP mail to SUPPORT_INBOX is set up)');
    expect(out).toContain(`see them: npm run cli -- packets --db ${db}`);
    const listed = await runCli(['packets', '--db', db]);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toContain('no packets');
  }, 60_000);

  it('says that packets land in the staff console and how to create the first sign-in; that command signs staff in', async () => {
    const out = desk.stdout();
    const deskUrl = `http://localhost:${desk.port}/desk`;
    expect(out).toContain(`they land in the staff console at ${deskUrl}`);
    const command = new RegExp(`staff console: ${deskUrl} \\(no staff yet\\); the first sign-in link: PUBLIC_URL=(\\S+) npm run cli -- staff add NAME EMAIL --db (\\S+)`).exec(out);
    expect(command?.[1]).toBe(`http://localhost:${desk.port}`);
    expect(command?.[2]).toBe(db);
    const added = await runCliProcess(['staff', 'add', 'Ops Lead', 'ops@prismposter.test', '--db', db], children, { env: { PUBLIC_URL: command?.[1] ?? '' } });
    expect(added.code).toBe(0);
    const link = new URL(/^http\S+$/m.exec(added.stdout)?.[0] ?? '');
    expect(link.origin).toBe(`http://localhost:${desk.port}`);
    const signIn = await fetch(`http://127.0.0.1:${desk.port}/desk/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${desk.port}` },
      body: new URLSearchParams({ token: link.searchParams.get('token') ?? '' }).toString(),
    });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const queue = await fetch(`http://127.0.0.1:${desk.port}/desk`, { headers: { cookie } });
    expect(queue.status).toBe(200);
    expect(await queue.text()).toContain('Signed in as Ops Lead');
  }, 60_000);

  it('gives the CLI, on the same file, every verdict the demo guide promises', async () => {
    const [maya, leo, ana, sam] = await Promise.all(DEMO_EMAILS.map((email) => reconcile(db, email)));
    if (!maya || !leo || !ana || !sam) throw new Error('a reconciliation is missing');

    // Maya: the failed 4k video cost 40 credits; the music run in another tab explains 10 more.
    expect(maya.runs).toMatchObject([{ generationId: 'gen_maya_video', verdict: 'refund_due', charged: 40, outstanding: 40, chargeEvidence: 'linked' }]);
    expect(maya.otherSpends).toContainEqual(expect.objectContaining({ amount: -10, generationId: 'gen_maya_music', studio: 'music' }));
    expect(maya.totals.refundDue).toBe(40);

    // Leo: charged 8, refunded 8.
    expect(leo.runs).toMatchObject([{ generationId: 'gen_leo_image', verdict: 'refunded', charged: 8, outstanding: 0 }]);

    // Ana: a storyboard that was never charged, and an unlinked 12-credit spend inferred onto the failed music run.
    expect(ana.runs).toMatchObject([
      { generationId: 'gen_ana_story', verdict: 'not_charged', charged: 0 },
      { generationId: 'gen_ana_music', verdict: 'refund_due', charged: 12, chargeEvidence: 'inferred', spendIds: ['led_ana_old'] },
    ]);
    expect(ana.totals.refundDue).toBe(12);

    // Sam: a video processing for 3 hours is stuck; the image started 2 minutes ago is in progress.
    expect(sam.runs).toMatchObject([
      { generationId: 'gen_sam_image', verdict: 'in_progress', stuck: false },
      { generationId: 'gen_sam_video', verdict: 'not_charged', stuck: true },
    ]);
    expect(sam.totals.stuckRuns).toBe(1);

    const verdicts = new Set([maya, leo, ana, sam].flatMap((r) => r.runs.map((run) => run.verdict)));
    expect([...verdicts].sort()).toEqual(['in_progress', 'not_charged', 'refund_due', 'refunded']);
  }, 60_000);

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await stop(desk)).toEqual({ code: 0, signal: null });
    rowsAfterFirstRun = platformRows(db);
    expect(countsOf(rowsAfterFirstRun)).toEqual({ accounts: 4, generations: 8, ledger: 10 });
  }, 30_000);

  it('does not seed twice when started again on the same file', async () => {
    const again = await startDesk(db);
    const out = again.stdout();
    expect(out).not.toContain('demo data seeded');
    expect(out).toContain('demo accounts:');
    for (const email of DEMO_EMAILS) expect(out).toContain(email);
    expect((await fetch(`http://127.0.0.1:${again.port}/health`)).status).toBe(200);
    expect(await stop(again)).toEqual({ code: 0, signal: null });
    expect(platformRows(db)).toEqual(rowsAfterFirstRun);
  }, 60_000);

  it('signs no one in once records are imported into the demo database, across restarts', async () => {
    expect((await runCli(['import', 'test/fixtures/platform-import.json', '--db', db])).code).toBe(0);
    for (let start = 0; start < 2; start++) {
      const again = await startDesk(db);
      expect(again.stdout()).toContain(`widget page: http://localhost:${again.port}/ (no one signed in: the records here are not only the sample seeded at first start`);
      expect(again.stdout()).not.toContain('widget demo:');
      expect(await demoPageUser(again)).toBeNull();
      expect(await stop(again)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

describe('npm start with Slack and SMTP set up', () => {
  it('says where packets go: the Slack channel and the support inbox, and the console beside them', async () => {
    const db = join(dir, 'integrations', 'support.db');
    const desk = await startDesk(db, {
      SLACK_BOT_TOKEN: 'xoxb-start-test',
      SLACK_SIGNING_SECRET: 'start-test-signing-secret',
      SLACK_TRIAGE_CHANNEL: 'C0TRIAGE',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      SMTP_URL: 'smtp://127.0.0.1:9',
      SUPPORT_FROM: 'help@prismposter.test',
      SUPPORT_INBOX: 'support@prismposter.test',
    });
    const out = desk.stdout();
    expect(out).toContain(
      `packets: sent to Slack channel C0TRIAGE and mail to support@prismposter.test, and listed in the staff console at http://localhost:${desk.port}/desk`,
    );
    expect(out).not.toContain('sent nowhere');
    expect(out).toContain('the first sign-in link: PUBLIC_URL=');
    expect(await stop(desk)).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('npm start on a database of imported records', () => {
  it('does not seed the demo, nor suggest demo accounts that are not there', async () => {
    const db = join(dir, 'imported', 'support.db');
    const imported = await runCli(['import', 'test/fixtures/platform-import.json', '--db', db]);
    expect(imported.code).toBe(0);

    const desk = await startDesk(db);
    const out = desk.stdout();
    expect(out).not.toContain('demo');
    expect(out).not.toContain('maya@example.com');
    expect(out).toContain('platform: embedded');
    expect(out).toContain('widget page:');
    expect(await demoPageUser(desk)).toBeNull();
    expect((await fetch(`http://127.0.0.1:${desk.port}/health`)).status).toBe(200);
    expect(await stop(desk)).toEqual({ code: 0, signal: null });
    expect(countsOf(platformRows(db))).toEqual({ accounts: 3, generations: 13, ledger: 20 });
  }, 60_000);
});

describe('npm start on a port already taken', () => {
  let blocker: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  });

  it('exits 1 with one line naming the port, not a stack trace', async () => {
    blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker?.listen(0, '0.0.0.0', () => resolve((blocker?.address() as { port: number }).port)),
    );
    const desk = startDesk(join(dir, 'busy', 'support.db'), { PORT: String(port) });
    await expect(desk).rejects.toThrow(/before listening/);
    const failure = await desk.catch((error: Error) => error.message);
    expect(failure).toContain(`port ${port} is already in use; set PORT to another port`);
    expect(failure).toContain('npm start ended (1)');
    expect(failure).not.toContain('node:events');
  }, 60_000);
});

describe('npm start through npm itself', () => {
  it('compiles the server first (prestart), then serves it as compiled JavaScript, not through tsx', async () => {
    const desk = await startDeskProcess({ PORT: '0', SUPPORT_DB_PATH: join(dir, 'through-npm', 'support.db') }, children, { throughNpm: true });
    expect(desk.output()).toContain('tsx scripts/build-server.ts');
    expect(desk.output()).toContain('dist/server/node.mjs');
    expect(await (await fetch(`${desk.url}/health`)).json()).toMatchObject({ status: 'ok' });
    // The process serving is node on the compiled bundle, without tsx's loader.
    const server = execFileSync('ps', ['-o', 'args=', '-g', String(desk.child.pid)], { encoding: 'utf8' })
      .split('\n')
      .find((line) => line.includes('dist/server/node.mjs') && !line.includes('sh -c'));
    // Exactly package.json's `start`: node, its memory flags, the bundle.
    expect(server?.replace(/^\S*node /, 'node ')).toBe(`node ${npmStartArgs().join(' ')}`);
    expect(server).toMatch(/ dist\/server\/node\.mjs$/);
    expect(server).not.toContain('tsx');
  }, 60_000);
});
