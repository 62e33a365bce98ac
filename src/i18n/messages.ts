import de from '../../knowledge/messages/de.json' with { type: 'json' };
import en from '../../knowledge/messages/en.json' with { type: 'json' };
import es from '../../knowledge/messages/es.json' with { type: 'json' };
import fr from '../../knowledge/messages/fr.json' with { type: 'json' };
import pt from '../../knowledge/messages/pt.json' with { type: 'json' };
import { DEFAULT_LOCALE, type Locale, isLocale } from './locales.ts';

/**
 * Every text the desk writes to a user, by key, in each language: `knowledge/messages/<locale>.json`
 * (English is the source; test/i18n/messages.test.ts holds every language to its keys and
 * placeholders). `{name}` is a placeholder; a key with `_one`/`_other` variants is chosen by
 * `Intl.PluralRules` on `count`.
 */
export type MessageKey = keyof typeof en;
/** A key whose text is chosen by `count` among its `_one`/`_other` variants: `flow.credits`. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;
export type Catalogue = Readonly<Record<MessageKey, string>>;

export const catalogues: Readonly<Record<Locale, Catalogue>> = { en, fr, es, de, pt };

export type MessageParams = Readonly<Record<string, string | number>>;

const pluralRules = new Map<Locale, Intl.PluralRules>();

/** The language's text for `key` with its placeholders filled; a language's missing key falls back to English. */
export function message(locale: string | null | undefined, key: MessageKey | PluralKey | `${string}_${'one' | 'other'}`, params: MessageParams = {}): string {
  const lang = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const catalogue = catalogues[lang] as Record<string, string>;
  const english = catalogues[DEFAULT_LOCALE] as Record<string, string>;
  let template = catalogue[key] ?? english[key];
  if (template === undefined && typeof params.count === 'number') {
    let rules = pluralRules.get(lang);
    if (!rules) {
      rules = new Intl.PluralRules(lang);
      pluralRules.set(lang, rules);
    }
    const form = `${key}_${rules.select(params.count)}`;
    template = catalogue[form] ?? catalogue[`${key}_other`] ?? english[`${key}_other`];
  }
  if (template === undefined) throw new Error(`no message ${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** A function that writes in one language: `const t = translator('fr'); t('email.greeting')`. */
export function translator(locale: string | null | undefined) {
  return (key: MessageKey, params?: MessageParams) => message(locale, key, params);
}

/** How each language writes dates: English as the desk always has (day month year, 24 h). */
const DATE_LOCALES: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR', es: 'es-ES', de: 'de-DE', pt: 'pt-BR' };

/** The BCP 47 tag `Intl.DateTimeFormat` formats a language's dates with. */
export const dateLocaleOf = (locale: string | null | undefined): string => DATE_LOCALES[isLocale(locale) ? locale : DEFAULT_LOCALE];
