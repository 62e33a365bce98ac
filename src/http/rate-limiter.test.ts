import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

const T0 = 1_800_000_000_000;

describe('rate limiter (token bucket per key)', () => {
  it('lets a burst through, then refuses until a token has refilled', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 3 });
    expect([1, 2, 3].map(() => limiter.take('k', T0))).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(limiter.take('k', T0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('k', T0 + 999)).toMatchObject({ allowed: false });
    expect(limiter.take('k', T0 + 1000)).toEqual({ allowed: true });
    expect(limiter.take('k', T0 + 1000)).toMatchObject({ allowed: false });
  });

  it('refills at perMinute, never above the burst', () => {
    const limiter = createRateLimiter({ perMinute: 6, burst: 2 }); // one token per 10 s
    limiter.take('k', T0);
    limiter.take('k', T0);
    // An hour idle refills to 2, not to 360.
    const later = T0 + 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('k', later).allowed)).toEqual([true, true, false]);
  });

  it('says in whole seconds how long to wait, rounded up', () => {
    const limiter = createRateLimiter({ perMinute: 6, burst: 1 }); // one token per 10 s
    expect(limiter.take('k', T0)).toEqual({ allowed: true });
    expect(limiter.take('k', T0)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('k', T0 + 2_500)).toEqual({ allowed: false, retryAfterSeconds: 8 });
    expect(limiter.take('k', T0 + 9_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Waiting as long as it said is enough.
    expect(limiter.take('k', T0 + 10_000)).toEqual({ allowed: true });
  });

  it('keeps keys apart', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 1 });
    expect(limiter.take('maya|127.0.0.1', T0).allowed).toBe(true);
    expect(limiter.take('maya|127.0.0.1', T0).allowed).toBe(false);
    expect(limiter.take('leo|127.0.0.1', T0).allowed).toBe(true);
    expect(limiter.take('maya|10.0.0.2', T0).allowed).toBe(true);
  });

  it('does not hand out tokens when the clock steps back', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 1 });
    expect(limiter.take('k', T0).allowed).toBe(true);
    expect(limiter.take('k', T0 - 30_000).allowed).toBe(false);
    // The step back is not counted as refill time afterwards either.
    expect(limiter.take('k', T0 + 500).allowed).toBe(false);
    expect(limiter.take('k', T0 + 1_000).allowed).toBe(true);
  });

  it('remembers the most recent keys however many come, and forgets the ones idle the longest', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, maxKeys: 100 });
    // 10 000 keys in the same millisecond: none has refilled, all are active.
    for (let i = 0; i < 10_000; i++) expect(limiter.take(`ip-${i}`, T0).allowed).toBe(true);
    // The latest maxKeys / 2 are still held, and still empty…
    for (let i = 9_950; i < 10_000; i++) expect(limiter.take(`ip-${i}`, T0).allowed).toBe(false);
    // …the first were forgotten, so they start again with a full bucket.
    expect(limiter.take('ip-0', T0).allowed).toBe(true);
    expect(limiter.take('ip-5000', T0).allowed).toBe(true);
  });

  it('keeps a key that stays active however many other keys come along', () => {
    const limiter = createRateLimiter({ perMinute: 60, burst: 1, maxKeys: 100 });
    expect(limiter.take('busy', T0).allowed).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`ip-${i}`, T0);
      if (i % 10 === 0) expect(limiter.take('busy', T0).allowed).toBe(false);
    }
  });

  it('takes about constant time per request however many keys there are', () => {
    const time = (keys: number) => {
      const limiter = createRateLimiter({ perMinute: 60, burst: 5, maxKeys: 20_000 });
      const started = performance.now();
      for (let i = 0; i < keys; i++) limiter.take(`ip-${i}`, T0);
      return performance.now() - started;
    };
    time(50_000); // warm up
    const small = time(100_000);
    const large = time(400_000);
    // 4× the keys: linear is ~4×; a sweep per request over the limit was hundreds of times that.
    expect(large).toBeLessThan(small * 12 + 50);
  });
});
