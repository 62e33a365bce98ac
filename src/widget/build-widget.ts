import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';

import { WIDGET_SCRIPT_PATH } from './widget-script.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** The widget's gzip budget (issue 4): what a host page pays on every page view. */
export const WIDGET_GZIP_BUDGET = 12 * 1024;

/** A built widget: the script and its sizes. */
export interface BuiltWidget {
  path: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * Bundles src/widget/client into one minified script (an IIFE that defines `window.PrismSupport`),
 * its stylesheet minified into it. Written to a temporary file and renamed, so a server reading the
 * file (or another build running at the same time) never sees half of it.
 */
export async function buildWidget(outfile = WIDGET_SCRIPT_PATH): Promise<BuiltWidget> {
  const css = await transform(readFileSync(join(here, 'client/widget.css'), 'utf8'), { loader: 'css', minify: true });
  const result = await build({
    entryPoints: [join(here, 'client/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    define: { __WIDGET_CSS__: JSON.stringify(css.code.trim()) },
    banner: { js: '/* PrismPoster help widget */' },
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no widget script');
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, outfile);
  return { path: outfile, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}
