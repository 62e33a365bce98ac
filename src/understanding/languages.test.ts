import { describe, expect, it } from 'vitest';
import { guessLocale, type Intent, inState, understand } from './index.ts';

// Tuesday 24 Nov 2026, 14:30 in Berlin (UTC+1).
const now = Date.parse('2026-11-24T13:30:00Z');
const read = (text: string, locale: string, timezone = 'Europe/Berlin') => understand(text, { now, timezone, locale });

/** What the issue "Every user's language" found answered with "Sorry, I didn't catch that". */
describe('understand: every user’s language', () => {
  it.each<[string, string, string, Intent]>([
    ['ça marche maintenant, merci', 'fr', 'retry', 'worked'],
    ['sigue fallando', 'es', 'retry', 'still_failing'],
    ['es hat funktioniert', 'de', 'retry', 'worked'],
    ['ainda está dando erro', 'pt', 'retry', 'still_failing'],
    ['Ma génération dans Image Studio a échoué hier soir à 21h15', 'fr', 'greeting', 'report_problem'],
  ])('%s (%s) → %s', (text, locale, state, intent) => {
    const u = read(text, locale);
    expect(u.locale).toBe(locale);
    expect(u.intent && inState(u.intent, state)).toBe(intent);
  });

  it('reads the studio and the time of "Ma génération dans Image Studio a échoué hier soir à 21h15" in the user’s zone', () => {
    expect(read('Ma génération dans Image Studio a échoué hier soir à 21h15', 'fr').fields).toMatchObject({ studio: 'image', occurredAt: '2026-11-23T20:15:00.000Z' });
    // 08:30 in Montréal: "hier soir à 21h15" is 21:15 there the day before, 02:15 UTC.
    expect(read('Ma génération dans Image Studio a échoué hier soir à 21h15', 'fr', 'America/Montreal').fields.occurredAt).toBe('2026-11-24T02:15:00.000Z');
  });

  it.each<[string, string, Intent]>([
    ['ça marche plus', 'fr', 'still_failing'],
    ['ça marche maintenant', 'fr', 'worked'],
    ['ça marche toujours pas', 'fr', 'still_failing'],
    ["plus d'erreur, c'est bon", 'fr', 'worked'],
    ['ya no falla', 'es', 'worked'],
    ['no funciona', 'es', 'still_failing'],
    ['geht immer noch nicht', 'de', 'still_failing'],
    ['kein Fehler mehr', 'de', 'worked'],
    ['não deu certo', 'pt', 'still_failing'],
    ['não dá mais erro', 'pt', 'worked'],
  ])('negation in its place: %s (%s) → %s', (text, locale, intent) => {
    expect(read(text, locale).intent).toBe(intent);
  });

  it.each<[string, string, string]>([
    ['hier soir vers 21h', 'fr', '2026-11-23T20:00:00.000Z'],
    ['il y a 2 heures', 'fr', '2026-11-24T11:30:00.000Z'],
    ['ayer a las 18:30', 'es', '2026-11-23T17:30:00.000Z'],
    ['hace una hora', 'es', '2026-11-24T12:30:00.000Z'],
    ['anoche a las 11', 'es', '2026-11-23T22:00:00.000Z'],
    ['gestern um 14 Uhr', 'de', '2026-11-23T13:00:00.000Z'],
    ['um 14 Uhr ist es abgestürzt', 'de', '2026-11-24T13:00:00.000Z'],
    ['ontem às 9h', 'pt', '2026-11-23T08:00:00.000Z'],
    ['há 2 horas', 'pt', '2026-11-24T11:30:00.000Z'],
  ])('times with chrono-node’s parser of the language: %s (%s)', (text, locale, iso) => {
    expect(read(text, locale).fields.occurredAt).toBe(iso);
  });

  it.each<[string, string]>([
    ['Erreur : Rate limit exceeded\nInvite : un phare dans la brume\nHeure : 14:05', 'fr'],
    ['Error: Rate limit exceeded\nPrompt: un faro en la niebla\nHora: 14:05', 'es'],
    ['Fehler: Rate limit exceeded\nPrompt: ein Leuchtturm im Nebel\nZeit: 14:05', 'de'],
    ['Erro: Rate limit exceeded\nPrompt: um farol na neblina\nHora: 14:05', 'pt'],
  ])('labelled lines: %s', (text, locale) => {
    const { fields } = read(text, locale);
    expect(fields.errorMessage).toBe('Rate limit exceeded');
    expect(fields.prompt).toMatch(/^(?:un phare dans la brume|un faro en la niebla|ein Leuchtturm im Nebel|um farol na neblina)$/);
    expect(fields.occurredAt).toBe('2026-11-24T13:05:00.000Z');
  });

  it.each<[string, string]>([
    ['ça a planté dans le studio vidéo', 'fr'],
    ['falló en el Estudio de Video', 'es'],
    ['im Video-Studio abgestürzt', 'de'],
    ['falhou no estúdio de vídeo', 'pt'],
  ])('studios named the local way: %s', (text, locale) => {
    expect(read(text, locale).fields.studio).toBe('video');
  });
});

describe('guessLocale: the first message’s language, or none when unsure', () => {
  it.each(['ok', 'merci', 'gracias', 'danke', 'obrigado', 'no', '👍', '4k'])('"%s" is every language: null', (text) => {
    expect(guessLocale(text)).toBeNull();
  });

  it.each([
    ['Ma génération dans Image Studio a échoué hier soir', 'fr'],
    ['mi video se quedó cargando desde ayer', 'es'],
    ['mein Video hängt seit einer Stunde', 'de'],
    ['meu vídeo travou no processamento', 'pt'],
    ['my video has been stuck for an hour', 'en'],
  ])('%s → %s', (text, locale) => {
    expect(guessLocale(text)).toBe(locale);
  });

  it('reads the user’s words, not the prompt they quote', () => {
    expect(guessLocale('ma vidéo "a lighthouse in the fog at night, cinematic" a encore échoué cette nuit')).toBe('fr');
  });

  it('answers null for a script none of the five is written in', () => {
    expect(guessLocale('генерация видео не работает уже второй день')).toBeNull();
  });

  it('reads a message without a locale in the language it is sure of, English otherwise', () => {
    expect(understand('ma vidéo a encore planté hier soir', { now, timezone: 'Europe/Paris' }).locale).toBe('fr');
    expect(understand('ok', { now, timezone: 'Europe/Paris' }).locale).toBe('en');
  });
});
