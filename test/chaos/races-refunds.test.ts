import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDrizzlePlatformData } from '../../adapters/db/drizzle-platform-data.ts';
import { openSqlite } from '../../adapters/db/open-sqlite.ts';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import { createDrizzleTriageStore } from '../../adapters/slack/drizzle-triage-store.ts';
import { newId } from '../../src/core/ids.ts';
import type { LedgerEntry } from '../../src/core/platform-types.ts';
import { createUserNotifier } from '../../src/core/user-notifier.ts';
import { createTriageService } from '../../src/triage/triage-service.ts';
import { WIDGET_SECRET, identityHeaders, request, startChatDesk, type ChatDesk } from '../support/chat-desk.ts';
import { failedRunsAccount, refundedByRun } from './refund-accounts.ts';
import type { RefundProcessAnswer, RefundProcessOrder } from './refund-process.ts';
import { PLATFORM_TOKEN, platformEnv, repeat, sendTo, turnOf } from './race-helpers.ts';
import { type PlatformHttpServer, startPlatformHttpServer } from '../support/platform-http-server.ts';

/*
 * Refunds racing each other: one failed run, several ways of refunding it at the same moment (two
 * conversations of one user, a conversation and staff's Approve, two processes). Whoever issues it,
 * a run is never refunded beyond what it was charged.
 */

const ENV = { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '100000', SLACK_TRIAGE_CHANNEL: '#support-triage', SUPPORT_INBOX: 'support@prismposter.test' };

/** The options that take a conversation from the run's question to the Send button. */
const TO_SEND = ['still_stuck', 'still_failing', 'send_to_support'];

/** A conversation started by `headers`' user, `first` picked at the greeting, walked up to the Send button. */
async function atSend(url: string, headers: Record<string, string>, first: string): Promise<string> {
  const started = await request(url, 'POST', '/api/conversations', { body: {}, headers });
  expect(started.status).toBe(201);
  const id = (started.body as { conversationId: string }).conversationId;
  let turn = turnOf(await sendTo(url, id, { option: first }, headers));
  for (let step = 0; step < 6 && turn.state !== 'packet'; step++) {
    const offered = turn.messages.filter((m) => m.from === 'bot').at(-1)?.options?.map((o) => o.id) ?? [];
    const pick = offered.find((o) => TO_SEND.includes(o));
    if (!pick) throw new Error(`nothing to pick in state ${turn.state}: ${JSON.stringify(offered)}`);
    turn = turnOf(await sendTo(url, id, { option: pick }, headers));
  }
  expect(turn.state).toBe('packet');
  return id;
}

/** The account's ledger as the platform answers it now. */
async function ledgerOf(desk: ChatDesk, accountId: string): Promise<{ entries: LedgerEntry[]; balance: number }> {
  return desk.deps.platform.listLedger(accountId, { since: 0, until: Date.now() + 3_600_000 });
}

/*
 * Was: a user alone gets one failed run refunded twice.
 *
 * Input: AUTO_REFUND_LIMIT=50; a signed-in user with a failed video run (20 credits) and a failed
 * image run (8 credits), both charged; two widget conversations, one picking `run:<video>`, the other
 * `other` (both runs); Send pressed in both at the same moment.
 * Observed: the packets name different runs, so they get different refs, and the automatic refund's
 * idempotency key was per packet and run (`refund:<ref>:<run>`); both hand-offs had reconciled before
 * either refund was written, and the video run was refunded twice (40 credits for a 20-credit run).
 * Expected: each run refunded exactly what it was charged, once.
 */
describe('two conversations of one user sending at once, about overlapping runs', () => {
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk({ ...ENV, AUTO_REFUND_LIMIT: '50' });
  });
  afterAll(() => desk?.close());

  it('refunds each run what it was charged, never more (60 rounds)', async () => {
    const seen: { round: number; video?: number; image?: number }[] = [];
    await repeat(60, async (round) => {
      const tag = `race${round}`;
      const video = `gen_${tag}_video`;
      const image = `gen_${tag}_image`;
      await importPlatformData(desk.deps.sqlite, failedRunsAccount(tag, Date.now(), [
        { id: video, studio: 'video', charged: 20 },
        { id: image, studio: 'image', charged: 8 },
      ]));
      const user = identityHeaders(`${tag}@example.com`);
      const [one, both] = await Promise.all([atSend(desk.url, user, `run:${video}`), atSend(desk.url, user, 'other')]);
      const answers = await Promise.all((round % 2 ? [both, one] : [one, both]).map((id) => sendTo(desk.url, id, { option: 'send' }, user)));
      for (const answer of answers) expect(turnOf(answer).state).toBe('handed_off');
      const { entries, balance } = await ledgerOf(desk, `acc_${tag}`);
      const refunded = refundedByRun(entries);
      seen.push({ round, video: refunded[video], image: refunded[image] });
      expect(balance).toBe(500 - 28 + (refunded[video] ?? 0) + (refunded[image] ?? 0));
    });
    // Both hand-offs fit the limit: each run is refunded, exactly once.
    expect(seen.filter((s) => s.video !== 20 || s.image !== 8)).toEqual([]);
  }, 180_000);
});

