import type { Generation, LedgerEntry, Studio } from '../src/core/platform-types.ts';

const studios: Studio[] = ['image', 'video', 'music', 'storyboard'];
const MIN = 60_000;

/** A small deterministic PRNG, so every run of the benchmark measures the same data. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One heavy account: `runs` generations spread evenly over `spanDays` before `now` (5% failed,
 * 1% canceled, a few processing), one spend per charged run (10% of spends unlinked, as older
 * spends are), refunds for half of the charged failures, and purchases to make up the rest.
 */
export function heavyAccount(opts: { runs: number; ledger: number; spanDays: number; now: number }) {
  const rand = mulberry32(42);
  const accountId = 'acc_heavy';
  const generations: Generation[] = [];
  const ledger: LedgerEntry[] = [];
  const span = opts.spanDays * 24 * 60 * MIN;
  const step = span / opts.runs;
  for (let i = 0; i < opts.runs && ledger.length < opts.ledger; i++) {
    const created = opts.now - span + i * step;
    const roll = rand();
    const status = roll < 0.05 ? 'failed' : roll < 0.06 ? 'canceled' : i > opts.runs - 3 ? 'processing' : 'completed';
    const studio = studios[i % 4] as Studio;
    const finished = status === 'processing' ? null : created + (1 + rand() * 4) * MIN;
    const id = `gen_${i}`;
    generations.push({
      id,
      accountId,
      studio,
      prompt: `prompt number ${i}`,
      settings: { resolution: i % 10 === 0 ? '4k' : '1080p' },
      status,
      ...(status === 'failed' && { error: { code: 'model_timeout', message: 'Generation failed: model timeout' } }),
      createdAt: new Date(created).toISOString(),
      ...(finished !== null && { finishedAt: new Date(finished).toISOString() }),
    });
    const charged = status === 'completed' || (status === 'failed' && rand() < 0.3);
    if (charged && finished !== null) {
      const spendId = `led_s${i}`;
      ledger.push({
        id: spendId,
        accountId,
        type: 'spend',
        amount: -(4 + (i % 5) * 4),
        ...(rand() < 0.9 && { generationId: id }),
        createdAt: new Date(finished + 1000).toISOString(),
      });
      if (status === 'failed' && rand() < 0.5) {
        ledger.push({ id: `led_r${i}`, accountId, type: 'refund', amount: 4 + (i % 5) * 4, refundOf: spendId, createdAt: new Date(finished + 3600_000).toISOString() });
      }
    }
  }
  for (let i = 0; ledger.length < opts.ledger; i++) {
    ledger.push({ id: `led_p${i}`, accountId, type: 'purchase', amount: 500, createdAt: new Date(opts.now - span + rand() * span).toISOString() });
  }
  return { account: { id: accountId, email: 'heavy@example.com', timezone: 'Europe/Berlin' }, generations, ledger };
}
