import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlatformData } from '../../adapters/db/import-platform-data.ts';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import { WIDGET_SECRET, identityHeaders, request, startChatDesk, type ChatDesk } from '../support/chat-desk.ts';
import { failedRunsAccount, refundedByRun } from './refund-accounts.ts';
import { PLATFORM_TOKEN, platformEnv, repeat, sendTo, turnOf } from './race-helpers.ts';
import { startPlatformHttpServer } from '../support/platform-http-server.ts';

/*
 * The automatic refund limit is per account over a rolling window (AUTO_REFUND_WINDOW_HOURS,
 * default 24), not per packet.
 *
 * Was: three 40-credit failed runs, AUTO_REFUND_LIMIT=50, one conversation per run: each packet
 * was within the limit on its own, and 120 credits were refunded with no one looking.
 * Expected: at most 50 credits refunded automatically per account in 24 h; what would pass it is
 * proposed to staff; once the window has passed, the limit is available again.
 */

const ENV = { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '100000', AUTO_REFUND_LIMIT: '50', SLACK_TRIAGE_CHANNEL: '#support-triage' };
const HOUR = 60 * 60 * 1000;
const RUNS = (tag: string) => [
  { id: `gen_${tag}_video`, studio: 'video' as const, charged: 40 },
  { id: `gen_${tag}_image`, studio: 'image' as const, charged: 40 },
  { id: `gen_${tag}_music`, studio: 'music' as const, charged: 40 },
];
const ISSUED = 'A refund of 40 credits was issued automatically.';
const PROPOSED = 'I’ve proposed a refund of 40 credits to the support team; they’ll confirm it.';

/** A clock that runs with real time from a fixed start, and can be moved on. */
function testClock() {
  const started = Date.now();
  let skipped = 0;
  return { now: () => Date.parse('2026-11-24T12:00:00Z') + (Date.now() - started) + skipped, skip: (ms: number) => void (skipped += ms) };
}

/** A conversation about `run`, walked to the Send button; answers its id. */
async function atSend(url: string, headers: Record<string, string>, run: string): Promise<string> {
  const started = await request(url, 'POST', '/api/conversations', { body: {}, headers });
  expect(started.status).toBe(201);
  const id = (started.body as { conversationId: string }).conversationId;
  let turn = turnOf(await sendTo(url, id, { option: `run:${run}` }, headers));
  for (let step = 0; step < 6 && turn.state !== 'packet'; step++) {
    const offered = turn.messages.filter((m) => m.from === 'bot').at(-1)?.options?.map((o) => o.id) ?? [];
    const pick = offered.find((o) => ['still_stuck', 'still_failing', 'send_to_support'].includes(o));
    if (!pick) throw new Error(`nothing to pick in state ${turn.state}: ${JSON.stringify(offered)}`);
    turn = turnOf(await sendTo(url, id, { option: pick }, headers));
  }
  expect(turn.state).toBe('packet');
  return id;
}

/** What the hand-off told the user about the refund: issued, proposed, or neither. */
function toldOf(messages: readonly ChatMessage[]): 'issued' | 'proposed' | 'neither' {
  const text = messages.map((m) => m.text).join('\n');
  return text.includes(ISSUED) ? 'issued' : text.includes(PROPOSED) ? 'proposed' : 'neither';
}

async function refundsOf(desk: ChatDesk, tag: string) {
  const { entries } = await desk.deps.platform.listLedger(`acc_${tag}`, { since: 0, until: desk.deps.now() + 100 * HOUR });
  return entries.filter((e) => e.type === 'refund');
}

describe('the automatic refund limit, per account over 24 hours', () => {
  const clock = testClock();
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk(ENV, { now: clock.now });
  });
  afterAll(() => desk?.close());

  it('three 40-credit runs, one conversation each: 40 refunded automatically, the other two proposed; after 24 h, one more', async () => {
    const tag = 'limit';
    const runs = RUNS(tag);
    await importPlatformData(desk.deps.sqlite, failedRunsAccount(tag, clock.now(), runs));
    const user = identityHeaders(`${tag}@example.com`);
    const told: string[] = [];
    for (const run of runs) {
      const id = await atSend(desk.url, user, run.id);
      const sent = turnOf(await sendTo(desk.url, id, { option: 'send' }, user));
      expect(sent.state).toBe('handed_off');
      told.push(toldOf(sent.messages));
    }
    expect(told).toEqual(['issued', 'proposed', 'proposed']);
    expect((await refundsOf(desk, tag)).map((e) => [e.generationId, e.amount])).toEqual([[runs[0]?.id, 40]]);

    // 23 hours later the first refund is still inside the window: still proposed.
    clock.skip(23 * HOUR);
    const early = await atSend(desk.url, user, runs[1]?.id ?? '');
    expect(toldOf(turnOf(await sendTo(desk.url, early, { option: 'send' }, user)).messages)).toBe('proposed');

    // Past 24 hours it is not: the next automatic refund fits again (and only one).
    clock.skip(HOUR + 60_000);
    const later = await Promise.all(runs.slice(1).map(async (run) => atSend(desk.url, user, run.id)));
    const results: string[] = [];
    for (const id of later) results.push(toldOf(turnOf(await sendTo(desk.url, id, { option: 'send' }, user)).messages));
    expect(results).toEqual(['issued', 'proposed']);
    const refunds = await refundsOf(desk, tag);
    expect(refunds.map((e) => [e.generationId, e.amount])).toEqual([[runs[0]?.id, 40], [runs[1]?.id, 40]]);
  });

  it('three conversations sending at once never each find room under the limit (20 rounds)', async () => {
    const seen: { round: number; refunded: number; told: string[] }[] = [];
    await repeat(20, async (round) => {
      const tag = `limit${round}`;
      const runs = RUNS(tag);
      await importPlatformData(desk.deps.sqlite, failedRunsAccount(tag, clock.now(), runs));
      const user = identityHeaders(`${tag}@example.com`);
      const ids = await Promise.all(runs.map((run) => atSend(desk.url, user, run.id)));
      const answers = await Promise.all(ids.map((id) => sendTo(desk.url, id, { option: 'send' }, user)));
      const told = answers.map((a) => toldOf(turnOf(a).messages)).sort();
      const refunded = Object.values(refundedByRun(await refundsOf(desk, tag))).reduce((sum, n) => sum + n, 0);
      seen.push({ round, refunded, told });
    });
    // One run fits the limit of 50, whichever conversation got there first; the others are proposed.
    expect(seen.filter((s) => s.refunded !== 40 || s.told.join() !== 'issued,proposed,proposed')).toEqual([]);
  }, 120_000);
});

describe('the automatic refund limit with the platform over HTTP', () => {
  it('counts the automatic refunds of the window from the ledger: 40 refunded, the other two proposed', async () => {
    const tag = 'limithttp';
    const runs = RUNS(tag);
    const platform = await startPlatformHttpServer({ fixture: failedRunsAccount(tag, Date.now(), runs), token: PLATFORM_TOKEN });
    const desk = await startChatDesk({ ...ENV, ...platformEnv(platform) });
    try {
      const user = identityHeaders(`${tag}@example.com`);
      const told: string[] = [];
      for (const run of runs) {
        const id = await atSend(desk.url, user, run.id);
        told.push(toldOf(turnOf(await sendTo(desk.url, id, { option: 'send' }, user)).messages));
      }
      expect(told).toEqual(['issued', 'proposed', 'proposed']);
      expect((await refundsOf(desk, tag)).map((e) => [e.generationId, e.amount])).toEqual([[runs[0]?.id, 40]]);
    } finally {
      await desk.close();
      await platform.close();
    }
  });
});
