import { fromWallTime, safeZone, wallTime } from './zoned-time.ts';

const MINUTE = 60_000;
const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const counts: Record<string, number> = { a: 1, an: 1, one: 1, 'a couple of': 2, 'a few': 3, few: 3, two: 2, three: 3, five: 5, ten: 10, fifteen: 15, twenty: 20, thirty: 30 };

/** Minutes ago, for "10 minutes ago", "an hour ago", "half an hour ago", "just now". */
function minutesAgo(text: string): number | null {
  if (/\bjust now\b/.test(text)) return 0;
  if (/\bhalf an hour ago\b/.test(text)) return 30;
  const m = text.match(/\b(\d+|an?|one|a couple of|a few|few|two|three|five|ten|fifteen|twenty|thirty)\s*(minutes?|mins?|hours?|hrs?|h|m)\s+ago\b/);
  if (!m) return null;
  const n = /^\d+$/.test(m[1] ?? '') ? Number(m[1]) : (counts[m[1] ?? ''] ?? 1);
  return (m[2] ?? '').startsWith('h') ? n * 60 : n;
}

/** Days back from today that the text names, or null when it names none. */
function daysBack(text: string, todayWeekday: number): number | null {
  if (/\b(yesterday|last night)\b/.test(text)) return 1;
  if (/\b(today|this morning|this afternoon|this evening|tonight|earlier)\b/.test(text)) return 0;
  const ago = text.match(/\b(\d+|two|three)\s+days?\s+ago\b/);
  if (ago) return /^\d+$/.test(ago[1] ?? '') ? Number(ago[1]) : (counts[ago[1] ?? ''] ?? 2);
  const named = dayNames.findIndex((d) => new RegExp(`\\b${d}\\b`).test(text));
  if (named >= 0) return (todayWeekday - named + 7) % 7;
  return null;
}

interface Clock {
  hour: number;
  minute: number;
  /** True when the hour could be either half of the day ("around 3", "9:40"). */
  ambiguous: boolean;
}

/** The clock time the text names: "14:05", "3pm", "3:30 p.m.", "around 3", "noon". */
function clockTime(text: string): Clock | null {
  if (/\bnoon\b|\bmidday\b/.test(text)) return { hour: 12, minute: 0, ambiguous: false };
  if (/\bmidnight\b/.test(text)) return { hour: 0, minute: 0, ambiguous: false };
  const m =
    text.match(/\b(\d{1,2})[:.](\d{2})\s*(am|pm|a\.m\.|p\.m\.)?/) ??
    text.match(/\b(\d{1,2})()\s*(am|pm|a\.m\.|p\.m\.)/) ??
    text.match(/(?:\bat|\baround|\babout|\bby|\bsince|\bca\.?|~)\s*(\d{1,2})()(?![\d:.]|\s*(?:min|h|credit|%|x|k|p|s\b|day|week|run|time))/);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  if (hour > 23 || minute > 59) return null;
  const meridiem = m[3]?.replace(/\./g, '');
  if (meridiem) {
    if (hour > 12 || hour === 0) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    return { hour, minute, ambiguous: false };
  }
  const written24h = hour > 12 || hour === 0 || (m[1] ?? '').startsWith('0');
  return { hour, minute, ambiguous: !written24h };
}

/** Applies "morning"/"afternoon"/"evening"; else guesses 1–6 o'clock as afternoon. */
function settleHour(clock: Clock, text: string): number {
  if (!clock.ambiguous) return clock.hour;
  if (/\bmorning\b/.test(text)) return clock.hour % 12;
  if (/\b(afternoon|evening|tonight|night)\b/.test(text)) return (clock.hour % 12) + 12;
  return clock.hour >= 1 && clock.hour <= 6 ? clock.hour + 12 : clock.hour;
}

/**
 * When the problem happened, from phrases like "around 3pm", "at 14:05", "this morning at 9:40",
 * "yesterday around 3pm", "on Monday at 10:15", "10 minutes ago"; resolved against `now` in
 * `timezone` and returned as a UTC ISO string, or null when the text names no time of day.
 */
export function parseTime(input: string, now: number, timezone: string): string | null {
  const text = input.toLowerCase();
  const zone = safeZone(timezone);
  const ago = minutesAgo(text);
  if (ago !== null) return new Date(Math.floor((now - ago * MINUTE) / MINUTE) * MINUTE).toISOString();
  const clock = clockTime(text);
  if (!clock) return null;
  const today = wallTime(now, zone);
  const at = (back: number, hour: number) =>
    fromWallTime({ year: today.year, month: today.month, day: today.day - back, hour, minute: clock.minute }, zone);
  const hour = settleHour(clock, text);
  const back = daysBack(text, today.weekday);
  const grace = 5 * MINUTE;
  if (back !== null && back > 0) return new Date(at(back, hour)).toISOString();
  // No day, or today: the most recent such time that is not in the future.
  if (at(0, hour) <= now + grace) return new Date(at(0, hour)).toISOString();
  return new Date(at(back === 0 ? 0 : 1, hour)).toISOString();
}
