import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RESULT_MARK, benches, sectionFromOutput } from './sections.ts';

const section = { title: 'Chat turn', target: 'p99 ≤ 25 ms', met: true, lines: ['GET /health: 17,000 req/s'] };

describe('a benchmark in a process of its own', () => {
  it('reads the section from the marked line among the progress lines', () => {
    const stdout = ['warming up…', `${RESULT_MARK}${JSON.stringify(section)}`, ''].join('\n');
    expect(sectionFromOutput('chat', stdout)).toEqual(section);
  });

  it('refuses output with no result line, or a result that is not a section', () => {
    expect(() => sectionFromOutput('chat', 'warming up…\n')).toThrow('benchmark chat reported no result');
    expect(() => sectionFromOutput('chat', `${RESULT_MARK}${JSON.stringify({ title: 'Chat turn', met: 'yes' })}\n`)).toThrow(
      'benchmark chat reported a result without title, target, met and lines',
    );
  });

  it('names the benchmarks it knows when asked for another, and runs nothing', () => {
    const entry = fileURLToPath(new URL('./run-section.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', entry, 'no-such-bench'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`unknown benchmark: no-such-bench (known: ${benches.map(([name]) => name).join(', ')})`);
  });
});
