/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl.DateTimeFormat`, so that it runs
 * the same on Node and on Cloudflare Workers.
 */

/** A wall-clock reading in some zone; `month` is 1–12, `weekday` 0 (Sunday) – 6. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when `zone` is an IANA zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone itself when valid, else `UTC`. */
export function safeZone(zone: string | null | undefined): string {
  return zone && isValidZone(zone) ? zone : 'UTC';
}

/** The wall clock in `zone` at the instant `ms`. */
export function wallTime(ms: number, zone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(safeZone(zone)).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    // Some engines still say 24 for midnight even with h23.
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: Math.max(0, weekdays.indexOf(parts.weekday ?? '')),
  };
}

/** How far `zone`'s wall clock is ahead of UTC at the instant `ms`, in milliseconds. */
export function zoneOffsetMs(ms: number, zone: string): number {
  const w = wallTime(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which `zone`'s wall clock reads the given date and time. Day and month overflow
 * normalise like `Date.UTC` (day 0 is the last day of the previous month).
 */
export function fromWallTime(
  t: { year: number; month: number; day: number; hour: number; minute: number },
  zone: string,
): number {
  const guess = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  // Two rounds settle the offset, also next to a DST change.
  const first = guess - zoneOffsetMs(guess, zone);
  return guess - zoneOffsetMs(first, zone);
}

/** Short weekday name (`Mon`) for 0–6. */
export function weekdayName(weekday: number): string {
  return weekdays[weekday] ?? '';
}
