import { describe, expect, it } from 'vitest';
import { createAckFirst } from './ack-first.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('acknowledgements first', () => {
  it('lets work after an ack go on at once when no request waits for its answer', async () => {
    const gate = createAckFirst({ maxDeferMs: 10_000 });
    let ran = false;
    const work = gate.turn().then(() => (ran = true));
    await work;
    expect(ran).toBe(true);
  });

  it('holds work back while a request waits for its answer, and lets it go once answered, one per turn', async () => {
    const gate = createAckFirst({ maxDeferMs: 10_000 });
    gate.received();
    const order: string[] = [];
    const a = gate.turn().then(() => order.push('a'));
    const b = gate.turn().then(() => order.push('b'));
    for (let i = 0; i < 5; i++) await tick();
    expect(order).toEqual([]);
    expect(gate.backlog).toBe(2);
    gate.answered();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });

  it('never holds work past maxDeferMs, even while a request still waits', async () => {
    const gate = createAckFirst({ maxDeferMs: 30 });
    gate.received();
    let done = false;
    const started = performance.now();
    await gate.turn().then(() => (done = true));
    expect(done).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
