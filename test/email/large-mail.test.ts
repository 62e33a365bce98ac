import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DeskProcess, killAll, startDeskProcess } from '../support/desk-process.ts';
import { memoryOf, resetPeak } from '../support/process-memory.ts';
import { TRUSTED_ID, buildEml } from './build-eml.ts';
import { attachmentEml, emptyPartsEml, shortLinesEml } from './large-eml.ts';

/*
 * Large and absurdly built messages posted to the server as `npm start` runs it (the compiled
 * bundle, its own process): each is filed or kept as a dead letter with its reason, the server
 * keeps running, and `/health` keeps answering while the message is read (the parse runs on a
 * thread of its own, one message at a time, on only what the desk reads of a message).
 */

const SECRET = 'inbound-secret-for-large-mail';
const MB = 1024 * 1024;
/**
 * Any one /health request while a message is read, over the slowest of the same requests just
 * before: ~100 ms is the aim, the rest is room for a busy machine.
 */
const HEALTH_MS = 250;
/**
 * The tests that time /health: on a machine shared with other work a burst of it can slow one
 * answer past any bound; a desk that stalls (as it did for seconds) fails every attempt.
 */
const TIMED = { timeout: 60_000, retry: 2 };

const children = new Set<ChildProcess>();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'large-mail-'));
});
afterEach(() => killAll(children));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each desk's database file. */
const databases = new Map<DeskProcess, string>();

/** The server as `npm start` runs it, on a database of its own, after one small report. */
async function startDesk(): Promise<DeskProcess> {
  const dbPath = join(dir, `desk-${databases.size + 1}`, 'support.db');
  const desk = await startDeskProcess(
    { PORT: '0', SUPPORT_DB_PATH: dbPath, INBOUND_EMAIL_SECRET: SECRET, TRUSTED_AUTHSERV_ID: TRUSTED_ID },
    children,
    { ready: /email intake: POST/ },
  );
  databases.set(desk, dbPath);
  // A first small report: what a fresh server does once (its parse thread starts, its schemas
  // compile on first use) is not what is measured.
  const small = buildEml({ from: 'leo@example.com', subject: 'hi', date: 'Sat, 21 Nov 2026 10:58:00 +0100', body: 'My image failed.' });
  const warm = await fetch(`${desk.url}/api/email/inbound`, { method: 'POST', headers: { 'x-inbound-secret': SECRET }, body: small });
  expect(warm.status).toBe(202);
  return desk;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A process of its own that asks `/health` again and again (every 10 ms after each answer) until
 * stopped, and then tells the slowest answer's time: timed apart from the test's own process, whose
 * event loop is busy with the messages it sends (and its garbage collector with building them).
 */
function probeHealth(desk: DeskProcess): { stop(): Promise<number> } {
  const script = `
    let slowest = 0, stopped = false;
    process.stdin.on('end', () => (stopped = true)).resume();
    while (!stopped) {
      const started = performance.now();
      const health = await fetch(${JSON.stringify(`${desk.url}/health`)});
      await health.arrayBuffer();
      if (health.status !== 200) throw new Error('/health answered ' + health.status);
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(JSON.stringify({ slowest }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const ended = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    async stop() {
      child.stdin?.end();
      const code = await ended;
      children.delete(child);
      if (code !== 0) throw new Error(`the /health probe ended with ${code}`);
      return (JSON.parse(out) as { slowest: number }).slowest;
    },
  };
}

/**
 * Posts the messages at once to the desk's inbound route while /health is asked again and again;
 * answers each message's status and body, the slowest /health answer meanwhile, and the slowest of
 * the same asking for a while just before (what the machine alone costs it: a busy machine slows
 * every answer, whatever the desk does).
 */
async function deliverWhileProbing(desk: DeskProcess, messages: Uint8Array<ArrayBuffer>[]) {
  const quiet = probeHealth(desk);
  await sleep(3000);
  const quietMs = await quiet.stop();
  const probe = probeHealth(desk);
  // Its first request answered: the probe is running before the messages go.
  await sleep(300);
  const answers = await Promise.all(
    messages.map(async (body) => {
      const response = await fetch(`${desk.url}/api/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', 'x-inbound-secret': SECRET },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }),
  );
  return { answers, slowestHealthMs: await probe.stop(), quietMs };
}

