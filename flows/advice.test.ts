import { describe, expect, it } from 'vitest';
import type { OtherSpend, ReconciledRun, ReconciliationResult } from '../src/core/reconcile-account.ts';
import { isLongPrompt, lowerResolution, nearbySpends, runsToPresent } from './advice.ts';
import { formatCredits, formatWhen, runLabel, withArticle } from './format.ts';
import { findingsMore, findingsText as factsText, retryAdvice as retry, retryMore, simplifyAdvice } from './replies.ts';
import { BERLIN, findings, runs } from './test-fakes.ts';

/** The findings with their details (a tap away in the chat): the runs' facts, the spends around them, the balance. */
function findingsText(result: ReconciliationResult, ids: readonly string[], zone: string): string {
  const shown = runsToPresent(result, ids);
  return `${factsText(shown, zone, result.now)} ${findingsMore(nearbySpends(result, shown), result.balance, zone, result.now)}`;
}
const retryAdvice = (run: Parameters<typeof retry>[0]) => retry(run, { stuck: false, due: 0 });

const gen7 = findings.runs[0] as ReconciledRun;
const withRun = (run: Partial<ReconciledRun>, otherSpends = findings.otherSpends) => ({ ...findings, runs: [{ ...gen7, ...run }], otherSpends });

describe('findings in plain words (Europe/Berlin)', () => {
  it.each<[string, Partial<ReconciledRun>, string]>([
    ['refund due', {}, 'Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you.'],
    ['partly refunded', { refunded: 10, outstanding: 30 }, 'failed and was charged 40 credits; 10 credits came back already, so 30 credits are due back to you.'],
    ['refunded', { refunded: 40, outstanding: 0, verdict: 'refunded' }, 'Your Video Studio run at 14:05 failed; the 40 credits it cost were already refunded, so nothing is due.'],
    ['not charged', { charged: 0, outstanding: 0, verdict: 'not_charged', chargeEvidence: 'none' }, 'Your Video Studio run at 14:05 failed, and no credits were charged for it.'],
    ['stuck', { status: 'processing', stuck: true }, 'got stuck and was charged 40 credits: that is due back to you.'],
    ['canceled, inferred charge', { status: 'canceled', chargeEvidence: 'inferred' }, 'was canceled and was charged 40 credits (the charge isn’t labelled with the run, but it was made when the run ended): that is due back'],
    ['in progress', { status: 'processing', verdict: 'in_progress', charged: 0, outstanding: 0 }, 'Your Video Studio run at 14:05 is still in progress, so nothing is settled yet; if it completes, it lands in the Library.'],
  ])('%s', (_, run, sentence) => {
    expect(findingsText(withRun(run), ['gen_7'], BERLIN)).toContain(sentence);
  });

  // gen_7 ran 13:05–13:07 UTC (14:05–14:07 in Berlin): "around then" is 11:05 to 15:07 UTC.
  const spend = (ledgerId: string, createdAt: string, amount: number, studio: OtherSpend['studio'] = null): OtherSpend => ({
    ledgerId, amount, createdAt, generationId: studio ? `gen_${ledgerId}` : null, studio,
  });

  it('explains a balance drop with the spends of the shared pool around the run only', () => {
    const spends = [
      spend('led_old', '2026-11-23T10:00:00.000Z', -4, 'image'), // the day before
      spend('led_12', '2026-11-24T12:00:00.000Z', -5),
      ...findings.otherSpends, // Music Studio at 13:12 UTC
      spend('led_late', '2026-11-24T15:30:00.000Z', -7, 'video'), // more than 2 h after it ended
      spend('led_month', '2026-11-02T09:00:00.000Z', -30, 'storyboard'),
    ];
    const text = findingsText(withRun({}, spends), ['gen_7'], BERLIN);
    expect(text).toContain(
      'Other spends from your shared credit pool around then: a charge at 13:00 not tied to a run used 5 credits; a Music Studio run at 14:12, maybe in another tab, used 10 credits.',
    );
    expect(text).not.toMatch(/Mon 23 Nov|4 credits|7 credits|30 credits|more/);
    expect(text).toContain('Your balance is 120 credits.');
  });

  it.each<[string, string, boolean]>([
    ['exactly 2 h before the run started', '2026-11-24T11:05:00.000Z', true],
    ['just over 2 h before it started', '2026-11-24T11:04:59.000Z', false],
    ['exactly 2 h after it ended', '2026-11-24T15:07:00.000Z', true],
    ['just over 2 h after it ended', '2026-11-24T15:07:01.000Z', false],
    ['while it ran', '2026-11-24T13:06:00.000Z', true],
  ])('a spend %s is %s mentioned', (_, createdAt, mentioned) => {
    const text = findingsText(withRun({}, [spend('led_x', createdAt, -3, 'music')]), ['gen_7'], BERLIN);
    expect(text.includes('3 credits')).toBe(mentioned);
    expect(text.includes('Other spends')).toBe(mentioned);
  });

  it('measures from the start of a run that has not ended', () => {
    const stuck = { status: 'processing', stuck: true, finishedAt: null } as const;
    expect(findingsText(withRun(stuck, [spend('led_x', '2026-11-24T15:04:00.000Z', -3, 'music')]), ['gen_7'], BERLIN)).toContain('3 credits');
    expect(findingsText(withRun(stuck, [spend('led_x', '2026-11-24T15:06:00.000Z', -3, 'music')]), ['gen_7'], BERLIN)).not.toContain('3 credits');
  });

  it('counts only the nearby spends it leaves out', () => {
    const near = ['11:30', '12:00', '13:00', '14:00', '15:00'].map((t) => spend(`led_${t}`, `2026-11-24T${t}:00.000Z`, -2));
    const far = Array.from({ length: 10 }, (_, i) => spend(`led_far_${i}`, `2026-11-1${i}T09:00:00.000Z`, -2));
    expect(findingsText(withRun({}, [...far, ...near]), ['gen_7'], BERLIN)).toMatch(/; 2 more\./);
  });

  it('mentions no other spend when no run was found to anchor them', () => {
    expect(findingsText({ ...findings, runs: [] }, [], BERLIN)).not.toContain('Other spends');
  });

  it.each<[OtherSpend['studio'], string]>([
    ['image', 'an Image Studio run at 14:20'],
    ['video', 'a Video Studio run at 14:20'],
    ['music', 'a Music Studio run at 14:20'],
    ['storyboard', 'a Storyboard Studio run at 14:20'],
  ])('names a %s spend with the right article', (studio, words) => {
    expect(findingsText(withRun({}, [spend('led_x', '2026-11-24T13:20:00.000Z', -4, studio)]), ['gen_7'], BERLIN)).toContain(
      `around then: ${words}, maybe in another tab, used 4 credits.`,
    );
  });

  it('says when no problem run was found', () => {
    expect(findingsText({ ...findings, runs: [], otherSpends: [] }, [], BERLIN)).toBe(
      'I found no failed or stuck run in your account’s history around then. One shared credit pool covers every studio, so a run in another tab can change your balance too. Your balance is 120 credits.',
    );
  });
});

