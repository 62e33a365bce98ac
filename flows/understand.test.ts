import { describe, expect, it } from 'vitest';
import type { Understanding } from './types.ts';
import { understand } from './understand.ts';

// Tuesday 24 Nov 2026, 14:30 in Berlin (UTC+1).
const now = Date.parse('2026-11-24T13:30:00Z');
const berlin = { now, timezone: 'Europe/Berlin' };

describe('understand: intents', () => {
  it.each<[string, Understanding['intent']]>([
    ['yes', 'yes'],
    ['Yep, please', 'yes'],
    ['ok', 'yes'],
    ['no', 'no'],
    ['Nope.', 'no'],
    ['it worked!', 'worked'],
    ['Works now, thanks', 'worked'],
    ['fixed', 'worked'],
    ['That did it', 'worked'],
    ['still failing', 'still_failing'],
    ['It didn’t work', 'still_failing'],
    ['did not work either', 'still_failing'],
    ['same error as before', 'still_failing'],
    ['no, it failed again', 'still_failing'],
    ['not fixed', 'still_failing'],
    ['it arrived', 'arrived'],
    ['It’s in the library now', 'arrived'],
    ['still stuck', 'still_stuck'],
    ['it hasn’t arrived yet', 'still_stuck'],
    ['still processing…', 'still_stuck'],
    ['send it to support', 'send'],
    ['please contact support', 'send'],
    ['all good now', 'all_good'],
    ['everything is fine', 'all_good'],
    ['something else', 'other'],
    ['were my credits charged?', null],
  ])('%s → %s', (text, intent) => {
    expect(understand(text, berlin).intent).toBe(intent);
  });
});

describe('understand: studios', () => {
  it.each<[string, Understanding['studio']]>([
    ['video', 'video'],
    ['it was in Video Studio', 'video'],
    ['my music track', 'music'],
    ['the storyboard one', 'storyboard'],
    ['an image', 'image'],
    ['Image Studio, with a video reference', 'image'],
    ['I removed the reference image', null],
    ['hello', null],
  ])('%s → %s', (text, studio) => {
    expect(understand(text, berlin).studio).toBe(studio);
  });
});

describe('understand: times, resolved in the user’s zone', () => {
  it.each<[string, string | null]>([
    ['at 14:05', '2026-11-24T13:05:00.000Z'],
    ['around 2pm', '2026-11-24T13:00:00.000Z'],
    // 15:00 has not come yet today, so it was yesterday.
    ['around 3pm', '2026-11-23T14:00:00.000Z'],
    ['this morning at 9:40', '2026-11-24T08:40:00.000Z'],
    ['yesterday around 3pm', '2026-11-23T14:00:00.000Z'],
    ['yesterday at 3', '2026-11-23T14:00:00.000Z'],
    ['at 9', '2026-11-24T08:00:00.000Z'],
    ['last night at 11', '2026-11-23T22:00:00.000Z'],
    ['on Monday at 10:15', '2026-11-23T09:15:00.000Z'],
    ['at noon', '2026-11-24T11:00:00.000Z'],
    ['3:30 p.m. yesterday', '2026-11-23T14:30:00.000Z'],
    ['10 minutes ago', '2026-11-24T13:20:00.000Z'],
    ['an hour ago', '2026-11-24T12:30:00.000Z'],
    ['half an hour ago', '2026-11-24T13:00:00.000Z'],
    ['it cost about 40 credits', null],
    ['at 1080p', null],
    ['this morning', null],
  ])('%s → %s', (text, iso) => {
    expect(understand(text, berlin).occurredAt).toBe(iso);
  });

  it('uses the zone’s offset on that day (summer time in New York)', () => {
    const july = { now: Date.parse('2026-07-01T16:00:00Z'), timezone: 'America/New_York' };
    expect(understand('at 9:40', july).occurredAt).toBe('2026-07-01T13:40:00.000Z');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(understand('at 13:05', { now, timezone: 'Mars/Olympus' }).occurredAt).toBe('2026-11-24T13:05:00.000Z');
  });
});

describe('understand: email and quotes', () => {
  it('finds an email address, lower-cased', () => {
    expect(understand('my email is Maya@Example.com', berlin).email).toBe('maya@example.com');
  });

  it('tells a quoted prompt from a quoted error, and reads no time inside quotes', () => {
    const u = understand('I typed "a city at 3pm in the rain" and got “Model timed out”', berlin);
    expect(u).toMatchObject({ prompt: 'a city at 3pm in the rain', errorMessage: 'Model timed out', occurredAt: null });
  });

  it('reads a lone quote after "error" as the error', () => {
    expect(understand('the error said "Rate limit exceeded"', berlin)).toMatchObject({ errorMessage: 'Rate limit exceeded', prompt: null });
  });

  it('reads several fields at once', () => {
    const u = understand('Video Studio, yesterday around 3pm, prompt «a fox in snow», maya@example.com', berlin);
    expect(u).toMatchObject({ studio: 'video', occurredAt: '2026-11-23T14:00:00.000Z', prompt: 'a fox in snow', email: 'maya@example.com' });
  });
});
