import { relative } from 'node:path';
import { WIDGET_GZIP_BUDGET, buildWidget } from '../src/widget/build-widget.ts';

/** `npm run build`: builds dist/widget.js and says how big it is against its budget. */
const built = await buildWidget();
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`${relative(process.cwd(), built.path)}: ${kb(built.bytes)} minified, ${kb(built.gzipBytes)} gzip (budget ${kb(WIDGET_GZIP_BUDGET)})`);
if (built.gzipBytes > WIDGET_GZIP_BUDGET) {
  console.error('the widget is over its gzip budget');
  process.exitCode = 1;
}
