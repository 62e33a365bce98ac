/** The answer of a rate limiter: go on, or wait this many seconds. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string, now: number): RateDecision;
}

/**
 * A token bucket per key, in memory: `burst` requests at once, refilled at `perMinute`. Keys idle
 * long enough to be full again are dropped, so memory stays bounded by the active keys.
 */
export function createRateLimiter(options: { perMinute: number; burst: number; maxKeys?: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = options.perMinute / 60_000;
  const maxKeys = options.maxKeys ?? 100_000;

  function sweep(now: number) {
    for (const [key, b] of buckets) {
      if (b.tokens + (now - b.at) * ratePerMs >= options.burst) buckets.delete(key);
    }
  }

  return {
    take(key, now) {
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
      const tokens = Math.min(options.burst, bucket.tokens + Math.max(0, now - bucket.at) * ratePerMs);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: now });
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)) };
      }
      buckets.set(key, { tokens: tokens - 1, at: now });
      if (buckets.size > maxKeys) sweep(now);
      return { allowed: true };
    },
  };
}
