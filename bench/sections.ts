import type { BenchSection } from './stats.ts';

/**
 * The benchmarks of `npm run bench`, in the order they run, each imported only by the process that
 * runs it (bench/run-section.ts).
 */
export const benches: readonly [name: string, run: () => Promise<BenchSection>][] = [
  ['reconcile', async () => (await import('./reconcile-bench.ts')).reconcileBench()],
  ['chat', async () => (await import('./chat-turn-bench.ts')).chatTurnBench()],
  ['slack-ack', async () => (await import('./slack-ack-bench.ts')).slackAckBench()],
  ['email-intake', async () => (await import('./email-intake-bench.ts')).emailIntakeBench()],
  ['soak', async () => (await import('./soak-bench.ts')).soakBench()],
];

/** Marks the line of a section process's stdout that carries its result (the rest is its progress). */
export const RESULT_MARK = 'bench-section-result ';

/** The section a section process reported on its stdout; an error if it reported none. */
export function sectionFromOutput(name: string, stdout: string): BenchSection {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) throw new Error(`benchmark ${name} reported no result`);
  const section = JSON.parse(line.slice(RESULT_MARK.length)) as BenchSection;
  if (typeof section.title !== 'string' || typeof section.target !== 'string' || typeof section.met !== 'boolean' || !Array.isArray(section.lines)) {
    throw new Error(`benchmark ${name} reported a result without title, target, met and lines`);
  }
  return section;
}
