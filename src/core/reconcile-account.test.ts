import { describe, expect, it } from 'vitest';
import type { Generation, LedgerEntry, Studio } from './platform-types.ts';
import {
  ATTRIBUTION_WINDOW_MS,
  defaultStuckLimits,
  isHighResolution,
  reconcileAccount,
  stuckLimitMs,
  type ReconcileInput,
  type ReconciliationResult,
  type StuckLimits,
  type Verdict,
} from './reconcile-account.ts';

// ---------------------------------------------------------------------------------------------
// Builders. Every test reconciles acc_1 over reconciliation.md's example window, as of its end,
// unless the case says otherwise. Times are minutes relative to BASE, well inside the window.
// ---------------------------------------------------------------------------------------------

const ACCOUNT = { id: 'acc_1', email: 'maya@example.com' };
const FROM = Date.parse('2026-10-25T00:00:00Z');
const TO = Date.parse('2026-11-24T00:00:00Z');
const BASE = Date.parse('2026-11-20T12:00:00Z');
const MIN = 60_000;

/** BASE + `minutes` + `ms`, as an ISO string. */
const at = (minutes: number, ms = 0) => new Date(BASE + minutes * MIN + ms).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

function gen(id: string, over: Partial<Generation> = {}): Generation {
  return {
    id,
    accountId: ACCOUNT.id,
    studio: 'image',
    prompt: `prompt of ${id}`,
    settings: {},
    status: 'failed',
    createdAt: at(0),
    finishedAt: at(1),
    ...over,
  };
}

function spend(id: string, amount: number, createdAt: string, generationId?: string, accountId = ACCOUNT.id): LedgerEntry {
  return { id, accountId, type: 'spend', amount: -Math.abs(amount), createdAt, ...(generationId ? { generationId } : {}) };
}

function refund(
  id: string,
  amount: number,
  createdAt: string,
  of: { generationId?: string; refundOf?: string },
  accountId = ACCOUNT.id,
): LedgerEntry {
  return { id, accountId, type: 'refund', amount, createdAt, ...of };
}

function entry(id: string, type: LedgerEntry['type'], amount: number, createdAt: string): LedgerEntry {
  return { id, accountId: ACCOUNT.id, type, amount, createdAt };
}

function reconcile(over: Partial<ReconcileInput> = {}): ReconciliationResult {
  return reconcileAccount({
    account: ACCOUNT,
    generations: [],
    ledger: [],
    balance: 0,
    window: { from: FROM, to: TO },
    now: TO,
    ...over,
  });
}

function runOf(result: ReconciliationResult, id: string) {
  const run = result.runs.find((r) => r.generationId === id);
  if (!run) throw new Error(`run ${id} is not in the result`);
  return run;
}

/** Where a spend ended up in the result: on an examined run, in otherSpends, or nowhere. */
type Placement =
  | { run: string; evidence: 'linked' | 'inferred' }
  | { other: string | null; studio: Studio | null }
  | 'nowhere';

function placementOf(result: ReconciliationResult, spendId: string): Placement {
  const run = result.runs.find((r) => r.spendIds.includes(spendId));
  const other = result.otherSpends.find((s) => s.ledgerId === spendId);
  if (run && other) throw new Error(`${spendId} is both on ${run.generationId} and in otherSpends`);
  if (run) return { run: run.generationId, evidence: run.chargeEvidence as 'linked' | 'inferred' };
  if (other) return { other: other.generationId, studio: other.studio };
  return 'nowhere';
}

// ---------------------------------------------------------------------------------------------

describe('which runs are examined', () => {
  it.each<[string, Partial<Generation>, boolean]>([
    ['a failed run inside the window is examined', { status: 'failed' }, true],
    ['a canceled run inside the window is examined', { status: 'canceled' }, true],
    ['a processing run inside the window is examined', { status: 'processing', finishedAt: null }, true],
    ['a queued run inside the window is examined', { status: 'queued', finishedAt: null }, true],
    ['a completed run is not examined', { status: 'completed' }, false],
    ['window edges are inclusive: a run created exactly at window.from is examined', { createdAt: iso(FROM) }, true],
    ['window edges are inclusive: a run created exactly at window.to is examined', { createdAt: iso(TO), finishedAt: iso(TO) }, true],
    ['window edges are inclusive: the same instant written with an offset is examined', { createdAt: '2026-10-25T02:00:00+02:00' }, true],
    ['a run created 1 ms before window.from is outside the window', { createdAt: iso(FROM - 1) }, false],
    ['a run created 1 ms after window.to is outside the window', { createdAt: iso(TO + 1), finishedAt: iso(TO + 2) }, false],
    ['a failed run created a day before the window is outside the window', { createdAt: iso(FROM - 24 * 60 * MIN) }, false],
  ])('%s', (_rule, over, examined) => {
    const result = reconcile({ generations: [gen('gen_1', over)], now: TO + 60 * MIN });
    expect(result.runs.map((r) => r.generationId)).toEqual(examined ? ['gen_1'] : []);
  });
});

