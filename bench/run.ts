import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { chatTurnBench } from './chat-turn-bench.ts';
import { emailIntakeBench } from './email-intake-bench.ts';
import { reconcileBench } from './reconcile-bench.ts';
import { slackAckBench } from './slack-ack-bench.ts';
import type { BenchSection } from './stats.ts';

/** `npm run bench`: runs every benchmark and writes BENCHMARKS.md with the figures and the command. */
const benches: [string, () => Promise<BenchSection>][] = [
  ['reconcile', reconcileBench],
  ['chat', chatTurnBench],
  ['slack-ack', slackAckBench],
  ['email-intake', emailIntakeBench],
];

const only = process.argv.slice(2);
const sections: BenchSection[] = [];
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`running ${name}…`);
  const section = await run();
  console.log(`  ${section.met ? 'met' : 'MISSED'} ${section.target}\n  ${section.lines.join('\n  ')}`);
  sections.push(section);
}

const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
const body = [
  '# Benchmarks',
  '',
  `Made by \`npm run bench${only.length ? ` -- ${only.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)} (${machine}).`,
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', `Target: ${s.target} — **${s.met ? 'met' : 'missed'}**.`, '', ...s.lines.map((l) => `- ${l}`), '']),
].join('\n');
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), body);
console.log('wrote BENCHMARKS.md');
