import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { buildWidget } from '../src/widget/build-widget.ts';

/*
 * Bundles a Worker for `wrangler deploy` / `wrangler dev` (the [build] of wrangler.toml and
 * wrangler.email.toml runs this): adapters/workers/chat-worker.ts (chat, widget) or
 * adapters/workers/mail-worker.ts (mail and Slack). Our own build rather than wrangler's so that zod's 40-odd translations of its error
 * messages stay out: the desk speaks English, and they would double the Worker's size.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

const englishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
    // Reading JSON Schema back into zod is never done here.
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]classic[\\/]from-json-schema\.js$/ }, () => ({
      contents: 'export function fromJSONSchema() { throw new Error("fromJSONSchema is not part of the Worker"); }',
      loader: 'js',
    }));
  },
};

/** `virtual:widget-script`: the help widget, built and inlined (Workers have no files to read). */
const widgetScript: Plugin = {
  name: 'widget-script',
  setup(b) {
    b.onResolve({ filter: /^virtual:widget-script$/ }, () => ({ path: 'widget-script', namespace: 'virtual' }));
    b.onLoad({ filter: /.*/, namespace: 'virtual' }, async () => {
      const built = await buildWidget();
      return { contents: `export default ${JSON.stringify(readFileSync(built.path, 'utf8'))};`, loader: 'js' };
    });
  },
};

/** `chat-worker` (chat, widget: wrangler.toml) or `mail-worker` (mail and Slack: wrangler.email.toml). */
const entry = process.argv[2] === 'mail-worker' ? 'mail-worker' : 'chat-worker';

const result = await build({
  entryPoints: [`${root}adapters/workers/${entry}.ts`],
  outfile: `${root}dist/${entry}/${entry}.js`,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  mainFields: ['browser', 'module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  external: ['cloudflare:*', 'node:*'],
  minify: true,
  sourcemap: false,
  metafile: true,
  write: true,
  logLevel: 'warning',
  plugins: [englishOnly, widgetScript],
});

// A Node-only module in the bundle would fail at deploy (Slack on Workers goes without bolt and
// its WebClient): say which one, here.
const nodeOnly = Object.keys(result.metafile.inputs).filter((f) =>
  /(^|\/)(better-sqlite3|@slack\/bolt|@slack\/web-api|@slack\/oauth|@slack\/socket-mode|axios|nodemailer|express)\//.test(f),
);
if (nodeOnly.length > 0) {
  console.error(`the Worker bundle contains Node-only modules:\n  ${nodeOnly.join('\n  ')}`);
  process.exit(1);
}
const bytes = readFileSync(`${root}dist/${entry}/${entry}.js`).length;
console.log(`dist/${entry}/${entry}.js: ${(bytes / 1024).toFixed(1)} KiB`);
