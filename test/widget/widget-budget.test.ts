import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { WIDGET_GZIP_BUDGET, buildWidget } from '../../src/widget/build-widget.ts';

/*
 * The widget loads on every page of the platform, so its weight is a feature: it is built here
 * exactly as `npm run build` builds it and measured gzipped at level 9 against its 12 KB budget.
 */

describe('help widget: build and budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'widget-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`builds one minified script within ${WIDGET_GZIP_BUDGET / 1024} KB gzip`, async () => {
    const built = await buildWidget(join(dir, 'widget.js'));
    const code = readFileSync(built.path);
    const gzip = gzipSync(code, { level: 9 }).byteLength;
    console.log(`widget.js: ${code.byteLength} bytes minified, ${gzip} bytes gzip (budget ${WIDGET_GZIP_BUDGET})`);
    expect(gzip).toBe(built.gzipBytes);
    expect(gzip).toBeLessThanOrEqual(WIDGET_GZIP_BUDGET);

    const text = code.toString('utf8');
    expect(text).toContain('PrismSupport');
    // Minified: no line is left of the sources' layout, and no framework or schema library came along.
    expect(text.split('\n').length).toBeLessThanOrEqual(3);
    expect(text).not.toMatch(/\b(zod|preact|react|hono)\b/i);
    // The stylesheet went in minified, with its isolation rule.
    expect(text).toContain(':host{all:initial!important}');
  });
});
