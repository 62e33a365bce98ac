/**
 * The languages the desk speaks with users (English, French, Spanish, German, Portuguese). Small and
 * dependency-free: the chat API's schemas, the widget and the packet's renderers all import it.
 */
export const locales = ['en', 'fr', 'es', 'de', 'pt'] as const;
export type Locale = (typeof locales)[number];

/** The language a conversation is held in when nothing says otherwise. */
export const DEFAULT_LOCALE: Locale = 'en';

/** The language support staff read and answer in. */
export const STAFF_LOCALE: Locale = 'en';

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (locales as readonly string[]).includes(value);

/** One of ours for a BCP 47 tag ("fr-CA", "pt_BR", "DE"), or null. */
export function toLocale(tag: string | null | undefined): Locale | null {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : null;
}

/** Each language's name in English, for staff ("Language: French"). */
export const LANGUAGE_NAMES_EN: Readonly<Record<Locale, string>> = {
  en: 'English',
  fr: 'French',
  es: 'Spanish',
  de: 'German',
  pt: 'Portuguese',
};