/*
 * The same two conversations against the platform over HTTP (platform-data.md): there the desk cannot
 * check a run's refunds inside the platform's write, so the refund's idempotency key is the run's
 * (`refund:<generationId>`), whichever packet asks: the platform pays the run once.
 */
describe('two conversations of one user sending at once, the platform over HTTP', () => {
  const ROUNDS = 30;
  let platform: PlatformHttpServer;
  let desk: ChatDesk;
  const runsOf = (round: number) => ({ video: `gen_http${round}_video`, image: `gen_http${round}_image` });
  beforeAll(async () => {
    const accounts = Array.from({ length: ROUNDS }, (_, round) => {
      const { video, image } = runsOf(round);
      return failedRunsAccount(`http${round}`, Date.now(), [
        { id: video, studio: 'video', charged: 20 },
        { id: image, studio: 'image', charged: 8 },
      ]);
    });
    platform = await startPlatformHttpServer({
      fixture: { accounts: accounts.flatMap((a) => a.accounts), generations: accounts.flatMap((a) => a.generations), ledger: accounts.flatMap((a) => a.ledger) },
      token: PLATFORM_TOKEN,
    });
    desk = await startChatDesk({ ...ENV, ...platformEnv(platform), AUTO_REFUND_LIMIT: '50' });
  });
  afterAll(async () => {
    await desk?.close();
    await platform?.close();
  });

  it(`asks the platform for each run's refund under the run's key, and each run is paid once (${ROUNDS} rounds)`, async () => {
    const seen: { round: number; video?: number; image?: number }[] = [];
    await repeat(ROUNDS, async (round) => {
      const { video, image } = runsOf(round);
      const user = identityHeaders(`http${round}@example.com`);
      const [one, both] = await Promise.all([atSend(desk.url, user, `run:${video}`), atSend(desk.url, user, 'other')]);
      const answers = await Promise.all((round % 2 ? [both, one] : [one, both]).map((id) => sendTo(desk.url, id, { option: 'send' }, user)));
      for (const answer of answers) expect(turnOf(answer).state).toBe('handed_off');
      const refunded = refundedByRun((await ledgerOf(desk, `acc_http${round}`)).entries);
      seen.push({ round, video: refunded[video], image: refunded[image] });
    });
    expect(seen.filter((s) => s.video !== 20 || s.image !== 8)).toEqual([]);
    const keys = new Set(platform.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key']));
    expect([...keys].sort()).toEqual(seen.flatMap(({ round }) => [`refund:${runsOf(round).image}`, `refund:${runsOf(round).video}`]).sort());
  }, 180_000);
});

/** Staff's side of a desk: the triage service (what Slack's Approve button calls) over its database. */
function triageOf(desk: ChatDesk) {
  const { store, platform, sqlite, now } = desk.deps;
  return createTriageService({
    store,
    platform,
    triage: createDrizzleTriageStore(sqlite),
    notifier: createUserNotifier({ store, now, newId, ttlMs: 60_000 }),
    now,
    newId,
    slackChannel: ENV.SLACK_TRIAGE_CHANNEL,
  });
}

const STAFF = { id: 'U0STAFF1', name: 'Maria' };

/*
 * Was: staff's Approve on an email packet while the user presses Send in the widget pays twice.
 *
 * Input: AUTO_REFUND_LIMIT=50; the user's email report about the failed video run (20 credits),
 * filed as its own packet; a widget conversation about `other` (the video and the image run) at the
 * Send button; staff click Approve on the email packet as the user presses Send.
 * Observed: the approval reconciled (nothing refunded yet) while the hand-off did the same; each
 * refunded the video run under its own packet's key.
 * Expected: the video run refunded 20 credits once, the image run 8.
 */
describe("staff's Approve racing the automatic refund of another packet about the same run", () => {
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk({ ...ENV, AUTO_REFUND_LIMIT: '50' });
  });
  afterAll(() => desk?.close());

  it('refunds each run what it was charged, never more (50 rounds)', async () => {
    const triage = triageOf(desk);
    const seen: { round: number; video?: number; image?: number; approval: string }[] = [];
    await repeat(50, async (round) => {
      const tag = `staff${round}`;
      const video = `gen_${tag}_video`;
      const image = `gen_${tag}_image`;
      await importPlatformData(desk.deps.sqlite, failedRunsAccount(tag, Date.now(), [
        { id: video, studio: 'video', charged: 20 },
        { id: image, studio: 'image', charged: 8 },
      ]));
      const email = `${tag}@example.com`;
      const { packet } = await desk.deps.packets.file({
        channel: 'email',
        accountEmail: email,
        verified: true,
        generationIds: [video],
        transcript: [{ from: 'user', text: 'My video failed and the 20 credits are gone.', at: new Date().toISOString() }],
      });
      const user = identityHeaders(email);
      const conversation = await atSend(desk.url, user, 'other');
      // Both started in one tick, the click a few steps later each round: across rounds it lands
      // everywhere in the hand-off (before it reconciles, between that and its refund, after).
      const approve = async () => {
        for (let i = 0; i < (round % 10) * 10; i++) await Promise.resolve();
        return triage.approveRefund(packet.ref, STAFF);
      };
      const [answer, approval] = await Promise.all([desk.deps.conversations.send(conversation, { kind: 'verified', email }, { option: 'send' }), approve()]);
      expect(answer.state).toBe('handed_off');
      const refunded = refundedByRun((await ledgerOf(desk, `acc_${tag}`)).entries);
      seen.push({ round, video: refunded[video], image: refunded[image], approval: approval.status });
    });
    expect(seen.filter((s) => s.video !== 20 || s.image !== 8)).toEqual([]);
  }, 180_000);
});