describe('retry and simplify advice', () => {
  const facts = (run: (typeof runs)[keyof typeof runs]) => ({ studio: run.studio, prompt: run.prompt, settings: run.settings, errorMessage: run.error?.message ?? null });

  it('tells video and high-resolution runs that they take longer, a tap away', () => {
    expect(retryMore(facts(runs.failed4k))).toMatch(/take longer/);
    expect(retryMore({ ...facts(runs.withRefs), settings: { resolution: '2048x2048' } })).toMatch(/take longer/);
    expect(retryMore(facts(runs.withRefs))).not.toMatch(/take longer/);
  });

  it('says in under 300 characters that a failed run costs nothing, and what a charged one is owed', () => {
    const plain = retryAdvice(facts(runs.failed4k));
    expect(plain).toContain('Failed runs cost nothing; you pay only when one completes.');
    const charged = retry(facts(runs.failed4k), { stuck: false, due: 40 });
    expect(charged).toContain('This one was charged 40 credits anyway: that is due back to you.');
    for (const text of [plain, charged]) expect(text.length).toBeLessThan(300);
  });

  it('never says "failed again" of a stuck run', () => {
    expect(retry(facts(runs.stuck), { stuck: true, due: 0 })).toMatch(/^Then start it again.*never finishes costs nothing/);
    expect(simplifyAdvice(facts(runs.stuck), { stuck: true })).toMatch(/^Since it’s still stuck, change one thing/);
    expect(simplifyAdvice(facts(runs.stuck))).toMatch(/^Since it failed again/);
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
    expect(withArticle('Image Studio')).toBe('an Image Studio');
    expect(withArticle('Music Studio')).toBe('a Music Studio');
  });
});
