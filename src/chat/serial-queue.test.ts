import { describe, expect, it } from 'vitest';
import { createSerialQueue } from './serial-queue.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('serial queue', () => {
  it('runs the work of one key one after another, a failure included, and other keys alongside', async () => {
    const serially = createSerialQueue();
    const log: string[] = [];
    const work = (name: string, fail = false) => async () => {
      log.push(`${name} begins`);
      await tick();
      log.push(`${name} ends`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      serially('a', work('a1', true)),
      serially('a', work('a2')),
      serially('b', work('b1')),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a1', 'a2', 'b1']);
    // a2 waits for a1 (which failed); b1 does not wait for either.
    expect(log.indexOf('a2 begins')).toBeGreaterThan(log.indexOf('a1 ends'));
    expect(log.indexOf('b1 begins')).toBeLessThan(log.indexOf('a1 ends'));
  });
});
