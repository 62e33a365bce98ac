import type { ParsedResult } from 'chrono-node';
// English only: the same parser as `chrono-node`'s `parse`, without loading every locale's.
import * as chrono from 'chrono-node/en';
import type { NamedZone } from './time-zones.ts';
import { zoneOffsetMinutes } from './time-zones.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** What relative wording is read against: the moment the message was written and where. */
export interface TimeReference {
  /** The `Date` header (or the time it was received); null when neither is known. */
  instant: Date | null;
  /** The zone the text names, if any. */
  zone: NamedZone | null;
  /** The `Date` header's offset, used when the text names no zone. */
  headerOffset: number | null;
}

type Parsed = ParsedResult;

const TIME_HINT = /\b\d{1,2}(?::|h)\d\d\b|\d\s?[ap]\.?m\b|\bago\b|\b(?:noon|midday|midnight)\b/i;

/** "yesterday around 3pm": chrono reads "yesterday" and "3pm" apart; the day of one, the time of the other. */
function mergeDayAndTime(day: Parsed, time: Parsed): number {
  const dayOf = (r: Parsed) => Date.UTC(r.start.get('year') ?? 0, (r.start.get('month') ?? 1) - 1, r.start.get('day') ?? 1);
  return time.start.date().getTime() + (dayOf(day) - dayOf(time));
}

/** How many lines with a clock time are read at most: the attempt's time comes early in a report. */
const MAX_LINES = 12;

interface Reading {
  ref: TimeReference;
  instant: Date;
  iana: string | null;
  timezone: string | number;
}

/** The moment of the first result that is a time of the attempt, among one line's results. */
function pick(results: readonly Parsed[], line: string, r: Reading): Date | null {
  for (let i = 0; i < results.length; i++) {
    const result = results[i];
    if (!result?.start.isCertain('hour')) continue;
    const start = result.start;
    const previous = results[i - 1];
    const gap = previous ? line.slice(previous.index + previous.text.length, result.index) : '';
    const dayBefore = previous && !previous.start.isCertain('hour') && previous.start.isCertain('day') && gap.length <= 25 && !/[.!?]/.test(gap);
    let at = dayBefore ? mergeDayAndTime(previous, result) : start.date().getTime();
    const dayKnown = dayBefore || start.isCertain('day') || start.isCertain('weekday');

    // Read in a named IANA zone at the offset of the message; a moment across a DST change moves with it.
    if (r.iana && typeof r.timezone === 'number' && !start.isCertain('timezoneOffset')) {
      const actual = zoneOffsetMinutes(r.iana, new Date(at));
      if (actual !== null) at -= (actual - r.timezone) * MINUTE_MS;
    }
    const sent = r.instant.getTime();
    // Without a moment to read against, only a date written out with its year stands on its own.
    if (!r.ref.instant && !(/\b\d{4}\b/.test(result.text) && start.isCertain('year') && start.isCertain('day'))) continue;
    // "at 3pm" written at 10am: the attempt was the day before.
    if (r.ref.instant && !dayKnown && at > sent + 10 * MINUTE_MS) at -= DAY_MS;
    if (r.ref.instant && (at > sent + 10 * MINUTE_MS || at < sent - 400 * DAY_MS)) continue;
    return new Date(Math.floor(at / 1000) * 1000);
  }
  return null;
}

/**
 * The moment of the attempt the text describes, in UTC: the first time of day it names (with its
 * day if one is given next to it), read in the zone the text names, else the `Date` header's
 * offset. A day without a time of day is not a time of the attempt; nor is a moment after the
 * message was written. Without a reference instant only a full date with a time counts.
 */
export function findOccurredAt(text: string, ref: TimeReference): Date | null {
  const instant = ref.instant ?? new Date(0);
  const iana = ref.zone?.iana ?? null;
  const timezone =
    ref.zone?.offsetMinutes ?? (iana ? zoneOffsetMinutes(iana, instant) : null) ?? ref.zone?.abbreviation ?? ref.headerOffset ?? 0;
  // A time of day needs a clock time, "3pm", "2 hours ago", noon or midnight: only lines that have
  // one go to the parser, line by line until one names the attempt. Most text is spared it.
  const lines = text.split('\n').filter((line) => TIME_HINT.test(line)).slice(0, MAX_LINES);
  for (const line of lines) {
    let results: Parsed[];
    try {
      results = chrono.parse(line.slice(0, 500), { instant, timezone });
    } catch {
      continue;
    }
    const found = pick(results, line, { ref, instant, iana, timezone });
    if (found) return found;
  }
  return null;
}

/** `2026-11-20T13:05:00Z`: the contract's UTC form, without milliseconds. */
export function toUtcString(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
