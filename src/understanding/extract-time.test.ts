import { describe, expect, it } from 'vitest';
import { findOccurredAt as find, type TimeReference } from './extract-time.ts';
import { en } from './locales/en.ts';
import { findNamedZone } from './time-zones.ts';

/** The email intake's times (moved here with src/email/extract-time.ts). */
const findOccurredAt = (text: string, ref: TimeReference) => find(text, ref, en);

/** Written Saturday 21 Nov 2026, 10:12 in Berlin (+01:00). */
const instant = new Date('2026-11-21T09:12:00Z');
const at = (text: string, ref: { zone?: string; headerOffset?: number | null; instant?: Date | null } = {}) =>
  findOccurredAt(text, {
    instant: ref.instant === undefined ? instant : ref.instant,
    zone: ref.zone ? findNamedZone(ref.zone) : null,
    headerOffset: ref.headerOffset === undefined ? 60 : ref.headerOffset,
  })?.toISOString() ?? null;

describe('findOccurredAt', () => {
  it.each([
    ['yesterday around 2:05pm', '2026-11-20T13:05:00.000Z'],
    ['this morning at 9:40', '2026-11-21T08:40:00.000Z'],
    ['about 2 hours ago', '2026-11-21T07:12:00.000Z'],
    ['on Nov 20 at 14:05', '2026-11-20T13:05:00.000Z'],
    ['at 3pm', '2026-11-20T14:00:00.000Z'],
    ['on Friday at 18:30', '2026-11-20T17:30:00.000Z'],
  ])('reads "%s" against the Date header\'s offset', (text, expected) => {
    expect(at(text)).toBe(expected);
  });

  it('reads in the zone the text names, before the header\'s offset', () => {
    expect(at('yesterday at 3pm', { zone: 'Tokyo time', headerOffset: 60 })).toBe('2026-11-20T06:00:00.000Z');
    expect(at('yesterday at 3pm', { zone: 'CET', headerOffset: -300 })).toBe('2026-11-20T14:00:00.000Z');
    expect(at('at 3pm EST')).toBe('2026-11-20T20:00:00.000Z');
  });

  it('moves with DST when the named zone changes offset between the message and the attempt', () => {
    const inSpring = new Date('2026-03-30T08:00:00Z'); // Monday after Europe's switch to summer time
    expect(at('on March 28 at 10:00', { zone: 'Europe/Berlin', instant: inSpring })).toBe('2026-03-28T09:00:00.000Z');
  });

  it.each(['yesterday', 'this morning', 'tomorrow at 3pm I will try again', 'a 4k video with 1 reference image, 8 seconds long', 'no time at all'])(
    'gives no time for "%s"',
    (text) => {
      expect(at(text)).toBeNull();
    },
  );

  it('without a reference moment, only a full date with a time counts', () => {
    expect(at('yesterday at 3pm', { instant: null })).toBeNull();
    expect(at('on 20 November 2026 at 14:05', { instant: null, headerOffset: 60 })).toBe('2026-11-20T13:05:00.000Z');
  });
});
