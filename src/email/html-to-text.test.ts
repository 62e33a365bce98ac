import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from './html-to-text.ts';
import { repairC1 } from './repair-c1.ts';

describe('htmlToText', () => {
  it('keeps paragraphs and line breaks, drops styles and scripts, decodes entities', () => {
    const html = '<html><head><style>p{}</style></head><body><p>Hi&nbsp;there,</p><p>it said &quot;Generation failed&quot; &amp; stopped.<br>Line 2</p><script>x()</script></body></html>';
    expect(htmlToText(html)).toBe('Hi there,\n\nit said "Generation failed" & stopped.\nLine 2');
  });

  it('turns blockquotes into quoted lines and signature blocks into a "-- " signature', () => {
    const html = '<div>My video failed.</div><div class="gmail_signature">Sam, music fan</div><blockquote>Was it <b>music</b>?<blockquote>deeper</blockquote></blockquote>';
    expect(htmlToText(html)).toBe('My video failed.\n\n--\nSam, music fan\n\n> Was it music?\n> > deeper');
  });

  it('decodes numeric references', () => {
    expect(decodeEntities('&#8220;x&#x201D; &bogus; &#0;')).toBe('“x” &bogus; &#0;');
  });
});

describe('repairC1', () => {
  it('maps C1 controls to the Windows-1252 characters they stand for', () => {
    expect(repairC1('\u0093quoted\u0094 \u0096 10\u0080')).toBe('“quoted” – 10€');
    expect(repairC1('plain')).toBe('plain');
  });
});
