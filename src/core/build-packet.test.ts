import { describe, expect, it } from 'vitest';
import { MAX_TRANSCRIPT_ENTRIES, TRANSCRIPT_GAP, buildPacket, caseKey, computeMissing, findingsFor, joinPacket, packetCaseKey } from './build-packet.ts';
import { newPacketRef } from './packet-ref.ts';
import type { ReconciledRun, ReconciliationResult } from './reconcile-account.ts';
import { Packet, Report } from './support-packet.ts';
import type { ReportInput } from './support-packet.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');

function run(generationId: string, overrides: Partial<ReconciledRun>): ReconciledRun {
  return {
    generationId,
    studio: 'image',
    status: 'failed',
    createdAt: '2026-11-20T14:05:00+01:00',
    finishedAt: '2026-11-20T14:15:03+01:00',
    error: { code: 'upstream_timeout', message: 'Generation failed: the renderer timed out.' },
    stuck: false,
    charged: 0,
    refunded: 0,
    outstanding: 0,
    chargeEvidence: 'none',
    verdict: 'not_charged',
    spendIds: [],
    refundIds: [],
    ...overrides,
  };
}

/** Four runs of Mara's: two with refunds due (40 and 12), one refunded, one never charged. */
const reconciliation: ReconciliationResult = {
  account: { id: 'acc_mara', email: 'mara.klein@example.com' },
  window: { from: '2026-10-27T12:00:00.000Z', to: '2026-11-26T12:00:00.000Z' },
  now: '2026-11-26T12:00:00.000Z',
  balance: 420,
  runs: [
    run('gen_stuck', { studio: 'storyboard', status: 'processing', finishedAt: null, error: null, stuck: true, charged: 12, outstanding: 12, chargeEvidence: 'linked', verdict: 'refund_due', spendIds: ['led_s9'] }),
    run('gen_refunded', { studio: 'music', status: 'canceled', error: null, charged: 10, refunded: 10, chargeEvidence: 'linked', verdict: 'refunded', spendIds: ['led_s5'], refundIds: ['led_r1'] }),
    run('gen_failed', { charged: 40, outstanding: 40, chargeEvidence: 'linked', verdict: 'refund_due', spendIds: ['led_s2'] }),
    run('gen_free', { studio: 'video' }),
  ],
  otherSpends: [],
  totals: { refundDue: 52, failedRuns: 2, stuckRuns: 1 },
};

function report(input: Partial<ReportInput> = {}): Report {
  return Report.parse({ channel: 'widget', accountEmail: 'mara.klein@example.com', verified: true, ...input });
}

const complete: Partial<ReportInput> = {
  studio: 'image',
  prompt: 'festival poster, neon koi, 4k',
  occurredAt: '2026-11-20T13:05:00.000Z',
  generationIds: ['gen_failed'],
};

describe('computeMissing', () => {
  it('lists what is unknown in the order it is asked for', () => {
    expect(computeMissing({ accountEmail: null, studio: null, prompt: null, occurredAt: null })).toEqual(['accountEmail', 'studio', 'prompt', 'timestamp']);
    expect(computeMissing({ accountEmail: 'a@example.com', studio: null, prompt: 'koi', occurredAt: null })).toEqual(['studio', 'timestamp']);
    expect(computeMissing({ accountEmail: null, studio: 'music', prompt: null, occurredAt: '2026-11-20T13:05:00Z' })).toEqual(['accountEmail', 'prompt']);
    expect(computeMissing({ accountEmail: 'a@example.com', studio: 'video', prompt: 'koi', occurredAt: '2026-11-20T13:05:00Z' })).toEqual([]);
  });

  it('counts an empty prompt or email as unknown', () => {
    expect(computeMissing({ accountEmail: '', studio: 'image', prompt: '', occurredAt: '2026-11-20T13:05:00Z' })).toEqual(['accountEmail', 'prompt']);
  });
});

