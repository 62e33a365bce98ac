import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the prefix, 9 characters of time and 20 random characters of one 32-letter alphabet', () => {
    expect(newId('out')).toMatch(/^out_[0-9a-hjkmnp-tv-z]{29}$/);
  });

  it('sorts by the time it was made, whatever its random part', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00.000Z') });
    const earlier = Array.from({ length: 50 }, () => newId('msg'));
    vi.setSystemTime(Date.parse('2026-11-24T10:00:00.001Z'));
    const later = Array.from({ length: 50 }, () => newId('msg'));
    for (const a of earlier) for (const b of later) expect(a < b).toBe(true);
    // Across a carry in the time part too (…z → next digit), and years apart.
    vi.setSystemTime(31);
    const beforeCarry = newId('x');
    vi.setSystemTime(32);
    expect(beforeCarry < newId('x')).toBe(true);
    vi.setSystemTime(Date.parse('2099-01-01T00:00:00Z'));
    expect(later.every((id) => id < newId('msg'))).toBe(true);
  });

  it('never repeats within one millisecond: the random part differs', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00.000Z') });
    const ids = Array.from({ length: 10_000 }, () => newId('conv'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 'conv_'.length + 9))).size).toBe(1);
  });
});
