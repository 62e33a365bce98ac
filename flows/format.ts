import { DEFAULT_LOCALE, type Locale } from '../src/i18n/locales.ts';
import { dateLocaleOf, message } from '../src/i18n/messages.ts';
import type { RecentRun, Studio } from './types.ts';
import { safeZone, wallTime, weekdayName } from './zoned-time.ts';

const studioNames: Record<Studio, string> = {
  image: 'Image Studio',
  video: 'Video Studio',
  music: 'Music Studio',
  storyboard: 'Storyboard Studio',
};
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The studio's name as the product shows it: `video` → "Video Studio". */
export function studioName(studio: Studio, lang: Locale = DEFAULT_LOCALE): string {
  return lang === DEFAULT_LOCALE ? studioNames[studio] : message(lang, `studio.${studio}`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05": the time of day of `iso` in `zone` (24-hour clock). */
export function formatClock(iso: string, zone: string): string {
  const w = wallTime(Date.parse(iso), safeZone(zone));
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * The time of `iso` in `zone`: just "14:05" when it falls on the same calendar day as
 * `referenceIso` (or no reference is given), else "Mon 23 Nov 14:05".
 */
export function formatWhen(iso: string, zone: string, referenceIso?: string | null, lang: Locale = DEFAULT_LOCALE): string {
  const z = safeZone(zone);
  const w = wallTime(Date.parse(iso), z);
  const clock = `${pad(w.hour)}:${pad(w.minute)}`;
  if (!referenceIso) return clock;
  const r = wallTime(Date.parse(referenceIso), z);
  if (r.year === w.year && r.month === w.month && r.day === w.day) return clock;
  return formatDateTime(iso, z, lang);
}

/** "Mon 23 Nov 14:05": day and time of `iso` in `zone`, for what support needs to trace a run. */
export function formatDateTime(iso: string, zone: string, lang: Locale = DEFAULT_LOCALE): string {
  if (lang !== DEFAULT_LOCALE) {
    const parts = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
    return new Intl.DateTimeFormat(dateLocaleOf(lang), { ...parts, timeZone: safeZone(zone) }).format(Date.parse(iso));
  }
  const w = wallTime(Date.parse(iso), safeZone(zone));
  return `${weekdayName(w.weekday)} ${w.day} ${months[w.month - 1] ?? ''} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** "40 credits", "1 credit". */
export function formatCredits(amount: number, lang: Locale = DEFAULT_LOCALE): string {
  const n = Math.abs(amount);
  if (lang !== DEFAULT_LOCALE) return message(lang, 'flow.credits', { count: n, n: new Intl.NumberFormat(dateLocaleOf(lang)).format(n) });
  return `${n} ${n === 1 ? 'credit' : 'credits'}`;
}

/** How a run stands, in one word: failed, canceled, stuck, processing, queued, completed. */
export function runStatusWord(run: Pick<RecentRun, 'status' | 'stuck'>): string {
  return run.stuck ? 'stuck' : run.status;
}

/** The option label of a run: "Video Studio · 14:05 · failed". */
export function runLabel(run: RecentRun, zone: string, referenceIso?: string | null): string {
  return `${studioName(run.studio)} · ${formatWhen(run.createdAt, zone, referenceIso)} · ${runStatusWord(run)}`;
}

/** A human name for a zone in a sentence: "Europe/Berlin time", "UTC". */
export function zoneName(zone: string, lang: Locale = DEFAULT_LOCALE): string {
  const z = safeZone(zone);
  return z === 'UTC' ? 'UTC' : lang === DEFAULT_LOCALE ? `${z} time` : message(lang, 'flow.zone_time', { zone: z });
}

/**
 * The noun with its indefinite article: "an Image Studio", "a Video Studio". Decided by the first
 * letter, which is right for every studio name (no "an hour" or "a user" among them).
 */
export function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** Joins words as "a, b and c". */
export function joinWords(words: readonly string[], lang: Locale = DEFAULT_LOCALE): string {
  if (lang !== DEFAULT_LOCALE) return new Intl.ListFormat(lang, { type: 'conjunction' }).format(words);
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}