describe('caseKey', () => {
  it('is the lowercase email and the sorted, distinct runs', () => {
    expect(caseKey('Mara.Klein@Example.com', ['gen_m4', 'gen_m2', 'gen_m4'])).toEqual({ accountKey: 'mara.klein@example.com', runsKey: 'gen_m2,gen_m4' });
    expect(caseKey(null, [])).toEqual({ accountKey: '', runsKey: '' });
  });
});

describe('packetCaseKey', () => {
  it("is the account's case only for a verified sender", () => {
    const runs = ['gen_m4', 'gen_m2'];
    expect(packetCaseKey({ accountEmail: 'Mara.Klein@Example.com', verified: true, generationIds: runs })).toEqual({ accountKey: 'mara.klein@example.com', runsKey: 'gen_m2,gen_m4' });
    expect(packetCaseKey({ accountEmail: 'Mara.Klein@Example.com', verified: false, generationIds: runs })).toEqual({ accountKey: '', runsKey: 'gen_m2,gen_m4' });
  });
});

describe('findingsFor', () => {
  it("keeps only the case's runs and sums their refunds due", () => {
    const findings = findingsFor(reconciliation, ['gen_failed', 'gen_refunded']);
    expect(findings.runs.map((r) => r.generationId)).toEqual(['gen_refunded', 'gen_failed']);
    expect(findings.refundDue).toBe(40);
    expect(findings.totals).toEqual({ refundDue: 40, failedRuns: 1, stuckRuns: 0 });
    expect(findings.balance).toBe(420);
  });

  it('adds up several runs with refunds due, and is zero for runs with nothing due', () => {
    expect(findingsFor(reconciliation, ['gen_failed', 'gen_stuck']).refundDue).toBe(52);
    expect(findingsFor(reconciliation, ['gen_refunded', 'gen_free'])).toMatchObject({ refundDue: 0, totals: { refundDue: 0, failedRuns: 1, stuckRuns: 0 } });
    expect(findingsFor(reconciliation, ['gen_elsewhere'])).toMatchObject({ runs: [], refundDue: 0 });
  });
});

describe('buildPacket', () => {
  it('builds a complete, open packet with findings for a verified report', () => {
    const packet = buildPacket(report({ ...complete, stepsTried: ['checked_credits', 'retry', 'retry'] }), reconciliation, { ref: 'PKT-ABC234', now: NOW });

    expect(Packet.safeParse(packet).success).toBe(true);
    expect(packet).toMatchObject({
      ref: 'PKT-ABC234',
      channel: 'widget',
      accountEmail: 'mara.klein@example.com',
      verified: true,
      generationIds: ['gen_failed'],
      stepsTried: ['retry', 'checked_credits'],
      missing: [],
      status: 'open',
      createdAt: '2026-11-26T12:00:00.000Z',
    });
    expect(packet.findings?.refundDue).toBe(40);
    expect(packet.findings?.runs.map((r) => r.generationId)).toEqual(['gen_failed']);
  });

  it('gives an unverified report no findings, even when a reconciliation is at hand', () => {
    const packet = buildPacket(report({ ...complete, verified: false }), reconciliation, { ref: 'PKT-ABC234', now: NOW });
    expect(packet.findings).toBeNull();
    expect(packet.verified).toBe(false);
  });

  it('names what is missing and waits on the user until it is known', () => {
    const packet = buildPacket(report({ accountEmail: null, verified: false, prompt: 'koi' }), null, { ref: 'PKT-ABC234', now: NOW });
    expect(packet.missing).toEqual(['accountEmail', 'studio', 'timestamp']);
    expect(packet.status).toBe('needs_info');
  });

  it('sorts and de-duplicates the runs, so that the same case has one key', () => {
    const packet = buildPacket(report({ ...complete, generationIds: ['gen_stuck', 'gen_failed', 'gen_stuck'] }), reconciliation, { ref: 'PKT-ABC234', now: NOW });
    expect(packet.generationIds).toEqual(['gen_failed', 'gen_stuck']);
    expect(packet.findings?.refundDue).toBe(52);
  });

  it('masks card numbers and passwords in the transcript and the prompt', () => {
    const packet = buildPacket(
      report({
        ...complete,
        prompt: 'poster; my password is hunter2',
        transcript: [{ from: 'user', text: 'Charge it to 4111 1111 1111 1111 please', at: '2026-11-26T11:59:00.000Z' }],
      }),
      reconciliation,
      { ref: 'PKT-ABC234', now: NOW },
    );
    expect(packet.prompt).toBe('poster; my password is [masked]');
    expect(packet.transcript).toEqual([{ from: 'user', text: 'Charge it to [card ending 1111] please', at: '2026-11-26T11:59:00.000Z' }]);
  });
});