/** The desk process's memory now and at its peak since `resetPeak`, in MB. */
const memoryOfDesk = (desk: DeskProcess) => memoryOf(desk.child.pid as number);

function deadLetters(desk: DeskProcess) {
  const db = new Database(databases.get(desk) ?? '', { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, reason, detail, size FROM email_dead_letters').all() as { id: string; reason: string; detail: string; size: number }[];
  } finally {
    db.close();
  }
}

const alive = async (desk: DeskProcess) => {
  expect(desk.child.exitCode).toBeNull();
  expect((await fetch(`${desk.url}/health`)).status).toBe(200);
};

describe('npm start and one large or absurd email', () => {
  it('files a 5 MB text message of short lines (once fatal), /health answering all the while', TIMED, async () => {
    const desk = await startDesk();
    const { answers, slowestHealthMs, quietMs } = await deliverWhileProbing(desk, [shortLinesEml(5 * MB, '<short-lines@mail.example>')]);
    expect(answers).toEqual([{ status: 202, body: expect.objectContaining({ status: 'accepted', messageId: '<short-lines@mail.example>', verified: true }) }]);
    expect(slowestHealthMs, `slowest /health while read; ${quietMs.toFixed(0)} ms before`).toBeLessThan(quietMs + HEALTH_MS);
    await alive(desk);
  });

  it('keeps a message of 120,000 empty MIME parts as a dead letter with its reason, /health answering all the while', TIMED, async () => {
    const desk = await startDesk();
    const message = emptyPartsEml(120_000, '<empty-parts@mail.example>');
    const { answers, slowestHealthMs, quietMs } = await deliverWhileProbing(desk, [message]);
    expect(answers).toEqual([{ status: 400, body: expect.objectContaining({ status: 'rejected', reason: 'too_many_parts', deadLetterId: expect.any(String) }) }]);
    expect(deadLetters(desk)).toEqual([
      { id: answers[0]?.body.deadLetterId, reason: 'too_many_parts', detail: 'the message has more than 1000 MIME parts', size: message.byteLength },
    ]);
    expect(slowestHealthMs, `slowest /health while read; ${quietMs.toFixed(0)} ms before`).toBeLessThan(quietMs + HEALTH_MS);
    // A redelivery by the gateway is refused the same way: no crash loop.
    const again = await deliverWhileProbing(desk, [message]);
    expect(again.answers[0]).toMatchObject({ status: 400, body: { reason: 'too_many_parts' } });
    await alive(desk);
  });

  it('files three 20 MB messages arriving at once, within bounded memory, /health answering all the while', TIMED, async () => {
    const desk = await startDesk();
    const messages = [
      shortLinesEml(20 * MB, '<big-1@mail.example>'),
      attachmentEml(20 * MB, '<big-2@mail.example>'),
      shortLinesEml(20 * MB, '<big-3@mail.example>'),
    ];
    resetPeak(desk.child.pid as number);
    const before = memoryOfDesk(desk);
    const { answers, slowestHealthMs, quietMs } = await deliverWhileProbing(desk, messages);
    expect(answers.map((a) => [a.status, a.body.status, a.body.messageId])).toEqual([
      [202, 'accepted', '<big-1@mail.example>'],
      [202, 'accepted', '<big-2@mail.example>'],
      [202, 'accepted', '<big-3@mail.example>'],
    ]);
    expect(slowestHealthMs, `slowest /health while read; ${quietMs.toFixed(0)} ms before`).toBeLessThan(quietMs + HEALTH_MS);
    // The three bodies are held while they wait their turn; one parse at a time, on what is read of each.
    const after = memoryOfDesk(desk);
    expect(after.peakMb - before.rssMb, `peak RSS ${after.peakMb.toFixed(0)} MB, ${before.rssMb.toFixed(0)} MB before`).toBeLessThan(300);
    await alive(desk);
  });
});
