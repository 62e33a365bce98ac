import { describe, expect, it } from 'vitest';
import type { ReconciledRun } from '../src/core/reconcile-account.ts';
import { findingsText, isLongPrompt, lowerResolution, retryAdvice, simplifyAdvice } from './advice.ts';
import { formatCredits, formatWhen, runLabel } from './format.ts';
import { BERLIN, findings, runs } from './test-fakes.ts';

const gen7 = findings.runs[0] as ReconciledRun;
const withRun = (run: Partial<ReconciledRun>, otherSpends = findings.otherSpends) => ({ ...findings, runs: [{ ...gen7, ...run }], otherSpends });

describe('findings in plain words (Europe/Berlin)', () => {
  it.each<[string, Partial<ReconciledRun>, string]>([
    ['refund due', {}, 'Your Video Studio run at 14:05 cost 40 credits and failed — you should not have been charged. 40 credits are due back to you.'],
    ['partly refunded', { refunded: 10, outstanding: 30 }, 'cost 40 credits and failed — you should not have been charged. 10 credits of it came back already, so 30 credits are due back to you.'],
    ['refunded', { refunded: 40, outstanding: 0, verdict: 'refunded' }, 'Your Video Studio run at 14:05 failed; the 40 credits it cost were already refunded, so nothing is due.'],
    ['not charged', { charged: 0, outstanding: 0, verdict: 'not_charged', chargeEvidence: 'none' }, 'Your Video Studio run at 14:05 failed, and no credits were charged for it.'],
    ['stuck', { status: 'processing', stuck: true }, 'cost 40 credits and got stuck — you should not have been charged.'],
    ['canceled, inferred charge', { status: 'canceled', chargeEvidence: 'inferred' }, 'cost 40 credits (the charge isn’t labelled with the run, but it was made when the run ended) and was canceled'],
    ['in progress', { status: 'processing', verdict: 'in_progress', charged: 0, outstanding: 0 }, 'Your Video Studio run at 14:05 is still in progress, so nothing is settled yet; if it completes, it lands in the Library.'],
  ])('%s', (_, run, sentence) => {
    expect(findingsText(withRun(run), ['gen_7'], BERLIN)).toContain(sentence);
  });

  it('explains a balance drop with other spends of the shared pool', () => {
    const text = findingsText(withRun({}, [...findings.otherSpends, { ledgerId: 'led_4', amount: -5, createdAt: '2026-11-23T10:00:00.000Z', generationId: null, studio: null }]), ['gen_7'], BERLIN);
    expect(text).toContain('Other spends from your shared credit pool around then: a charge at Mon 23 Nov 11:00 not tied to a run used 5 credits; a Music Studio run at 14:12, maybe in another tab, used 10 credits.');
    expect(text).toContain('Your balance is 120 credits.');
  });

  it('says when no problem run was found', () => {
    expect(findingsText({ ...findings, runs: [], otherSpends: [] }, [], BERLIN)).toBe(
      'I found no failed or stuck run in your account’s history around then. Your balance is 120 credits.',
    );
  });
});

describe('retry and simplify advice', () => {
  const facts = (run: (typeof runs)[keyof typeof runs]) => ({ studio: run.studio, prompt: run.prompt, settings: run.settings, errorMessage: run.error?.message ?? null });

  it('tells video and high-resolution runs that they take longer', () => {
    expect(retryAdvice(facts(runs.failed4k))).toMatch(/take longer/);
    expect(retryAdvice({ ...facts(runs.withRefs), settings: { resolution: '2048x2048' } })).toMatch(/take longer/);
    expect(retryAdvice(facts(runs.withRefs))).not.toMatch(/take longer/);
  });

  it.each([
    ['4k', '1080p'], ['2160p', '1080p'], ['1080p', '720p'], ['2048x2048', '1024x1024'], ['1920x1080', '1280x720'], ['720p', null], ['1024x1024', null], [undefined, null],
  ])('lowers %s to %s', (from, to) => {
    expect(lowerResolution(from)).toBe(to);
  });

  it('prefers resolution, then reference images, then a long prompt', () => {
    expect(simplifyAdvice({ ...facts(runs.withRefs), settings: { resolution: '1080p', referenceImages: 1 } })).toMatch(/from 1080p to 720p/);
    expect(simplifyAdvice({ ...facts(runs.withRefs), settings: { referenceImages: 1 } })).toMatch(/remove the reference image,/);
    expect(isLongPrompt('word '.repeat(31))).toBe(true);
    expect(isLongPrompt('x'.repeat(201))).toBe(true);
    expect(isLongPrompt(runs.failed4k.prompt)).toBe(false);
  });
});

describe('format', () => {
  it('shows times in the user’s zone, with the day when it is not the reference day', () => {
    expect(formatWhen('2026-11-24T13:05:00Z', BERLIN, '2026-11-24T22:00:00Z')).toBe('14:05');
    expect(formatWhen('2026-11-24T13:05:00Z', BERLIN, '2026-11-24T23:30:00Z')).toBe('Tue 24 Nov 14:05');
    expect(formatWhen('2026-11-24T13:05:00Z', 'America/New_York')).toBe('08:05');
    expect(formatWhen('2026-11-24T13:05:00Z', 'Not/AZone')).toBe('13:05');
  });

  it('labels runs and credit amounts', () => {
    expect(runLabel(runs.failed4k, BERLIN)).toBe('Video Studio · 14:05 · failed');
    expect(formatCredits(-10)).toBe('10 credits');
    expect(formatCredits(1)).toBe('1 credit');
  });
});