describe('joinPacket', () => {
  const first = buildPacket(
    report({
      channel: 'widget',
      generationIds: ['gen_failed'],
      stepsTried: ['simplify'],
      prompt: 'festival poster, neon koi, 4k',
      transcript: [{ from: 'user', text: 'my poster failed', at: '2026-11-26T11:59:00.000Z' }],
    }),
    reconciliation,
    { ref: 'PKT-FIRST1', now: NOW },
  );

  it('fills the gaps, keeps what was known, and keeps ref, channel and creation time', () => {
    const joined = joinPacket(
      first,
      report({
        channel: 'email',
        studio: 'image',
        prompt: 'a different wording of the prompt',
        occurredAt: '2026-11-20T13:05:00.000Z',
        errorMessage: 'Generation failed: the renderer timed out.',
        timezone: 'Europe/Berlin',
        generationIds: ['gen_failed'],
      }),
      reconciliation,
    );

    expect(joined).toMatchObject({
      ref: 'PKT-FIRST1',
      channel: 'widget',
      createdAt: first.createdAt,
      studio: 'image',
      prompt: 'festival poster, neon koi, 4k',
      occurredAt: '2026-11-20T13:05:00.000Z',
      errorMessage: 'Generation failed: the renderer timed out.',
      timezone: 'Europe/Berlin',
      missing: [],
    });
  });

  it('keeps a case written to hundreds of times within 200 transcript entries: the first ones, a note, the latest', () => {
    let packet = first;
    for (let i = 0; i < 350; i++) {
      const at = new Date(Date.parse('2026-11-26T12:00:00.000Z') + i * 60_000).toISOString();
      packet = joinPacket(packet, report({ generationIds: ['gen_failed'], transcript: [{ from: 'user', text: `message ${i}`, at }] }), reconciliation);
      expect(packet.transcript.length).toBeLessThanOrEqual(MAX_TRANSCRIPT_ENTRIES);
    }
    const texts = packet.transcript.map((e) => e.text);
    expect(texts.slice(0, 3)).toEqual(['my poster failed', 'message 0', 'message 1']);
    expect(texts.filter((t) => t === TRANSCRIPT_GAP)).toHaveLength(1);
    expect(texts.at(-1)).toBe('message 349');
    expect(texts.slice(-179)).toEqual(Array.from({ length: 179 }, (_, k) => `message ${171 + k}`));
  });

  it('turns a packet waiting on the user open once nothing is missing', () => {
    expect(first.status).toBe('needs_info');
    const stillMissing = joinPacket(first, report({ studio: 'image', generationIds: ['gen_failed'] }), reconciliation);
    expect(stillMissing).toMatchObject({ status: 'needs_info', missing: ['timestamp'] });

    const complete = joinPacket(stillMissing, report({ occurredAt: '2026-11-20T13:05:00.000Z', generationIds: ['gen_failed'] }), reconciliation);
    expect(complete).toMatchObject({ status: 'open', missing: [] });
  });

  it('leaves a refunded or resolved packet as it is', () => {
    const refunded = { ...first, status: 'refunded' as const };
    expect(joinPacket(refunded, report({ ...complete }), reconciliation).status).toBe('refunded');
  });

  it('unions the steps in their canonical order and appends the masked transcript', () => {
    const joined = joinPacket(
      first,
      report({
        generationIds: ['gen_failed'],
        stepsTried: ['checked_credits', 'retry', 'simplify'],
        transcript: [{ from: 'user', text: 'card 5500-0000-0000-0004, still nothing', at: '2026-11-27T08:30:00.000Z' }],
      }),
      reconciliation,
    );
    expect(joined.stepsTried).toEqual(['retry', 'simplify', 'checked_credits']);
    expect(joined.transcript).toEqual([
      { from: 'user', text: 'my poster failed', at: '2026-11-26T11:59:00.000Z' },
      { from: 'user', text: 'card [card ending 0004], still nothing', at: '2026-11-27T08:30:00.000Z' },
    ]);
  });

  it('does not add the same transcript entries twice when a conversation is filed again', () => {
    const again = joinPacket(
      first,
      report({
        generationIds: ['gen_failed'],
        transcript: [
          { from: 'user', text: 'my poster failed', at: '2026-11-26T11:59:00.000Z' },
          { from: 'user', text: 'it was the 4k one', at: '2026-11-26T12:01:00.000Z' },
        ],
      }),
      reconciliation,
    );
    expect(again.transcript.map((t) => t.text)).toEqual(['my poster failed', 'it was the 4k one']);
    // The same words at another time are a new message.
    const later = joinPacket(again, report({ generationIds: ['gen_failed'], transcript: [{ from: 'user', text: 'my poster failed', at: '2026-11-27T09:00:00.000Z' }] }), reconciliation);
    expect(later.transcript).toHaveLength(3);
  });

  it('brings the findings up to date, and keeps them when the new report is unverified', () => {
    const refundedSince: ReconciliationResult = {
      ...reconciliation,
      runs: reconciliation.runs.map((r) => (r.generationId === 'gen_failed' ? { ...r, refunded: 40, outstanding: 0, verdict: 'refunded' } : r)),
    };
    expect(joinPacket(first, report({ generationIds: ['gen_failed'] }), refundedSince).findings?.refundDue).toBe(0);

    const unverified = joinPacket(first, report({ verified: false, generationIds: ['gen_failed'] }), null);
    expect(unverified.findings).toEqual(first.findings);
    expect(unverified.verified).toBe(true);
  });

  it('answers a packet the schema accepts, with a creation time that does not move', () => {
    const joined = joinPacket(first, report({ ...complete, channel: 'slack' }), reconciliation);
    expect(Packet.safeParse(joined).success).toBe(true);
    expect(joined.createdAt).toBe(new Date(NOW).toISOString());
  });
});

