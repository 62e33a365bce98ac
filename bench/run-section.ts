import { benches, unknownBenchmarks } from './sections.ts';

/**
 * One benchmark in a process of its own, forked by bench/run.ts: its section goes back over the IPC
 * channel. A benchmark run after another in one process would measure with the first one's heap
 * (the reconciliation's 200,000 rows) still in its load generator's.
 */
const name = process.argv[2];
const bench = benches.find(([n]) => n === name);
if (!bench || !process.send) {
  console.error(bench ? 'bench/run-section.ts is run by bench/run.ts (npm run bench)' : unknownBenchmarks([name ?? '(none)']));
  process.exit(2);
}
const section = await bench[1]();
// A benchmark stops what it started; a handle some library left open does not keep the section waiting.
process.send(section, undefined, {}, () => process.exit(0));
