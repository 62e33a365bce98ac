import { describe, expect, it } from 'vitest';
import { updateBenchmarksFile } from './benchmarks-file.ts';

const order = ['reconcile', 'chat', 'realistic', 'soak'];

const file = `# Benchmarks

Targets, in a line each.

<!-- bench: reconcile -->
## Reconciliation

- p99 12 ms

<!-- bench: chat -->
## A chat turn next to /health

- ratio 0.20

<!-- bench: soak -->
## Soak

- peak RSS 170 MB

## Understanding people (written by npm run eval)

| split | right |
| --- | --- |
| test | 91.4 % |

### Every user's language

- fr 87.2 %

<!-- metrics -->
## Metrics (written by another command)

- 12 counters
`;

describe('BENCHMARKS.md rewritten by npm run bench', () => {
  it('replaces the sections it ran and keeps the rest: other benchmarks, sections no benchmark writes, the preamble', () => {
    const next = updateBenchmarksFile(file, 'unused', order, new Map([['soak', '## Soak\n\n- peak RSS 150 MB']]));
    expect(next).toBe(file.replace('- peak RSS 170 MB', '- peak RSS 150 MB'));
  });

  it('keeps the sections written by other commands when every benchmark runs', () => {
    const fresh = new Map([
      ['reconcile', '## Reconciliation\n\n- p99 9 ms'],
      ['chat', '## A chat turn next to /health\n\n- ratio 0.25'],
      ['soak', '## Soak\n\n- peak RSS 150 MB'],
    ]);
    const next = updateBenchmarksFile(file, 'unused', order, fresh);
    expect(next).toContain('Targets, in a line each.');
    expect(next).toContain("## Understanding people (written by npm run eval)\n\n| split | right |\n| --- | --- |\n| test | 91.4 % |\n\n### Every user's language\n\n- fr 87.2 %\n");
    expect(next).toContain('<!-- metrics -->\n## Metrics (written by another command)\n\n- 12 counters\n');
    expect(next).not.toContain('170 MB');
    expect(next.match(/<!-- bench: /g)).toHaveLength(3);
  });

  it('puts a section new to the file after the benchmark before it in the run order', () => {
    const next = updateBenchmarksFile(file, 'unused', order, new Map([['realistic', '## Realistic load\n\n- p99 9 ms']]));
    expect(next).toContain('- ratio 0.20\n\n<!-- bench: realistic -->\n## Realistic load\n\n- p99 9 ms\n\n<!-- bench: soak -->\n');
  });

  it('starts a new file with the preamble', () => {
    expect(updateBenchmarksFile(null, '# Benchmarks\n\nWritten by npm run bench.', order, new Map([['chat', '## Chat\n\n- ratio 0.2']]))).toBe(
      '# Benchmarks\n\nWritten by npm run bench.\n\n<!-- bench: chat -->\n## Chat\n\n- ratio 0.2\n',
    );
  });
});
