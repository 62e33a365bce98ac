import { describe, expect, it } from 'vitest';
import { understand, understandEmail } from '../../src/understanding/index.ts';

/** The understanding module inside workerd: the trained model loads as code, NLP.js and chrono-node run without Node. */
describe('understanding on Workers', () => {
  const now = Date.parse('2026-11-24T13:30:00Z');

  it('reads intents with their negation, and the fields of a chat message', () => {
    expect(understand("it's not failing anymore", { now, timezone: 'Europe/Berlin' })).toMatchObject({ locale: 'en', intent: 'worked' });
    expect(understand("don't send it, I'll just try again later", { now, timezone: 'Europe/Berlin' }).intent).toBe('dont_send');
    const u = understand('videostudio failed yesterday around 3pm, prompt "a fox in snow"', { now, timezone: 'Europe/Berlin' });
    expect(u.fields).toMatchObject({ studio: 'video', prompt: 'a fox in snow', occurredAt: '2026-11-23T14:00:00.000Z' });
  });

  it('reads French, Spanish, German and Portuguese with their stemmers, chrono-node parsers and language guess', () => {
    expect(understand('ça marche plus', { now, timezone: 'Europe/Paris', locale: 'fr' }).intent).toBe('still_failing');
    expect(understand('ya no falla', { now, timezone: 'Europe/Madrid', locale: 'es' }).intent).toBe('worked');
    expect(understand('gestern um 14 Uhr im Video-Studio', { now, timezone: 'Europe/Berlin', locale: 'de' }).fields).toMatchObject({ studio: 'video', occurredAt: '2026-11-23T13:00:00.000Z' });
    expect(understand('meu vídeo travou no processamento', { now, timezone: 'America/Sao_Paulo' }).locale).toBe('pt');
  });

  it('reads an emailed report', () => {
    const u = understandEmail({
      subject: 'Image failed',
      own: 'It failed with: Out of memory\nTime: 2026-11-20T01:12:44Z',
      forwarded: null,
      sentAt: Date.parse('2026-11-20T09:00:00Z'),
      headerOffset: 60,
    });
    expect(u.fields).toMatchObject({ studio: 'image', errorMessage: 'Out of memory', occurredAt: '2026-11-20T01:12:44Z' });
  });
});
