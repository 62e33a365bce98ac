import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { buildServer, withOwnUrl } from '../scripts/server-bundle.ts';
import { npmStartArgs } from '../test/support/desk-process.ts';
import { type ServerBuild, thisCheckout } from './server-process.ts';

/** Servers other than this checkout's, for the benchmarks' A/B runs; `remove()` takes away what was made. */
export interface OtherBuild extends ServerBuild {
  remove(): void;
}

/**
 * An earlier commit's server: a temporary `git worktree` of it sharing this checkout's node_modules,
 * compiled by its own `prestart` and run with its own `npm start` arguments (its V8 flags, if any).
 */
export function buildCommit(commit: string, label: string): OtherBuild {
  const repo = thisCheckout().cwd;
  const dir = join(mkdtempSync(join(tmpdir(), 'desk-before-')), 'checkout');
  execFileSync('git', ['worktree', 'add', '--detach', dir, commit], { cwd: repo, stdio: 'ignore' });
  const remove = () => {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
    rmSync(join(dir, '..'), { recursive: true, force: true });
  };
  try {
    // Its dependencies are a subset of ours at the same versions (package.json's diff since then only adds).
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
    execFileSync(join(repo, 'node_modules/.bin/tsx'), ['scripts/build-server.ts'], { cwd: dir, stdio: 'inherit' });
    return { label, cwd: dir, args: npmStartArgs(dir), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/**
 * This checkout's server with some of its source replaced (`replace`: file → [text, replacement]),
 * compiled into a folder of its own: a speed mechanism taken out, to measure what it earns. Throws if
 * a text to replace is not there, so a refactor cannot silently turn the variant into the original.
 */
export async function buildVariant(label: string, replace: Record<string, [string, string][]>): Promise<OtherBuild> {
  const here = thisCheckout();
  // Inside the checkout (dist/ is not tracked), so that its imports find node_modules.
  mkdirSync(join(here.cwd, 'dist/bench-variants'), { recursive: true });
  const outdir = mkdtempSync(join(here.cwd, 'dist/bench-variants/variant-'));
  const swap: Plugin = {
    name: 'variant',
    setup(b) {
      for (const [file, edits] of Object.entries(replace)) {
        const path = join(here.cwd, file);
        b.onLoad({ filter: new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, async () => {
          const { readFile } = await import('node:fs/promises');
          let source = await readFile(path, 'utf8');
          for (const [text, replacement] of edits) {
            if (!source.includes(text)) throw new Error(`variant ${label}: ${file} no longer contains ${JSON.stringify(text)}`);
            source = source.replace(text, replacement);
          }
          // This load stands in for the bundle's own, which gives each file its own import.meta.url.
          return { contents: withOwnUrl(source, path), loader: 'ts' };
        });
      }
    },
  };
  const bundle = await buildServer({ outdir, plugins: [swap] });
  const args = here.args.map((arg) => (arg.endsWith('dist/server/node.mjs') ? bundle : arg));
  return { label, cwd: here.cwd, args, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
