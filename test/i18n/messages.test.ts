import { describe, expect, it } from 'vitest';
import { formatMoment } from '../../src/email/mail-format.ts';
import { locales } from '../../src/i18n/locales.ts';
import { catalogues, message } from '../../src/i18n/messages.ts';

/*
 * The message catalogue (knowledge/messages/<locale>.json): English is the source; every language
 * has every key, with the same placeholders, and no text left empty or untranslated by mistake.
 */

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const english = catalogues.en as Record<string, string>;

describe('message catalogue', () => {
  for (const locale of locales) {
    it(`${locale}: has every key of the English catalogue and no other, each with the same placeholders`, () => {
      const catalogue = catalogues[locale] as Record<string, string>;
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(catalogue)) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(english[key] ?? ''));
      }
    });
  }

  it('writes each language in its own words: a sentence left in English is a mistake', () => {
    // Product names (studios) are the platform's and stay as they are; a few texts are the same words.
    const samePurposely = new Set(['email.run_line', 'de:email.understood.studio', 'pt:email.understood.prompt', 'pt:flow.packet.prompt']);
    const sentences = Object.keys(english).filter((key) => !key.startsWith('studio.') && !key.startsWith('language.') && (english[key] ?? '').includes(' '));
    for (const locale of locales.filter((l) => l !== 'en')) {
      const same = sentences.filter((key) => (catalogues[locale] as Record<string, string>)[key] === english[key] && !samePurposely.has(key) && !samePurposely.has(`${locale}:${key}`));
      expect(same, locale).toEqual([]);
    }
  });

  it('fills placeholders, leaves unknown ones, and chooses plural forms by Intl.PluralRules', () => {
    expect(message('fr', 'email.greeting_named', { name: 'Maya' })).toBe('Bonjour Maya,');
    expect(message('de', 'email.no_account', {})).toBe('Wir haben kein PrismPoster-Konto für {email} gefunden.');
    expect(message('ja', 'email.greeting')).toBe('Hello,');
    expect(() => message('en', 'no.such.key' as 'email.greeting')).toThrow(/no message/);
  });

  it('writes dates the way each language does, in the user’s zone', () => {
    const at = '2026-11-21T08:25:00Z';
    expect(formatMoment(at, 'Europe/Berlin')).toBe('21 Nov 2026, 09:25 (Europe/Berlin)');
    expect(formatMoment(at, 'Europe/Berlin', 'en')).toBe('21 Nov 2026, 09:25 (Europe/Berlin)');
    expect(formatMoment(at, 'Europe/Paris', 'fr')).toBe('21 nov. 2026, 09:25 (Europe/Paris)');
    expect(formatMoment(at, 'Europe/Madrid', 'es')).toBe('21 nov 2026, 9:25 (Europe/Madrid)');
    expect(formatMoment(at, 'Europe/Berlin', 'de')).toBe('21.11.2026, 09:25 (Europe/Berlin)');
    expect(formatMoment(at, 'America/Sao_Paulo', 'pt')).toBe('21 de nov. de 2026, 05:25 (America/Sao_Paulo)');
    expect(formatMoment(at, '+02:00', 'de')).toBe('21.11.2026, 10:25 (UTC+02:00)');
  });
});
