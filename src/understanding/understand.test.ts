import { describe, expect, it } from 'vitest';
import { CONFIDENCE_THRESHOLD, type Intent, understand } from './index.ts';

// Tuesday 24 Nov 2026, 14:30 in Berlin (UTC+1).
const now = Date.parse('2026-11-24T13:30:00Z');
const berlin = { now, timezone: 'Europe/Berlin' };
const read = (text: string) => understand(text, berlin);

describe('understand: what the issue "Understanding people" found the bot missing', () => {
  it.each<[string, Intent]>([
    ['I want a refund', 'refund'],
    ['just give me my credits back', 'refund'],
    ['can I talk to a human?', 'human'],
    ['hello?', 'greeting'],
    ["it's still giving me the same capacity error", 'still_failing'],
    ['didn’t help at all', 'still_failing'],
    ['still getting an error after retrying', 'still_failing'],
    ["it's not failing anymore", 'worked'],
    ['no more error, it finished 👍', 'worked'],
    ['videostudio keeps erroring out on me', 'report_problem'],
    ['go ahead', 'send'],
    ['Sounds right. Please submit it.', 'send'],
    ["it's fine, dont send anything", 'dont_send'],
    ["don't send it, I'll just try again later", 'dont_send'],
    ['where did my 40 credits go??', 'refund'],
    ['its been hours and its still spinning', 'still_stuck'],
    ['why does the same prompt sometimes fail and sometimes work?', 'question'],
    ['what should I include if I email support?', 'question'],
  ])('%s → %s', (text, intent) => {
    const u = read(text);
    expect(u.intent).toBe(intent);
    expect(u.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
  });

  it('never reads a complaint that says "fixed" as "it worked"', () => {
    const u = read('…failed twice with some timeout message. I really need this fixed.');
    expect(u.intent).not.toBe('worked');
    expect(u.candidates[0]?.intent).not.toBe('worked');
  });

  it('names the studio in "videostudio"', () => {
    expect(read('videostudio keeps erroring out on me').fields.studio).toBe('video');
  });
});

describe('understand: negation and its scope', () => {
  it.each<[string, Intent]>([
    ['not failing anymore', 'worked'],
    ["didn't fail this time", 'worked'],
    ['the error didnt come back this time', 'worked'],
    ["doesn't work", 'still_failing'],
    ['did not help', 'still_failing'],
    ["don't send it", 'dont_send'],
    ['please do not submit that', 'dont_send'],
    ['no need to send it', 'dont_send'],
  ])('%s → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent);
  });

  it.each(['need this fixed', 'I need it to work', 'please get it working again'])('"%s" is never "worked"', (text) => {
    expect(read(text).intent).not.toBe('worked');
  });

  it('withholds a reading its own cue words contradict, and offers the candidates', () => {
    const u = read('i thought it worked but it failed again');
    expect(u.intent).toBeNull();
    expect(u.withheld).toBe('contradicted');
    expect(u.confidence).toBeLessThan(CONFIDENCE_THRESHOLD);
    expect(u.candidates.length).toBeGreaterThan(0);
  });

  it('reads nothing into unknown words or details alone', () => {
    expect(read('banana').intent).toBeNull();
    expect(read('last night at 11').intent).toBeNull();
    expect(read('my email is maya@example.com').intent).toBeNull();
  });
});

describe('understand: language', () => {
  it('reads English when asked for a language it has no corpus for, and says so', () => {
    expect(understand('it worked', { ...berlin, locale: 'it-IT' })).toMatchObject({ locale: 'en', intent: 'worked' });
  });
});

// The old chat reader's expectations (flows/understand.test.ts), kept. Its "arrived" is read as
// worked, "contact support" as asking for a person, and a question about a charge as refund.
describe('understand: the intents the flow used to read', () => {
  it.each<[string, Intent]>([
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
    ['it arrived', 'worked'],
    ['It’s in the library now', 'worked'],
    ['still stuck', 'still_stuck'],
    ['it hasn’t arrived yet', 'still_stuck'],
    ['still processing…', 'still_stuck'],
    ['send it to support', 'send'],
    ['please contact support', 'human'],
    ['all good now', 'all_good'],
    ['everything is fine', 'all_good'],
    ['something else', 'other'],
    ['were my credits charged?', 'refund'],
  ])('%s → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent);
  });
});

describe('understand: studios', () => {
  it.each([
    ['video', 'video'],
    ['it was in Video Studio', 'video'],
    ['my music track', 'music'],
    ['the storyboard one', 'storyboard'],
    ['an image', 'image'],
    ['Image Studio, with a video reference', 'image'],
    ['I removed the reference image', null],
    ['hello', null],
  ])('%s → %s', (text, studio) => {
    expect(read(text).fields.studio).toBe(studio);
  });
});

describe('understand: times, resolved in the user’s zone (chrono-node)', () => {
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
    ['yesterday around 11', '2026-11-23T10:00:00.000Z'],
    ['it cost about 40 credits', null],
    ['at 1080p', null],
    ['this morning', null],
  ])('%s → %s', (text, iso) => {
    expect(read(text).fields.occurredAt).toBe(iso);
  });

  it('uses the zone’s offset on that day (summer time in New York)', () => {
    const july = { now: Date.parse('2026-07-01T16:00:00Z'), timezone: 'America/New_York' };
    expect(understand('at 9:40', july).fields.occurredAt).toBe('2026-07-01T13:40:00.000Z');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(understand('at 13:05', { now, timezone: 'Mars/Olympus' }).fields.occurredAt).toBe('2026-11-24T13:05:00.000Z');
  });
});

describe('understand: the report’s fields', () => {
  it('finds an email address, lower-cased', () => {
    expect(read('my email is Maya@Example.com').fields.accountEmail).toBe('maya@example.com');
  });

  it('tells a quoted prompt from a quoted error, and reads no time inside quotes', () => {
    const u = read('I typed "a city at 3pm in the rain" and got “Model timed out”');
    expect(u.fields).toMatchObject({ prompt: 'a city at 3pm in the rain', errorMessage: 'Model timed out', occurredAt: null });
  });

  it('reads a lone quote after "error" as the error', () => {
    expect(read('the error said "Rate limit exceeded"').fields).toMatchObject({ errorMessage: 'Rate limit exceeded', prompt: null });
  });

  it('reads several fields at once', () => {
    const u = read('Video Studio, yesterday around 3pm, prompt «a fox in snow», maya@example.com');
    expect(u.fields).toMatchObject({ studio: 'video', occurredAt: '2026-11-23T14:00:00.000Z', prompt: 'a fox in snow', accountEmail: 'maya@example.com' });
  });

  it('reads an unquoted error after a colon, settings, run ids and steps tried', () => {
    const u = read('It failed with: Out of memory. 4k, 2 reference images, gen_77x. I retried twice');
    expect(u.fields).toMatchObject({
      errorMessage: 'Out of memory',
      settings: { resolution: '4k', referenceImages: 2 },
      generationIds: ['gen_77x'],
      stepsTried: ['retry'],
    });
  });

  it('reads the failed studio of two', () => {
    expect(read('the image was fine but the video failed').fields.studio).toBe('video');
  });
});

describe('understand: bad input', () => {
  it('is refused with the field named', () => {
    expect(() => understand('hi', { now: Number.NaN, timezone: 'UTC' })).toThrow(/now/);
    expect(() => understand(42 as unknown as string, berlin)).toThrow(/text/);
  });
});
