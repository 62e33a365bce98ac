import type { Studio } from '../core/platform-types.ts';
import { dateLocaleOf } from '../i18n/messages.ts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

/** A mail's text as HTML: paragraphs on blank lines, `- ` lines as a list, everything escaped. */
export function textToHtml(text: string): string {
  const blocks = text.trim().split(/\n{2,}/).map((block) => {
    const lines = block.split('\n');
    if (lines.every((l) => l.startsWith('- '))) {
      return `<ul>${lines.map((l) => `<li>${escapeHtml(l.slice(2))}</li>`).join('')}</ul>`;
    }
    const head = lines.findIndex((l) => l.startsWith('- '));
    if (head > 0 && lines.slice(head).every((l) => l.startsWith('- '))) {
      const intro = lines.slice(0, head).map(escapeHtml).join('<br>');
      return `<p>${intro}</p><ul>${lines.slice(head).map((l) => `<li>${escapeHtml(l.slice(2))}</li>`).join('')}</ul>`;
    }
    return `<p>${lines.map(escapeHtml).join('<br>')}</p>`;
  });
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">${blocks.join('\n')}</body></html>`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `20 Nov 2026, 14:05 (Europe/Berlin)`: a moment as the user sees it, else in UTC, written the way
 * `locale` writes dates (`20 nov. 2026, 14:05` in French); English (staff's) by default.
 */
export function formatMoment(iso: string, timezone: string | null, locale?: string | null): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const offset = timezone ? /^([+-])(\d{2}):(\d{2})$/.exec(timezone) : null;
  if (offset) {
    // A bare offset is no zone Intl knows: shift the moment and show it as UTC, labelled with the offset.
    const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
    return formatMoment(new Date(date.getTime() + minutes * 60_000).toISOString(), 'UTC', locale).replace('(UTC)', `(UTC${timezone})`);
  }
  const tag = dateLocaleOf(locale);
  for (const zone of [timezone, 'UTC']) {
    if (!zone) continue;
    const key = `${tag}|${zone}`;
    let formatter = formatters.get(key);
    try {
      formatter ??= new Intl.DateTimeFormat(tag, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' });
    } catch {
      continue;
    }
    formatters.set(key, formatter);
    return `${formatter.format(date)} (${zone})`;
  }
  return iso;
}

export const STUDIO_NAMES: Record<Studio, string> = {
  image: 'Image Studio',
  video: 'Video Studio',
  music: 'Music Studio',
  storyboard: 'Storyboard Studio',
};

/** The domain of an address, for Message-IDs the desk writes. */
export function domainOf(address: string): string {
  return address.split('@').at(-1)?.replace(/>$/, '').trim() || 'localhost';
}
