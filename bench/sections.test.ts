import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asSection, benches } from './sections.ts';

const section = { title: 'Chat turn', target: 'p99 ≤ 25 ms', met: true, lines: ['GET /health: 17,000 req/s'] };

describe('a benchmark in a process of its own', () => {
  it('takes the section its process sent back', () => {
    expect(asSection('chat', structuredClone(section))).toEqual(section);
  });

  it('refuses a result that is not a section, naming the benchmark', () => {
    for (const bad of [null, 'done', { title: 'Chat turn', met: 'yes' }, { ...section, lines: [3] }]) {
      expect(() => asSection('chat', bad)).toThrow('benchmark chat sent a result without title, target, met and lines');
    }
  });

  it('names the benchmarks it knows when asked for another, and runs nothing', async () => {
    const entry = fileURLToPath(new URL('./run-section.ts', import.meta.url));
    const child = fork(entry, ['no-such-bench'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    const messages: unknown[] = [];
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('message', (message) => messages.push(message));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(messages).toEqual([]);
    expect(stderr).toContain(`unknown benchmark: no-such-bench (known: ${benches.map(([name]) => name).join(', ')})`);
  });
});
