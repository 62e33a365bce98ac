import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { bucketCounts, writeExposition } from './exposition.ts';

describe('the exposition writer', () => {
  it('writes what a Prometheus text parser reads back: help, type, labels escaped, cumulative buckets', () => {
    const text = writeExposition([
      { name: 'desk_things_total', help: 'Things, with a \\ and a\nnew line.', type: 'counter', samples: [{ labels: { kind: 'a "quoted"\\one\n' }, value: 3 }] },
      { name: 'desk_level', help: 'A level.', type: 'gauge', samples: [{ value: 0.5 }] },
      { name: 'desk_wait_seconds', help: 'Waits.', type: 'histogram', samples: [{ ...bucketCounts([1, 5], [0.5, 2, 3, 9]) }] },
    ]);
    expect(text).toContain('desk_things_total{kind="a \\"quoted\\"\\\\one\\n"} 3\n');
    expect(text).toContain('# HELP desk_things_total Things, with a \\\\ and a\\nnew line.\n');
    const parsed = parsePrometheusTextFormat(text);
    expect(parsed).toEqual([
      { name: 'desk_things_total', help: 'Things, with a \\ and a\nnew line.', type: 'COUNTER', metrics: [{ value: '3', labels: { kind: 'a "quoted"\\one\n' } }] },
      { name: 'desk_level', help: 'A level.', type: 'GAUGE', metrics: [{ value: '0.5' }] },
      { name: 'desk_wait_seconds', help: 'Waits.', type: 'HISTOGRAM', metrics: [{ buckets: { '1': '1', '5': '3', '+Inf': '4' }, count: '4', sum: '14.5' }] },
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses names Prometheus would refuse, a family twice, and bounds that do not increase', () => {
    const value = (name: string) => ({ name, help: 'x', type: 'gauge' as const, samples: [{ value: 1 }] });
    expect(() => writeExposition([value('desk-things')])).toThrow(/invalid metric name/);
    expect(() => writeExposition([value('1desk')])).toThrow(/invalid metric name/);
    expect(() => writeExposition([value('desk_a'), value('desk_a')])).toThrow(/twice/);
    expect(() => writeExposition([{ ...value('desk_a'), samples: [{ labels: { 'bad-name': 'x' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => writeExposition([{ ...value('desk_a'), samples: [{ labels: { __reserved: 'x' }, value: 1 }] }])).toThrow(/label name/);
    const histogram = { name: 'desk_h', help: 'x', type: 'histogram' as const, samples: [{ buckets: [{ le: 5, count: 1 }, { le: 1, count: 1 }], over: 0, sum: 1 }] };
    expect(() => writeExposition([histogram])).toThrow(/increase/);
  });

  it('writes infinities and NaN as Prometheus spells them', () => {
    const text = writeExposition([
      { name: 'desk_x', help: 'x', type: 'gauge', samples: [{ labels: { v: 'inf' }, value: Number.POSITIVE_INFINITY }, { labels: { v: 'nan' }, value: Number.NaN }] },
    ]);
    expect(text).toContain('desk_x{v="inf"} +Inf\n');
    expect(text).toContain('desk_x{v="nan"} NaN\n');
  });
});