describe('newPacketRef', () => {
  it('has the form of support-packet.md', () => {
    for (let i = 0; i < 100; i++) expect(newPacketRef()).toMatch(/^PKT-[A-Z0-9]{6,10}$/);
  });

  it('never repeats in 10,000 refs', () => {
    const refs = new Set(Array.from({ length: 10_000 }, () => newPacketRef()));
    expect(refs.size).toBe(10_000);
  });

  it('draws from the random source it is given', () => {
    const asked: number[] = [];
    const counting = (n: number) => {
      asked.push(n);
      return Uint8Array.from({ length: n }, (_, i) => i);
    };
    expect(newPacketRef(counting)).toBe('PKT-ABCDEFGHJK');
    expect(newPacketRef((n) => new Uint8Array(n).fill(31))).toBe('PKT-9999999999');
    expect(newPacketRef((n) => new Uint8Array(n).fill(255))).toBe('PKT-9999999999');
    expect(asked).toEqual([10]);
  });

  it('leaves out letters and digits that are easily confused (I, O, 0, 1)', () => {
    const every = newPacketRef(() => Uint8Array.from({ length: 32 }, (_, i) => i)).slice(4);
    expect(every).toHaveLength(32);
    expect(every).not.toMatch(/[IO01]/);
    expect(new Set(every).size).toBe(32);
  });
});
