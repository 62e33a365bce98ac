import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every TypeScript file under `dir` (relative to the root), tests and JSX pages included. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') || f.endsWith('.tsx'))
    .map((f) => join(dir, f));
}

/** The files of ours a file imports: every relative import, type-only and dynamic ones too. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(root, resolve(root, dirname(file), spec)))
    .filter((target) => existsSync(join(root, target)));
}

/**
 * The way from `file` to the first file under adapters/ it reaches through its imports (and
 * theirs: a test helper of test/ that opens SQLite counts), or null.
 */
function wayToAdapters(file: string, seen = new Set<string>()): string[] | null {
  seen.add(file);
  for (const target of importsOf(file)) {
    if (target.startsWith('adapters/')) return [file, target];
    if (seen.has(target)) continue;
    const way = wayToAdapters(target, seen);
    if (way) return [file, ...way];
  }
  return null;
}

/*
 * The layers as folders: src/ is the desk itself (runtime-neutral services, the one builder of the
 * desk in src/desk.ts); adapters/ holds what talks to the outside (SQLite, D1, Slack, SMTP) and the
 * runtimes' entry points (adapters/node, adapters/workers). Adapters import the core; never the
 * other way round.
 */
it('nothing under src/ imports from adapters/, directly or through what it imports', () => {
  const files = filesUnder('src');
  expect(files.length).toBeGreaterThan(50);
  const offenders = files.flatMap((file) => {
    const way = wayToAdapters(file);
    return way ? [`${file} reaches ${way.at(-1)} (${way.join(' → ')})`] : [];
  });
  expect(offenders, `src/ must not import adapters/:\n${offenders.join('\n')}`).toEqual([]);
});

/** The desk's services: each is made by createDesk (src/desk.ts) or one of its sides, and nowhere else. */
const SERVICES = [
  'createPacketService',
  'createUserNotifier',
  'createTriageService',
  'createEmailIntake',
  'createEmailDelivery',
  'createOutboxRelay',
  'createConversationService',
  'createApp',
];
const BUILDERS = ['src/desk.ts', 'src/desk-chat.ts', 'src/desk-mail.ts'];

it('builds each service of the desk in one place, the desk builder, whatever the runtime', () => {
  // Tests and benchmarks may build a piece alone; the running code may not build one again.
  const code = [...filesUnder('src'), ...filesUnder('adapters')].filter((f) => !f.endsWith('.test.ts'));
  const misplaced = SERVICES.flatMap((service) => {
    const call = new RegExp(`(?<!function )\\b${service}\\(`);
    const callers = code.filter((file) => call.test(readFileSync(join(root, file), 'utf8')));
    const ok = callers.length === 1 && BUILDERS.includes(callers[0] ?? '');
    return ok ? [] : [`${service} is called in ${callers.join(', ') || 'no file'}`];
  });
  expect(misplaced, `each service is built once, by ${BUILDERS.join(' / ')}:\n${misplaced.join('\n')}`).toEqual([]);
});