describe('linked charge: a spend with generationId = run.id', () => {
  it.each<[string, LedgerEntry[], { charged: number; spendIds: string[]; evidence: string }]>([
    ['a linked spend charges its run', [spend('led_9', 40, at(0, 1), 'gen_7')], { charged: 40, spendIds: ['led_9'], evidence: 'linked' }],
    [
      'several linked spends add up (charged is positive)',
      [spend('led_9', 40, at(0, 1), 'gen_7'), spend('led_10', 5, at(2), 'gen_7')],
      { charged: 45, spendIds: ['led_9', 'led_10'], evidence: 'linked' },
    ],
    [
      'a linked spend hours away from the run is still linked (the 10 minutes are for unlinked spends)',
      [spend('led_9', 40, at(300), 'gen_7')],
      { charged: 40, spendIds: ['led_9'], evidence: 'linked' },
    ],
    ['a spend linked to another run does not charge this one', [spend('led_9', 40, at(0, 1), 'gen_8')], { charged: 0, spendIds: [], evidence: 'none' }],
  ])('%s', (_rule, ledger, expected) => {
    const generations = [gen('gen_7'), gen('gen_8', { createdAt: at(-120), finishedAt: at(-119) })];
    const run = runOf(reconcile({ generations, ledger }), 'gen_7');
    expect({ charged: run.charged, spendIds: run.spendIds, evidence: run.chargeEvidence }).toEqual(expected);
  });
});

describe('unlinked spend attribution', () => {
  interface AttributionCase {
    generations: Generation[];
    /** When the unlinked spend led_u was created. */
    spendAt: string;
    extraLedger?: LedgerEntry[];
    expected: Placement;
  }
  it.each<[string, AttributionCase]>([
    [
      'goes to the run whose finishedAt is closest',
      {
        generations: [gen('gen_a', { createdAt: at(-5), finishedAt: at(-3) }), gen('gen_b', { createdAt: at(-5), finishedAt: at(5) })],
        spendAt: at(0),
        expected: { run: 'gen_a', evidence: 'inferred' },
      },
    ],
    [
      'uses createdAt when the run has no finishedAt',
      {
        generations: [
          gen('gen_a', { status: 'processing', createdAt: at(-2), finishedAt: null }),
          gen('gen_b', { createdAt: at(-9), finishedAt: at(-4) }),
        ],
        spendAt: at(0),
        expected: { run: 'gen_a', evidence: 'inferred' },
      },
    ],
    [
      'measures from finishedAt, not createdAt, when the run has finished',
      {
        generations: [gen('gen_a', { createdAt: at(-2), finishedAt: at(25) }), gen('gen_b', { createdAt: at(-60), finishedAt: at(-6) })],
        spendAt: at(0),
        expected: { run: 'gen_b', evidence: 'inferred' },
      },
    ],
    [
      'within 10 minutes: exactly 10 minutes after the run ended is in',
      { generations: [gen('gen_a', { createdAt: at(-20), finishedAt: at(-10) })], spendAt: at(0), expected: { run: 'gen_a', evidence: 'inferred' } },
    ],
    [
      'within 10 minutes: exactly 10 minutes before the run ended is in',
      { generations: [gen('gen_a', { createdAt: at(-1), finishedAt: at(10) })], spendAt: at(0), expected: { run: 'gen_a', evidence: 'inferred' } },
    ],
    [
      'within 10 minutes: 10 minutes + 1 ms after the run ended is out',
      { generations: [gen('gen_a', { createdAt: at(-20), finishedAt: at(-10, -1) })], spendAt: at(0), expected: { other: null, studio: null } },
    ],
    [
      'within 10 minutes: 10 minutes + 1 ms before the run ended is out',
      { generations: [gen('gen_a', { createdAt: at(-1), finishedAt: at(10, 1) })], spendAt: at(0), expected: { other: null, studio: null } },
    ],
    [
      'never to a run with a linked spend of its own: the next closest run gets it',
      {
        generations: [gen('gen_a', { createdAt: at(-2), finishedAt: at(-1) }), gen('gen_b', { createdAt: at(-7), finishedAt: at(-6) })],
        spendAt: at(0),
        extraLedger: [spend('led_link', 40, at(-2), 'gen_a')],
        expected: { run: 'gen_b', evidence: 'inferred' },
      },
    ],
    [
      'never to a run with a linked spend of its own: with no other run it is attributed to none',
      {
        generations: [gen('gen_a', { createdAt: at(-2), finishedAt: at(-1) })],
        spendAt: at(0),
        extraLedger: [spend('led_link', 40, at(-2), 'gen_a')],
        expected: { other: null, studio: null },
      },
    ],
    [
      'a tie goes to the completed run (and the spend shows in otherSpends)',
      {
        generations: [
          gen('gen_a', { createdAt: at(-5), finishedAt: at(-4) }),
          gen('gen_c', { studio: 'music', status: 'completed', createdAt: at(1), finishedAt: at(4) }),
        ],
        spendAt: at(0),
        expected: { other: 'gen_c', studio: 'music' },
      },
    ],
    [
      'a tie goes to the completed run, whichever side of the spend it is on',
      {
        generations: [
          gen('gen_c', { studio: 'video', status: 'completed', createdAt: at(-6), finishedAt: at(-4) }),
          gen('gen_a', { status: 'canceled', createdAt: at(1), finishedAt: at(4) }),
        ],
        spendAt: at(0),
        expected: { other: 'gen_c', studio: 'video' },
      },
    ],
    [
      'a tie between two problem runs is decided by id, not by input order',
      {
        generations: [gen('gen_b', { createdAt: at(1), finishedAt: at(4) }), gen('gen_a', { createdAt: at(-5), finishedAt: at(-4) })],
        spendAt: at(0),
        expected: { run: 'gen_a', evidence: 'inferred' },
      },
    ],
    [
      'of any status: a closer completed run takes the spend from a problem run',
      {
        generations: [
          gen('gen_c', { studio: 'storyboard', status: 'completed', createdAt: at(-3), finishedAt: at(-1) }),
          gen('gen_a', { createdAt: at(-5), finishedAt: at(-3) }),
        ],
        spendAt: at(0),
        expected: { other: 'gen_c', studio: 'storyboard' },
      },
    ],
    [
      'of the same account: a closer run of another account is not a candidate',
      {
        generations: [gen('gen_z', { accountId: 'acc_2', finishedAt: at(0) }), gen('gen_a', { createdAt: at(-9), finishedAt: at(-8) })],
        spendAt: at(0),
        expected: { run: 'gen_a', evidence: 'inferred' },
      },
    ],
    [
      'a run outside the window can still take the spend (it is then not examined)',
      {
        generations: [gen('gen_c', { status: 'completed', createdAt: iso(FROM - 3 * MIN), finishedAt: iso(FROM + MIN) })],
        spendAt: iso(FROM + 2 * MIN),
        expected: { other: 'gen_c', studio: 'image' },
      },
    ],
  ])('%s', (_rule, c) => {
    const ledger = [...(c.extraLedger ?? []), spend('led_u', 30, c.spendAt)];
    const result = reconcile({ generations: c.generations, ledger });
    expect(placementOf(result, 'led_u')).toEqual(c.expected);
  });

  it('a tie lost to the completed run leaves the problem run uncharged (not a problem-run charge)', () => {
    const result = reconcile({
      generations: [
        gen('gen_a', { createdAt: at(-5), finishedAt: at(-4) }),
        gen('gen_c', { studio: 'music', status: 'completed', createdAt: at(1), finishedAt: at(4) }),
      ],
      ledger: [spend('led_u', 30, at(0))],
    });
    expect(runOf(result, 'gen_a')).toMatchObject({ charged: 0, chargeEvidence: 'none', verdict: 'not_charged', spendIds: [] });
    expect(result.otherSpends).toEqual([{ ledgerId: 'led_u', amount: -30, createdAt: at(0), generationId: 'gen_c', studio: 'music' }]);
    expect(result.totals.refundDue).toBe(0);
  });

  it('inferred evidence: an unlinked spend landing on a problem run makes it refund_due with chargeEvidence inferred', () => {
    const result = reconcile({ generations: [gen('gen_a')], ledger: [spend('led_u', 30, at(2))] });
    expect(runOf(result, 'gen_a')).toMatchObject({
      charged: 30,
      outstanding: 30,
      chargeEvidence: 'inferred',
      verdict: 'refund_due',
      spendIds: ['led_u'],
    });
  });

  it('the attribution window constant is 10 minutes', () => {
    expect(ATTRIBUTION_WINDOW_MS).toBe(10 * MIN);
  });
});

