import type { BenchSection } from './stats.ts';

/**
 * The benchmarks of `npm run bench`, in the order they run, each imported only by the process that
 * runs it (bench/run-section.ts).
 */
export const benches: readonly [name: string, run: () => Promise<BenchSection>][] = [
  ['reconcile', async () => (await import('./reconcile-bench.ts')).reconcileBench()],
  ['chat', async () => (await import('./chat-turn-bench.ts')).chatTurnBench()],
  ['realistic', async () => (await import('./realistic-bench.ts')).realisticBench()],
  ['slack-ack', async () => (await import('./slack-ack-bench.ts')).slackAckBench()],
  ['email-intake', async () => (await import('./email-intake-bench.ts')).emailIntakeBench()],
  ['large-mail', async () => (await import('./large-mail-bench.ts')).largeMailBench()],
  ['soak', async () => (await import('./soak-bench.ts')).soakBench()],
  ['turn-write', async () => (await import('./turn-write-bench.ts')).turnWriteBench()],
  ['turn-parts', async () => (await import('./turn-parts-bench.ts')).turnPartsBench()],
  ['before-after', async () => (await import('./before-after-bench.ts')).beforeAfterBench()],
  ['metrics', async () => (await import('./metrics-bench.ts')).metricsBench()],
];

/** The refusal of names that are not benchmarks, listing those there are. */
export const unknownBenchmarks = (names: readonly string[]): string =>
  `unknown benchmark: ${names.join(', ')} (known: ${benches.map(([n]) => n).join(', ')})`;

/** The section a benchmark's process sent back (bench/run-section.ts), checked; an error naming the benchmark if it is not one. */
export function asSection(name: string, message: unknown): BenchSection {
  const section = message as Partial<BenchSection> | null;
  if (
    typeof section?.title !== 'string' ||
    typeof section.target !== 'string' ||
    typeof section.met !== 'boolean' ||
    !Array.isArray(section.lines) ||
    !section.lines.every((line) => typeof line === 'string')
  ) {
    throw new Error(`benchmark ${name} sent a result without title, target, met and lines`);
  }
  return section as BenchSection;
}
