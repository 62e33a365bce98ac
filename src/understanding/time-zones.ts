import { own } from '../core/own.ts';

/**
 * A time zone as a user names it, normalized for the report (`name`) and for reading times
 * (`chrono`: an abbreviation chrono-node knows, with its own DST rules, or a fixed offset in
 * minutes; `iana`: the zone whose offset at the moment itself is used).
 */
export interface NamedZone {
  name: string;
  iana: string | null;
  abbreviation: string | null;
  offsetMinutes: number | null;
}

/** Abbreviations that mean one zone only. */
const UNAMBIGUOUS: Record<string, string> = {
  UTC: 'UTC',
  JST: 'Asia/Tokyo',
  HKT: 'Asia/Hong_Kong',
  SGT: 'Asia/Singapore',
  NZST: 'Pacific/Auckland',
  NZDT: 'Pacific/Auckland',
};

/** Abbreviations several zones share (CET is Paris and Berlin and Warsaw…): kept as written. */
const AMBIGUOUS = new Set(
  'CET CEST EET EEST WET WEST BST GMT EST EDT CST CDT MST MDT PST PDT AKST AKDT IST AEST AEDT ACST AWST KST'.split(' '),
);
const SHORT = new Set(['ET', 'PT', 'CT', 'MT']);

/** Names people use for zones rather than cities. */
const PHRASES: Record<string, string> = {
  pacific: 'PT',
  eastern: 'ET',
  central: 'CT',
  mountain: 'MT',
  'central european': 'CET',
  'eastern european': 'EET',
  'western european': 'WET',
  uk: 'Europe/London',
  british: 'Europe/London',
  japan: 'Asia/Tokyo',
  japanese: 'Asia/Tokyo',
  india: 'Asia/Kolkata',
  indian: 'Asia/Kolkata',
  greenwich: 'GMT',
  universal: 'UTC',
};

let cities: Map<string, string> | null = null;

/** City name (`new york`) → IANA zone, for the cities the runtime's zone list names once. */
function cityZones(): Map<string, string> {
  if (cities) return cities;
  const counts = new Map<string, string | null>();
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  for (const zone of zones) {
    const city = zone.split('/').at(-1)?.replace(/_/g, ' ').toLowerCase();
    if (city && zone.includes('/') && !zone.startsWith('Etc/')) counts.set(city, counts.has(city) ? null : zone);
  }
  cities = new Map([...counts].filter((e): e is [string, string] => e[1] !== null));
  return cities;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** The zone's offset from UTC at `at`, in minutes, or null when the runtime does not know the zone. */
export function zoneOffsetMinutes(zone: string, at: Date): number | null {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      formatter = null;
    }
    formatters.set(zone, formatter);
  }
  if (!formatter || Number.isNaN(at.getTime())) return null;
  const name = formatter.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const canonicalNames = new Map<string, string | null>();

/** The runtime's canonical name of an IANA zone, or null when it is not one (remembered: a formatter is costly to make). */
function canonicalZone(name: string): string | null {
  let canonical = canonicalNames.get(name);
  if (canonical === undefined) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      canonical = null;
    }
    // Bounded: a message can name any string that looks like a zone.
    if (canonicalNames.size < 1000) canonicalNames.set(name, canonical);
  }
  return canonical;
}

/** True when the runtime knows `name` as an IANA zone. */
export function isIanaZone(name: string): boolean {
  return canonicalZone(name) !== null;
}

/** `+01:00` for 60. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const OBSOLETE_ZONES: Record<string, number> = { UT: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/** The offset a `Date` header was written in (`+0100`, or an RFC 822 zone name), in minutes. */
export function dateHeaderOffset(value: string | undefined): number | null {
  if (!value) return null;
  const cleaned = value.replace(/\([^()]*\)/g, ' ').trim();
  const m = /(?:^|\s)([+-])(\d{2}):?(\d{2})$/.exec(cleaned);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const zone = /\s([A-Z]{1,3})$/.exec(cleaned)?.[1];
  return zone !== undefined ? (OBSOLETE_ZONES[zone] ?? null) : null;
}

const zone = (name: string): NamedZone => {
  const iana = name.includes('/') || name === 'UTC' ? name : null;
  return { name, iana, abbreviation: iana ? null : name, offsetMinutes: null };
};

function fromWord(word: string): NamedZone | null {
  const key = word.trim().toLowerCase().replace(/\s+/g, ' ');
  const phrase = own(PHRASES, key);
  if (phrase) return zone(phrase);
  const city = cityZones().get(key);
  return city ? zone(city) : null;
}

const IANA_NAME = /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?/;
const OFFSET = /\b(?:UTC|GMT)\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?\b/;
const ZONE_WORD = /\b([a-z]+(?: [a-z]+)?) (?:time|timezone|time zone)\b/gi;
const TIME_IN = /\b(?:time (?:in|here in)|(?:I'm|I am|I live|living|we are|we're|based|located|here) in)\s+([a-z]+(?: [a-z]+)?)/gi;
const ABBREVIATION = /\b([A-Z]{3,4})\b/g;
const SHORT_AFTER_TIME = /\d(?:\s?[ap]\.?m\.?)?\s?\(?\b(ET|PT|CT|MT)\b/;

/**
 * The time zone the text names, if any: an IANA name, a `UTC+2` offset, "Berlin time", "I'm in
 * Tokyo", "Pacific time", or an abbreviation. IANA where one zone is meant; an ambiguous
 * abbreviation (CET, EST) stays as written.
 */
export function findNamedZone(text: string): NamedZone | null {
  const iana = IANA_NAME.exec(text)?.[0];
  const canonical = iana ? canonicalZone(iana) : null;
  if (canonical) return zone(canonical);

  const offset = OFFSET.exec(text);
  if (offset) {
    const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
    return { name: formatOffset(minutes), iana: null, abbreviation: null, offsetMinutes: minutes };
  }

  for (const pattern of [ZONE_WORD, TIME_IN]) {
    for (const m of text.matchAll(pattern)) {
      const words = (m[1] ?? '').split(' ');
      // "around Berlin time", "in Berlin and": the whole capture, then its last and first word.
      const found = fromWord(words.join(' ')) ?? fromWord(words.at(-1) ?? '') ?? fromWord(words[0] ?? '');
      if (found) return found;
    }
  }

  for (const m of text.matchAll(ABBREVIATION)) {
    const abbr = m[1] ?? '';
    const mapped = UNAMBIGUOUS[abbr];
    if (mapped) return zone(mapped);
    if (AMBIGUOUS.has(abbr)) return zone(abbr);
  }
  const short = SHORT_AFTER_TIME.exec(text)?.[1];
  return short && SHORT.has(short) ? zone(short) : null;
}
