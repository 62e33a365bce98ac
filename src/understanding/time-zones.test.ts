import * as chrono from 'chrono-node';
import { describe, expect, it } from 'vitest';
import { dateHeaderOffset, findNamedZone, formatOffset, zoneOffsetMinutes } from './time-zones.ts';

describe('findNamedZone', () => {
  it.each([
    ['it failed at 9:40 (Europe/Berlin)', 'Europe/Berlin'],
    ['around 3pm Berlin time', 'Europe/Berlin'],
    ["I'm in New York", 'America/New_York'],
    ['here in the UK', 'Europe/London'],
    ['at 2pm Japan time', 'Asia/Tokyo'],
    ['at 14:05 JST', 'Asia/Tokyo'],
    ['at 14:05 UTC', 'UTC'],
    ['at 14:05 CET', 'CET'],
    ['at 10:15 am EST', 'EST'],
    ['at 6pm Pacific time', 'PT'],
    ['at 6pm PT', 'PT'],
    ['at 14:00 UTC+2', '+02:00'],
    ['at 14:00 GMT-03:30', '-03:30'],
  ])('%s → %s', (text, name) => {
    expect(findNamedZone(text)?.name).toBe(name);
  });

  it.each(['it failed yesterday', 'a long time ago', 'I used the PNG export', 'in time for my deadline'])('names no zone in "%s"', (text) => {
    expect(findNamedZone(text)).toBeNull();
  });

  it('keeps only abbreviations chrono-node can read as a reference zone', () => {
    for (const abbreviation of 'CET CEST EET EEST WET WEST BST GMT EST EDT CST CDT MST MDT PST PDT AKST AKDT IST AEST AEDT ACST AWST KST ET PT CT MT'.split(' ')) {
      const [result] = chrono.parse(`at 10:00 ${abbreviation}`, new Date('2026-11-21T00:00:00Z'));
      expect(result?.start.isCertain('timezoneOffset'), abbreviation).toBe(true);
    }
  });
});

describe('offsets', () => {
  it('reads the Date header offset, numeric or an RFC 822 zone name', () => {
    expect(dateHeaderOffset('Sat, 21 Nov 2026 10:58:00 +0100')).toBe(60);
    expect(dateHeaderOffset('Sat, 21 Nov 2026 10:58:00 -0330 (NST)')).toBe(-210);
    expect(dateHeaderOffset('Sat, 21 Nov 2026 10:58:00 EST')).toBe(-300);
    expect(dateHeaderOffset('garbage')).toBeNull();
    expect(dateHeaderOffset(undefined)).toBeNull();
  });

  it('knows an IANA zone\'s offset at a moment, DST included', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', new Date('2026-11-21T00:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', new Date('2026-07-01T00:00:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('Asia/Kolkata', new Date('2026-07-01T00:00:00Z'))).toBe(330);
    expect(zoneOffsetMinutes('Not/AZone', new Date())).toBeNull();
    expect([formatOffset(60), formatOffset(-210), formatOffset(0)]).toEqual(['+01:00', '-03:30', '+00:00']);
  });
});