describe('refunds of a run', () => {
  interface RefundCase {
    ledger: LedgerEntry[];
    expected: { charged: number; refunded: number; outstanding: number; verdict: Verdict; refundIds: string[] };
  }
  const linked = spend('led_s', 40, at(0, 1), 'gen_7');
  it.each<[string, RefundCase]>([
    [
      'a refund whose generationId is the run counts',
      {
        ledger: [linked, refund('led_r', 40, at(5), { generationId: 'gen_7' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
    [
      "a refund whose refundOf names the run's linked spend counts",
      {
        ledger: [linked, refund('led_r', 40, at(5), { refundOf: 'led_s' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
    [
      "a refund whose refundOf names the run's inferred spend counts",
      {
        ledger: [spend('led_u', 40, at(2)), refund('led_r', 40, at(5), { refundOf: 'led_u' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
    [
      'a refund naming both the run and the spend is counted once',
      {
        ledger: [linked, refund('led_r', 40, at(5), { generationId: 'gen_7', refundOf: 'led_s' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
    [
      'a partial refund leaves the rest outstanding (refund_due)',
      {
        ledger: [linked, refund('led_r', 15, at(5), { generationId: 'gen_7' })],
        expected: { charged: 40, refunded: 15, outstanding: 25, verdict: 'refund_due', refundIds: ['led_r'] },
      },
    ],
    [
      'partial refunds by generationId and by refundOf add up',
      {
        ledger: [linked, refund('led_r1', 15, at(5), { generationId: 'gen_7' }), refund('led_r2', 25, at(6), { refundOf: 'led_s' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r1', 'led_r2'] },
      },
    ],
    [
      'outstanding is floored at 0 when refunded exceeds charged (over-refund)',
      {
        ledger: [linked, refund('led_r', 50, at(5), { generationId: 'gen_7' })],
        expected: { charged: 40, refunded: 50, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
    [
      "a refund of another run's spend does not count",
      {
        ledger: [linked, spend('led_o', 10, at(-100), 'gen_8'), refund('led_r', 10, at(5), { refundOf: 'led_o' })],
        expected: { charged: 40, refunded: 0, outstanding: 40, verdict: 'refund_due', refundIds: [] },
      },
    ],
    [
      'a refund naming another run does not count',
      {
        ledger: [linked, refund('led_r', 40, at(5), { generationId: 'gen_8' })],
        expected: { charged: 40, refunded: 0, outstanding: 40, verdict: 'refund_due', refundIds: [] },
      },
    ],
    [
      'a refund of an unlinked spend attributed to no run does not count',
      {
        ledger: [linked, spend('led_far', 10, at(200)), refund('led_r', 10, at(205), { refundOf: 'led_far' })],
        expected: { charged: 40, refunded: 0, outstanding: 40, verdict: 'refund_due', refundIds: [] },
      },
    ],
    [
      'a refund of a run that was never charged: refunded, but not_charged and nothing outstanding',
      {
        ledger: [refund('led_r', 10, at(5), { generationId: 'gen_7' })],
        expected: { charged: 0, refunded: 10, outstanding: 0, verdict: 'not_charged', refundIds: ['led_r'] },
      },
    ],
    [
      'a refund created after the window but before now still counts',
      {
        ledger: [linked, refund('led_r', 40, iso(TO + MIN), { generationId: 'gen_7' })],
        expected: { charged: 40, refunded: 40, outstanding: 0, verdict: 'refunded', refundIds: ['led_r'] },
      },
    ],
  ])('%s', (_rule, c) => {
    const generations = [gen('gen_7'), gen('gen_8', { status: 'completed', createdAt: at(-101), finishedAt: at(-100) })];
    const run = runOf(reconcile({ generations, ledger: c.ledger, now: TO + 60 * MIN }), 'gen_7');
    const { charged, refunded, outstanding, verdict, refundIds } = run;
    expect({ charged, refunded, outstanding, verdict, refundIds }).toEqual(c.expected);
  });
});

describe('stuck runs: queued or processing for longer than the studio limit', () => {
  const limits: [Studio, number][] = [
    ['image', 10],
    ['music', 15],
    ['storyboard', 20],
    ['video', 60],
  ];

  it('the default limits are image 10, music 15, storyboard 20, video 60 minutes', () => {
    expect(defaultStuckLimits).toEqual({ image: 10, music: 15, storyboard: 20, video: 60 });
  });

  describe.each(limits)('%s studio (limit %i min)', (studio, minutes) => {
    it.each<[string, 'queued' | 'processing', string | undefined, number, boolean]>([
      ['queued exactly at the limit is not stuck (strictly exceeds)', 'queued', undefined, minutes * MIN, false],
      ['queued 1 ms past the limit is stuck', 'queued', undefined, minutes * MIN + 1, true],
      ['processing exactly at the limit is not stuck', 'processing', undefined, minutes * MIN, false],
      ['processing 1 ms past the limit is stuck', 'processing', undefined, minutes * MIN + 1, true],
      ['high resolution (4k) doubles the limit: 1 ms past the single limit is not stuck', 'processing', '4k', minutes * MIN + 1, false],
      ['high resolution (4k) doubles the limit: exactly at the doubled limit is not stuck', 'processing', '4k', 2 * minutes * MIN, false],
      ['high resolution (4k) doubles the limit: 1 ms past the doubled limit is stuck', 'processing', '4k', 2 * minutes * MIN + 1, true],
      ['1080p is not high resolution: 1 ms past the single limit is stuck', 'queued', '1080p', minutes * MIN + 1, true],
    ])('%s', (_rule, status, resolution, age, stuck) => {
      const run = gen('gen_1', {
        studio,
        status,
        finishedAt: null,
        createdAt: iso(TO - age),
        settings: resolution ? { resolution } : {},
      });
      const result = reconcile({ generations: [run] });
      expect(runOf(result, 'gen_1').stuck).toBe(stuck);
      expect(result.totals.stuckRuns).toBe(stuck ? 1 : 0);
      expect(runOf(result, 'gen_1').verdict).toBe(stuck ? 'not_charged' : 'in_progress');
    });
  });

  it.each<[string, string | undefined, boolean]>([
    ["'4k' is high resolution", '4k', true],
    ["'4K' is high resolution", '4K', true],
    ["'2160p' is high resolution", '2160p', true],
    ["'2048x1152' is high resolution (a side of 2048 px)", '2048x1152', true],
    ["'1152x2048' is high resolution (either side)", '1152x2048', true],
    ["'3840x2160' is high resolution", '3840x2160', true],
    ["'8k' is high resolution (above 4k)", '8k', true],
    ["'4320p' is high resolution (above 2160p)", '4320p', true],
    ["'2160p60' is high resolution", '2160p60', true],
    ["'1080p' is not high resolution", '1080p', false],
    ["'1440p' is not high resolution (a 1440 px side)", '1440p', false],
    ["'1024x1024' is not high resolution", '1024x1024', false],
    ["'2047x1536' is not high resolution (just under 2048)", '2047x1536', false],
    ['no resolution is not high resolution', undefined, false],
  ])('%s', (_rule, resolution, high) => {
    const settings = resolution === undefined ? {} : { resolution };
    expect(isHighResolution(settings)).toBe(high);
    expect(stuckLimitMs({ studio: 'image', settings })).toBe((high ? 20 : 10) * MIN);
  });

  it.each<[string, StuckLimits, Studio, string | undefined, number, boolean]>([
    ['custom limits replace the defaults: past a custom 2 min image limit is stuck', { image: 2, music: 15, storyboard: 20, video: 60 }, 'image', undefined, 2 * MIN + 1, true],
    ['custom limits replace the defaults: within a custom 90 min video limit is not stuck', { image: 10, music: 15, storyboard: 20, video: 90 }, 'video', undefined, 61 * MIN, false],
    ['custom limits are doubled for high resolution too', { image: 2, music: 15, storyboard: 20, video: 60 }, 'image', '4k', 4 * MIN, false],
    ['custom limits doubled for high resolution, 1 ms past', { image: 2, music: 15, storyboard: 20, video: 60 }, 'image', '4k', 4 * MIN + 1, true],
  ])('%s', (_rule, stuckLimits, studio, resolution, age, stuck) => {
    const run = gen('gen_1', { studio, status: 'queued', finishedAt: null, createdAt: iso(TO - age), settings: resolution ? { resolution } : {} });
    expect(runOf(reconcile({ generations: [run], stuckLimits }), 'gen_1').stuck).toBe(stuck);
  });

  it.each<[string, Generation['status']]>([
    ['a failed run is never stuck, however old', 'failed'],
    ['a canceled run is never stuck, however old', 'canceled'],
  ])('%s', (_rule, status) => {
    const result = reconcile({ generations: [gen('gen_1', { status, createdAt: iso(FROM), finishedAt: iso(FROM + MIN) })] });
    expect(runOf(result, 'gen_1').stuck).toBe(false);
  });
});

describe('verdicts', () => {
  const old = iso(TO - 3 * 60 * MIN); // older than every default limit, doubled or not
  const recent = iso(TO - 5 * MIN); // younger than every default limit
  const charge = (amount = 40) => spend('led_s', amount, old, 'gen_1');
  it.each<[string, Partial<Generation>, LedgerEntry[], Verdict, { outstanding: number; stuck: boolean }]>([
    ['refund_due: failed and outstanding > 0', { status: 'failed' }, [charge()], 'refund_due', { outstanding: 40, stuck: false }],
    ['refund_due: canceled and outstanding > 0', { status: 'canceled' }, [charge()], 'refund_due', { outstanding: 40, stuck: false }],
    ['refund_due: stuck (processing) and charged', { status: 'processing', createdAt: old, finishedAt: null }, [charge()], 'refund_due', { outstanding: 40, stuck: true }],
    ['refund_due: stuck (queued) and charged', { status: 'queued', createdAt: old, finishedAt: null }, [charge()], 'refund_due', { outstanding: 40, stuck: true }],
    [
      'refunded: charged and outstanding = 0 (failed)',
      { status: 'failed' },
      [charge(), refund('led_r', 40, recent, { generationId: 'gen_1' })],
      'refunded',
      { outstanding: 0, stuck: false },
    ],
    [
      'refunded: charged and outstanding = 0 (stuck)',
      { status: 'queued', createdAt: old, finishedAt: null },
      [charge(), refund('led_r', 40, recent, { refundOf: 'led_s' })],
      'refunded',
      { outstanding: 0, stuck: true },
    ],
    ['not_charged: failed and charged = 0', { status: 'failed' }, [], 'not_charged', { outstanding: 0, stuck: false }],
    ['not_charged: canceled and charged = 0', { status: 'canceled' }, [], 'not_charged', { outstanding: 0, stuck: false }],
    ['not_charged: stuck and charged = 0', { status: 'processing', createdAt: old, finishedAt: null }, [], 'not_charged', { outstanding: 0, stuck: true }],
    ['in_progress: queued, not stuck, not charged', { status: 'queued', createdAt: recent, finishedAt: null }, [], 'in_progress', { outstanding: 0, stuck: false }],
    [
      'in_progress: processing, not stuck, even though charged',
      { status: 'processing', createdAt: recent, finishedAt: null },
      [spend('led_s', 40, recent, 'gen_1')],
      'in_progress',
      { outstanding: 40, stuck: false },
    ],
  ])('%s', (_rule, over, ledger, verdict, expected) => {
    const result = reconcile({ generations: [gen('gen_1', { createdAt: old, finishedAt: old, ...over })], ledger });
    const run = runOf(result, 'gen_1');
    expect({ verdict: run.verdict, outstanding: run.outstanding, stuck: run.stuck }).toEqual({ verdict, ...expected });
  });
});

describe('ordering', () => {
  it('runs are ordered newest first (by instant, whatever the offset)', () => {
    const generations = [
      gen('gen_old', { createdAt: at(-300) }),
      gen('gen_new', { createdAt: at(60) }),
      gen('gen_offset', { createdAt: '2026-11-20T13:30:00+02:00' }), // 11:30Z, BASE - 30 min
      gen('gen_mid', { createdAt: at(0) }),
    ];
    expect(reconcile({ generations }).runs.map((r) => r.generationId)).toEqual(['gen_new', 'gen_mid', 'gen_offset', 'gen_old']);
  });

  it('the order does not depend on the input order', () => {
    const generations = [gen('gen_a', { createdAt: at(0) }), gen('gen_b', { createdAt: at(0) }), gen('gen_c', { createdAt: at(5) })];
    const forward = reconcile({ generations });
    const backward = reconcile({ generations: [...generations].reverse() });
    expect(backward).toEqual(forward);
    expect(forward.runs[0]?.generationId).toBe('gen_c');
  });
});

describe('otherSpends', () => {
  const generations = [
    gen('gen_7', { studio: 'video', status: 'failed', createdAt: at(0), finishedAt: at(1) }),
    gen('gen_2', { studio: 'music', status: 'completed', createdAt: at(-100), finishedAt: at(-99) }),
    gen('gen_pre', { studio: 'storyboard', status: 'failed', createdAt: iso(FROM - 60 * MIN), finishedAt: iso(FROM - 59 * MIN) }),
  ];
  it.each<[string, LedgerEntry, { generationId: string | null; studio: Studio | null } | null]>([
    ['a spend in the window paying for a completed run is listed with the run and its studio', spend('led_3', 10, at(-99), 'gen_2'), { generationId: 'gen_2', studio: 'music' }],
    ['an unlinked spend attributed to a completed run is listed with that run and its studio', spend('led_3', 10, at(-95)), { generationId: 'gen_2', studio: 'music' }],
    ['an unlinked spend attributed to no run is listed with no run and no studio', spend('led_3', 10, at(-50)), { generationId: null, studio: null }],
    ['a spend linked to a run the desk does not know is listed with its generationId and no studio', spend('led_3', 10, at(-50), 'gen_unknown'), { generationId: 'gen_unknown', studio: null }],
    ['a linked spend charged to an examined run is not listed', spend('led_3', 40, at(0, 1), 'gen_7'), null],
    ['an unlinked spend charged (inferred) to an examined run is not listed', spend('led_3', 40, at(3)), null],
    ['a spend before window.from is not listed, even for a completed run', spend('led_3', 10, iso(FROM - 1), 'gen_2'), null],
    ['a spend after window.to (but before now) is not listed', spend('led_3', 10, iso(TO + 1), 'gen_2'), null],
    ['a spend exactly at window.from is listed (edges inclusive)', spend('led_3', 10, iso(FROM)), { generationId: null, studio: null }],
    ['a spend exactly at window.to is listed (edges inclusive)', spend('led_3', 10, iso(TO)), { generationId: null, studio: null }],
    [
      'a spend in the window for a problem run created before the window (not examined) is listed with that run',
      spend('led_3', 10, iso(FROM + MIN), 'gen_pre'),
      { generationId: 'gen_pre', studio: 'storyboard' },
    ],
    ['a purchase is not a spend', entry('led_3', 'purchase', 100, at(-50)), null],
    ['a grant is not a spend', entry('led_3', 'grant', 100, at(-50)), null],
    ['an adjustment is not a spend', entry('led_3', 'adjustment', -5, at(-50)), null],
    ['a refund is not a spend', refund('led_3', 5, at(-50), {}), null],
  ])('%s', (_rule, e, expected) => {
    const result = reconcile({ generations, ledger: [e], now: TO + 60 * MIN });
    const listed = result.otherSpends.filter((s) => s.ledgerId === 'led_3');
    expect(listed).toEqual(expected ? [{ ledgerId: 'led_3', amount: e.amount, createdAt: e.createdAt, ...expected }] : []);
  });

  it('lists every other spend, oldest first, with amounts as signed on the ledger', () => {
    const result = reconcile({
      generations,
      ledger: [spend('led_b', 7, at(-20)), spend('led_a', 10, at(-99), 'gen_2')],
    });
    expect(result.otherSpends.map((s) => [s.ledgerId, s.amount])).toEqual([
      ['led_a', -10],
      ['led_b', -7],
    ]);
  });
});

describe('totals', () => {
  const old = iso(TO - 3 * 60 * MIN);
  const generations = [
    gen('gen_f1', { status: 'failed', createdAt: at(0) }),
    gen('gen_f2', { status: 'failed', createdAt: at(100) }),
    gen('gen_f3', { status: 'failed', createdAt: at(200) }),
    gen('gen_c1', { status: 'canceled', createdAt: at(300) }),
    gen('gen_s1', { status: 'processing', createdAt: old, finishedAt: null }),
    gen('gen_q1', { status: 'queued', createdAt: iso(TO - MIN), finishedAt: null }),
  ];
  const ledger = [
    spend('led_1', 40, at(0, 1), 'gen_f1'),
    spend('led_2', 30, at(100, 1), 'gen_f2'),
    refund('led_2r', 10, at(110), { generationId: 'gen_f2' }),
    spend('led_3', 20, at(200, 1), 'gen_f3'),
    refund('led_3r', 20, at(210), { refundOf: 'led_3' }),
    spend('led_4', 5, at(300, 1), 'gen_c1'),
    spend('led_5', 8, old, 'gen_s1'),
    spend('led_6', 99, iso(TO - MIN), 'gen_q1'),
  ];
  const result = reconcile({ generations, ledger });

  it.each<[string, keyof ReconciliationResult['totals'], number]>([
    ['refundDue sums the outstanding of refund_due runs only (not refunded, not in_progress)', 'refundDue', 40 + 20 + 5 + 8],
    ['failedRuns counts the runs whose status is failed (not canceled, not stuck)', 'failedRuns', 3],
    ['stuckRuns counts the stuck runs', 'stuckRuns', 1],
  ])('%s', (_rule, key, value) => {
    expect(result.totals[key]).toBe(value);
  });

  it('an empty account has zero totals', () => {
    expect(reconcile().totals).toEqual({ refundDue: 0, failedRuns: 0, stuckRuns: 0 });
  });
});

describe('ledger entries after now are ignored', () => {
  const NOW = BASE + 60 * MIN;
  it.each<[string, LedgerEntry[], { charged: number; refunded: number; spendIds: string[]; evidence: string }]>([
    ['a linked spend after now does not charge the run', [spend('led_s', 40, iso(NOW + 1), 'gen_7')], { charged: 0, refunded: 0, spendIds: [], evidence: 'none' }],
    ['a linked spend exactly at now charges the run', [spend('led_s', 40, iso(NOW), 'gen_7')], { charged: 40, refunded: 0, spendIds: ['led_s'], evidence: 'linked' }],
    [
      'a refund after now does not count',
      [spend('led_s', 40, at(0, 1), 'gen_7'), refund('led_r', 40, iso(NOW + 1), { generationId: 'gen_7' })],
      { charged: 40, refunded: 0, spendIds: ['led_s'], evidence: 'linked' },
    ],
    [
      'a linked spend after now does not keep an earlier unlinked spend from being attributed',
      [spend('led_u', 40, at(2)), spend('led_s', 40, iso(NOW + 1), 'gen_7')],
      { charged: 40, refunded: 0, spendIds: ['led_u'], evidence: 'inferred' },
    ],
  ])('%s', (_rule, ledger, expected) => {
    const run = runOf(reconcile({ generations: [gen('gen_7')], ledger, now: NOW }), 'gen_7');
    expect({ charged: run.charged, refunded: run.refunded, spendIds: run.spendIds, evidence: run.chargeEvidence }).toEqual(expected);
  });

  it('a spend after now is not in otherSpends', () => {
    const result = reconcile({ ledger: [spend('led_u', 40, iso(NOW + 1))], now: NOW });
    expect(result.otherSpends).toEqual([]);
  });
});

describe("another account's records never appear", () => {
  const generations = [
    gen('gen_7'),
    gen('gen_x1', { accountId: 'acc_2', createdAt: at(0, 30_000) }),
    gen('gen_x2', { accountId: 'acc_2', status: 'completed', finishedAt: at(0, 1) }),
  ];
  const ledger = [
    spend('led_9', 40, at(0, 1), 'gen_7'),
    spend('led_x1', 40, at(0, 2), 'gen_7', 'acc_2'), // claims our run, but is not ours
    spend('led_x2', 15, at(1), undefined, 'acc_2'),
    refund('led_x3', 40, at(5), { generationId: 'gen_7' }, 'acc_2'),
    refund('led_x4', 40, at(5), { refundOf: 'led_9' }, 'acc_2'),
    spend('led_x5', 5, at(-50), 'gen_x2', 'acc_2'),
  ];
  const result = reconcile({ generations, ledger });

  it.each<[string, string]>([
    ["another account's failed run is not examined", 'gen_x1'],
    ["another account's completed run is named nowhere", 'gen_x2'],
    ["another account's spend linked to our run does not charge it", 'led_x1'],
    ["another account's unlinked spend is not attributed", 'led_x2'],
    ["another account's refund naming our run does not count", 'led_x3'],
    ["another account's refund naming our spend does not count", 'led_x4'],
    ["another account's spend is not in otherSpends", 'led_x5'],
  ])('%s', (_rule, id) => {
    expect(JSON.stringify(result)).not.toContain(`"${id}"`);
  });

  it('our run is reconciled from our own records only', () => {
    expect(runOf(result, 'gen_7')).toMatchObject({ charged: 40, refunded: 0, outstanding: 40, verdict: 'refund_due', spendIds: ['led_9'], refundIds: [] });
    expect(result.runs).toHaveLength(1);
    expect(result.otherSpends).toEqual([]);
  });
});

describe('pass-through and serialization', () => {
  it.each<[string, Partial<ReconcileInput>, (r: ReconciliationResult) => unknown, unknown]>([
    ['balance is passed through as given (not recomputed from the ledger)', { balance: 123, ledger: [entry('led_p', 'purchase', 5, at(0))] }, (r) => r.balance, 123],
    ['account is the id and email only', { account: { id: 'acc_1', email: 'maya@example.com' } }, (r) => r.account, { id: 'acc_1', email: 'maya@example.com' }],
    ['window is serialized as ISO Z strings', {}, (r) => r.window, { from: '2026-10-25T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' }],
    ['now is serialized as an ISO Z string', { now: BASE + 1234 }, (r) => r.now, '2026-11-20T12:00:01.234Z'],
    ["a run's createdAt and finishedAt are passed through as the platform wrote them", { generations: [gen('gen_1', { createdAt: '2026-11-20T14:00:00+02:00', finishedAt: null })] }, (r) => [r.runs[0]?.createdAt, r.runs[0]?.finishedAt], ['2026-11-20T14:00:00+02:00', null]],
    ["a run's error is passed through, a missing code as null", { generations: [gen('gen_1', { error: { message: 'boom' } })] }, (r) => r.runs[0]?.error, { code: null, message: 'boom' }],
    ['a run without error has error null', { generations: [gen('gen_1')] }, (r) => r.runs[0]?.error, null],
  ])('%s', (_rule, input, pick, expected) => {
    expect(pick(reconcile(input))).toEqual(expected);
  });

  it('window and now are ISO strings ending in Z that parse back to the inputs', () => {
    const r = reconcile({ window: { from: FROM + 1, to: TO - 1 }, now: TO + 5 });
    for (const [value, ms] of [
      [r.window.from, FROM + 1],
      [r.window.to, TO - 1],
      [r.now, TO + 5],
    ] as const) {
      expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
      expect(Date.parse(value)).toBe(ms);
    }
  });
});

describe("the spec's example (reconciliation.md)", () => {
  const input: ReconcileInput = {
    account: { id: 'acc_1', email: 'maya@example.com' },
    generations: [
      {
        id: 'gen_7',
        accountId: 'acc_1',
        studio: 'video',
        prompt: 'a prism spinning in fog',
        settings: { resolution: '1080p' },
        status: 'failed',
        error: { code: 'model_timeout', message: 'The model took too long to answer.' },
        createdAt: '2026-11-20T13:00:00Z',
        finishedAt: '2026-11-20T13:05:00Z',
      },
      {
        id: 'gen_2',
        accountId: 'acc_1',
        studio: 'music',
        prompt: 'lofi loop',
        settings: {},
        status: 'completed',
        createdAt: '2026-11-18T09:00:00Z',
        finishedAt: '2026-11-18T09:01:00Z',
        libraryItemId: 'lib_2',
      },
    ],
    ledger: [
      { id: 'led_1', accountId: 'acc_1', type: 'purchase', amount: 170, createdAt: '2026-11-01T10:00:00Z' },
      { id: 'led_3', accountId: 'acc_1', type: 'spend', amount: -10, generationId: 'gen_2', createdAt: '2026-11-18T09:00:00Z' },
      { id: 'led_9', accountId: 'acc_1', type: 'spend', amount: -40, generationId: 'gen_7', createdAt: '2026-11-20T13:00:00Z' },
    ],
    balance: 120,
    window: { from: Date.parse('2026-10-25T00:00:00Z'), to: Date.parse('2026-11-24T00:00:00Z') },
    now: Date.parse('2026-11-24T00:00:00Z'),
  };

  const expected = {
    account: { id: 'acc_1', email: 'maya@example.com' },
    window: { from: '2026-10-25T00:00:00.000Z', to: '2026-11-24T00:00:00.000Z' },
    now: '2026-11-24T00:00:00.000Z',
    balance: 120,
    runs: [
      {
        generationId: 'gen_7',
        studio: 'video',
        status: 'failed',
        createdAt: '2026-11-20T13:00:00Z',
        finishedAt: '2026-11-20T13:05:00Z',
        error: { code: 'model_timeout', message: 'The model took too long to answer.' },
        stuck: false,
        charged: 40,
        refunded: 0,
        outstanding: 40,
        chargeEvidence: 'linked',
        verdict: 'refund_due',
        spendIds: ['led_9'],
        refundIds: [],
      },
    ],
    otherSpends: [{ ledgerId: 'led_3', amount: -10, createdAt: '2026-11-18T09:00:00Z', generationId: 'gen_2', studio: 'music' }],
    totals: { refundDue: 40, failedRuns: 1, stuckRuns: 0 },
  };

  it('produces exactly the JSON of the example', () => {
    expect(JSON.parse(JSON.stringify(reconcileAccount(input)))).toEqual(expected);
  });

  it('prints the keys in the order of the example', () => {
    const result = reconcileAccount(input);
    expect(Object.keys(result)).toEqual(Object.keys(expected));
    expect(Object.keys(result.runs[0] ?? {})).toEqual(Object.keys(expected.runs[0] ?? {}));
    expect(Object.keys(result.otherSpends[0] ?? {})).toEqual(Object.keys(expected.otherSpends[0] ?? {}));
    expect(Object.keys(result.totals)).toEqual(Object.keys(expected.totals));
    expect(Object.keys(result.window)).toEqual(['from', 'to']);
  });

  it('does not read the wall clock: the same input gives the same result', () => {
    expect(reconcileAccount(input)).toEqual(reconcileAccount(input));
  });
});
