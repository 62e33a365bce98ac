import { Language } from '@nlpjs/language-min';
import { defaultLocale, localePacks } from './locales/index.ts';

let guesser: Language | null = null;

/** NLP.js's trigram guesser, knowing the languages we have packs for. */
function languageGuesser(): Language {
  if (!guesser) {
    guesser = new Language();
    for (const pack of Object.values(localePacks)) pack.registerTrigrams(guesser);
  }
  return guesser;
}

/** Below this many letters a guess is noise ("ok", "no"): the default language is read. */
const MIN_LETTERS = 12;

/**
 * The locale to read `text` in: the one asked for when we have it, else NLP.js's guess among the
 * languages we have, else the default. Short messages keep the default: "ok" is every language.
 */
export function pickLocale(text: string, asked?: string | null): string {
  const base = asked?.toLowerCase().split(/[-_]/)[0];
  if (base && localePacks[base]) return base;
  const supported = Object.keys(localePacks);
  if (supported.length === 1) return supported[0] ?? defaultLocale;
  if ((text.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return defaultLocale;
  const best = languageGuesser().guess(text, supported, 1)[0];
  return best && localePacks[best.alpha2] ? best.alpha2 : defaultLocale;
}
