import { describe, expect, it } from 'vitest';
import { median, periodFigures } from './dashboard-figures.ts';
import type { CaseActivity } from './metrics-store.ts';
import { MetricsPage, duration } from './metrics-page.tsx';

const DAY = 86_400_000;
const until = Date.parse('2026-11-24T00:00:00.000Z');
const since = until - 7 * DAY;
const at = (days: number, hours = 0) => since + days * DAY + hours * 3_600_000;

/** A week: four conversations (two self-served, one handed off, one still going), three packets, three refunds, six failed runs. */
const week: CaseActivity = {
  conversations: [
    { startedAt: at(0, 9), outcome: 'resolved', packetRef: null },
    { startedAt: at(1, 9), outcome: 'resolved', packetRef: null },
    { startedAt: at(1, 10), outcome: 'handed_off', packetRef: 'PKT-AAAAAA' },
    { startedAt: at(6, 23), outcome: null, packetRef: null },
  ],
  packets: [
    { ref: 'PKT-AAAAAA', createdAt: at(1, 10), firstStaffResponseAt: at(1, 10) + 600_000, resolvedAt: at(1, 12) },
    { ref: 'PKT-BBBBBB', createdAt: at(2), firstStaffResponseAt: at(2) + 1_800_000, resolvedAt: at(2) + 1_800_000 },
    { ref: 'PKT-CCCCCC', createdAt: at(3), firstStaffResponseAt: null, resolvedAt: at(3) },
  ],
  failures: [
    { studio: 'video', errorCode: 'model_timeout', errorMessage: 'Generation failed: model timeout', charged: true },
    { studio: 'video', errorCode: 'model_timeout', errorMessage: 'Generation failed: model timeout', charged: true },
    { studio: 'video', errorCode: 'model_timeout', errorMessage: 'other words, same code', charged: false },
    { studio: 'music', errorCode: null, errorMessage: 'Render failed on worker w-17', charged: true },
    { studio: 'music', errorCode: null, errorMessage: 'Render failed on worker w-4', charged: false },
    { studio: 'image', errorCode: 'capacity', errorMessage: 'Something went wrong', charged: false },
  ],
  refunds: [
    { at: at(1, 12), by: 'staff', credits: 40 },
    { at: at(3), by: 'auto', credits: 12 },
    { at: at(3, 1), by: 'auto', credits: 8 },
  ],
};

describe('the console’s metrics figures', () => {
  it('computes every figure of the page from a week of cases', () => {
    const f = periodFigures(week, { since, until });
    expect(f.days).toBe(7);
    expect(f.conversations).toEqual({ started: 4, ended: 3, selfServed: 2 });
    expect(f.selfServiceRate).toBeCloseTo(2 / 3);
    expect(f.failedRuns).toEqual({ total: 6, charged: 3 });
    expect(f.chargedForFailureRate).toBe(0.5);
    expect(f.refunds).toEqual({ auto: { count: 2, credits: 20 }, staff: { count: 1, credits: 40 }, total: { count: 3, credits: 60 } });
    // First responses: 600 s and 1,800 s (one packet had none); resolutions: 7,200 s, 1,800 s and 0 s.
    expect(f.medianFirstStaffResponseSeconds).toBe(1200);
    expect(f.medianResolutionSeconds).toBe(1800);
    expect(f.topFailureClusters).toEqual([
      { studio: 'video', error: 'model_timeout', runs: 3, charged: 2 },
      { studio: 'music', error: 'Render failed on worker w-17', runs: 2, charged: 1 },
      { studio: 'image', error: 'capacity', runs: 1, charged: 0 },
    ]);
    expect(f.daily.map((d) => [d.day, d.conversations, d.selfServed, d.packets, d.refundedCredits])).toEqual([
      ['2026-11-17', 1, 1, 0, 0],
      ['2026-11-18', 2, 1, 1, 40],
      ['2026-11-19', 0, 0, 1, 0],
      ['2026-11-20', 0, 0, 1, 20],
      ['2026-11-21', 0, 0, 0, 0],
      ['2026-11-22', 0, 0, 0, 0],
      ['2026-11-23', 1, 0, 0, 0],
    ]);
  });

  it('answers no rate and no median for an empty period, not zero', () => {
    const f = periodFigures({ conversations: [], packets: [], failures: [], refunds: [] }, { since, until });
    expect([f.selfServiceRate, f.chargedForFailureRate, f.medianFirstStaffResponseSeconds, f.medianResolutionSeconds]).toEqual([null, null, null, null]);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('renders the page on the server: the figures, two SVG charts a period, the clusters escaped', async () => {
    const f = periodFigures(
      { ...week, failures: [{ studio: 'video', errorCode: null, errorMessage: '<script>alert(1)</script>', charged: true }] },
      { since, until },
    );
    const html = String(await MetricsPage({ week: f, month: { ...f, days: 30 } })?.toString());
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('<h2>Last 7 days</h2>');
    expect(html).toContain('<h2>Last 30 days</h2>');
    expect(html).toContain('67 %');
    expect(html).toContain('3 refunds, 60 credits');
    expect(html).toContain(duration(1200));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect([duration(45), duration(1200), duration(7200), duration(3 * 86400)]).toEqual(['45 s', '20 min', '2.0 h', '3.0 days']);
  });
});