/** A desk process of its own (refund-process.ts) over `dbPath`, taking refund orders over IPC. */
async function refundProcess(dbPath: string) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./refund-process.ts', import.meta.url)), [dbPath], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answers = new Map<number, (answer: RefundProcessAnswer) => void>();
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the refund process ended (${code}) before it was ready`)));
  });
  child.on('message', (answer: RefundProcessAnswer) => answers.get(answer.round)?.(answer));
  return {
    refund(order: RefundProcessOrder): Promise<RefundProcessAnswer> {
      return new Promise((resolve) => {
        answers.set(order.round, resolve);
        child.send(order);
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('exit');
      }),
  };
}

/*
 * Was: two desk processes on one SQLite file refund one run twice.
 *
 * Input: two OS processes (each its own connection, services and event loop) on one SQLite file;
 * each round, a user with a failed video run (20 credits) and a failed image run (8); at the same
 * moment one process files a widget packet about the video run and refunds it automatically, the
 * other files a packet about both runs and refunds it automatically (even rounds) or by staff's
 * Approve (odd rounds).
 * Observed: both processes reconciled before either wrote, and each wrote the video run's refund
 * under its own packet's key.
 * Expected: the video run refunded 20 credits once, the image run 8.
 */
describe('two processes on one SQLite file refunding the same run at once', () => {
  let dir: string;
  let dbPath: string;
  let processes: Awaited<ReturnType<typeof refundProcess>>[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'refund-processes-'));
    dbPath = join(dir, 'support.db');
    openSqlite(dbPath).close();
    processes = await Promise.all([refundProcess(dbPath), refundProcess(dbPath)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('refunds each run what it was charged, never more (60 rounds)', async () => {
    const handle = openSqlite(dbPath);
    const seen: { round: number; video?: number; image?: number; outcomes: string[] }[] = [];
    try {
      await repeat(60, async (round) => {
        const tag = `proc${round}`;
        const video = `gen_${tag}_video`;
        const image = `gen_${tag}_image`;
        await importPlatformData(handle, failedRunsAccount(tag, Date.now(), [
          { id: video, studio: 'video', charged: 20 },
          { id: image, studio: 'image', charged: 8 },
        ]));
        const email = `${tag}@example.com`;
        const [a, b] = processes as [(typeof processes)[number], (typeof processes)[number]];
        const answers = await Promise.all([
          a.refund({ round, email, generationIds: [video], by: 'policy' }),
          b.refund({ round, email, generationIds: [video, image], by: round % 2 ? 'staff' : 'policy' }),
        ]);
        const { entries } = await createDrizzlePlatformData(handle, { now: Date.now, newId }).listLedger(`acc_${tag}`, { since: 0, until: Date.now() + 3_600_000 });
        const refunded = refundedByRun(entries);
        seen.push({ round, video: refunded[video], image: refunded[image], outcomes: answers.map((x) => x.outcome) });
      });
    } finally {
      handle.close();
    }
    expect(seen.filter((s) => s.outcomes.some((o) => o.startsWith('error')))).toEqual([]);
    expect(seen.filter((s) => s.video !== 20 || s.image !== 8)).toEqual([]);
  }, 180_000);
});
