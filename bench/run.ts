import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../scripts/server-bundle.ts';
import { updateBenchmarksFile } from './benchmarks-file.ts';
import { asSection, benches, unknownBenchmarks } from './sections.ts';
import type { BenchSection } from './stats.ts';

/**
 * `npm run bench [-- NAME…]`: runs every benchmark (or the named ones), each in a process of its own
 * (bench/run-section.ts), and writes their sections of BENCHMARKS.md, each with the command and the
 * day that made it; the rest of the file (sections not run, those `npm run eval` writes) is kept
 * as it stands (bench/benchmarks-file.ts).
 */

/** Runs one benchmark in a new process (with this one's loader, tsx, and output): the section it sends back. */
function runInOwnProcess(name: string): Promise<BenchSection> {
  const child = fork(fileURLToPath(new URL('./run-section.ts', import.meta.url)), [name]);
  let section: BenchSection | undefined;
  return new Promise((resolve, reject) => {
    child.once('message', (message) => {
      try {
        section = asSection(name, message);
      } catch (error) {
        reject(error);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark ${name} failed (exit code ${code})`));
      else if (!section) reject(new Error(`benchmark ${name} sent no result`));
      else resolve(section);
    });
  });
}

const only = process.argv.slice(2);
const unknown = only.filter((name) => !benches.some(([n]) => n === name));
if (unknown.length > 0) {
  console.error(unknownBenchmarks(unknown));
  process.exit(2);
}

// The benchmarks that start `npm start`'s command run the compiled server: its prestart, first.
await buildServer();

const file = new URL('../BENCHMARKS.md', import.meta.url);
const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
const day = new Date().toISOString().slice(0, 10);

const fresh = new Map<string, string>();
for (const [name] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`running ${name}…`);
  const s = await runInOwnProcess(name);
  console.log(`  ${s.met ? 'met' : 'MISSED'} ${s.target}\n  ${s.lines.join('\n  ')}`);
  fresh.set(
    name,
    [
      `## ${s.title}`,
      '',
      `Measured by \`npm run bench -- ${name}\` on ${day} (${machine}).`,
      '',
      `Target: ${s.target} — **${s.met ? 'met' : 'missed'}**.`,
      '',
      ...s.lines.map((l) => `- ${l}`),
    ].join('\n'),
  );
}

const preamble = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (all of them) or `npm run bench -- NAME…` (those named; the other sections stay).',
  'Figures move by ±50 % with the load of this shared 2-core machine.',
].join('\n');
const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
writeFileSync(file, updateBenchmarksFile(existing, preamble, benches.map(([name]) => name), fresh));
console.log('wrote BENCHMARKS.md');
