/** The answer of a rate limiter: go on, or wait this many seconds. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  take(key: string, now: number): RateDecision;
}

/**
 * A token bucket per key, in memory: `burst` requests at once, refilled at `perMinute`. Memory is
 * bounded by `maxKeys`: keys live in two generations, and a key idle while `maxKeys / 2` other keys
 * came along is forgotten (forgetting a bucket only ever lets its key in sooner).
 */
export function createRateLimiter(options: { perMinute: number; burst: number; maxKeys?: number }): RateLimiter {
  const ratePerMs = options.perMinute / 60_000;
  const generationSize = Math.max(1, Math.floor((options.maxKeys ?? 100_000) / 2));
  /*
   * Two maps swapped when the newer is full, rather than one map swept: a sweep cost O(keys) on every
   * request once the map was over its size with all keys active (and freed nothing then), and
   * evicting the oldest entries of one Map one by one is quadratic in V8 (deleted entries stay in
   * its table until it is rebuilt, and every new iteration walks over them).
   */
  let current = new Map<string, { tokens: number; at: number }>();
  let previous = new Map<string, { tokens: number; at: number }>();

  return {
    take(key, now) {
      const bucket = current.get(key) ?? previous.get(key);
      previous.delete(key);
      // A clock that steps back neither refills nor lets the next take count the same time twice.
      const at = bucket ? Math.max(bucket.at, now) : now;
      const tokens = bucket ? Math.min(options.burst, bucket.tokens + (at - bucket.at) * ratePerMs) : options.burst;
      const allowed = tokens >= 1;
      current.set(key, { tokens: allowed ? tokens - 1 : tokens, at });
      if (current.size >= generationSize) {
        previous = current;
        current = new Map();
      }
      return allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)) };
    },
  };
}
