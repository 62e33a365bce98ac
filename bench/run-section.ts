import { RESULT_MARK, benches } from './sections.ts';

/**
 * One benchmark in a process of its own, started by bench/run.ts: its section goes to stdout on a
 * line of its own, after RESULT_MARK. A benchmark run after another in one process would measure
 * with the first one's heap (the reconciliation's 200,000 rows) still in the load generator's.
 */
const name = process.argv[2];
const bench = benches.find(([n]) => n === name);
if (!bench) {
  console.error(`unknown benchmark: ${name ?? '(none)'} (known: ${benches.map(([n]) => n).join(', ')})`);
  process.exit(2);
}
const section = await bench[1]();
process.stdout.write(`${RESULT_MARK}${JSON.stringify(section)}\n`);
// A benchmark stops what it started; a handle some library left open does not keep the section waiting.
process.exit(0);
