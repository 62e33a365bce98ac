import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Plugin, build } from 'esbuild';

/*
 * Compiles the Node server (adapters/node/server.ts and what it imports of ours) into one ES module,
 * dist/server/node.mjs, and its email parse thread into another, dist/server/email-parse-thread.mjs,
 * for `npm start` (its `prestart` runs scripts/build-server.ts). The packages stay imports from
 * node_modules. Compiled JavaScript rather than TypeScript through tsx: tsx's loader would run on a
 * thread of its own, with its own heap, for the life of the process.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const SERVER_DIR = `${root}dist/server/`;

/**
 * `import.meta.url` is each source file's own URL in the bundle, as when the file runs itself:
 * the migrations, the widget's script and better-sqlite3 are found relative to it.
 */
export const withOwnUrl = (source: string, path: string): string => source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href));

const ownUrls: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      return { contents: withOwnUrl(await readFile(args.path, 'utf8'), args.path), loader: 'ts' };
    });
  },
};

/**
 * Builds the bundle (and its source map). Each file is written whole under a temporary name and
 * renamed into place, so a server starting meanwhile reads the old bundle or the new, never half.
 * The benchmarks build variants elsewhere (`outdir`, a plugin that swaps a module).
 */
export async function buildServer(options: { outdir?: string; plugins?: Plugin[] } = {}): Promise<string> {
  const outdir = (options.outdir ?? SERVER_DIR).replace(/\/?$/, '/');
  const result = await build({
    entryPoints: { node: `${root}adapters/node/server.ts`, 'email-parse-thread': `${root}adapters/email/parse-thread.ts` },
    outdir,
    outExtension: { '.js': '.mjs' },
    define: { EMAIL_PARSE_THREAD_URL: JSON.stringify(pathToFileURL(`${outdir}email-parse-thread.mjs`).href) },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Stack traces name our functions; `node --enable-source-maps` maps them to the TypeScript.
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [...(options.plugins ?? []), ownUrls],
    write: false,
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return `${outdir}node.mjs`;
}
