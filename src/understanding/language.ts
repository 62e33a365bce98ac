import { Language } from '@nlpjs/language-min';
import { defaultLocale, localePacks } from './locales/index.ts';
import { models } from './models.ts';
import { prepareText } from './prepare-text.ts';
import { own } from '../core/own.ts';
import { EMAIL_ADDRESS } from './email-address.ts';

let guesser: Language | null = null;

/** NLP.js's trigram guesser, knowing the languages we have packs for. */
function languageGuesser(): Language {
  if (!guesser) {
    guesser = new Language();
    for (const pack of Object.values(localePacks)) pack.registerTrigrams(guesser);
  }
  return guesser;
}

/** Below this many letters a guess is noise ("ok", "merci", "no"), as Intercom waits for a few words. */
const MIN_LETTERS = 12;
/** How far ahead of the runner-up the best language must be, on the sum of the two scores below. */
const MIN_LEAD = 0.3;
/** A language shows in the first lines: a long mail costs the guess no more than a short one. */
const MAX_GUESSED = 2000;
/** Every language's known words, as its model's features name them. */
const vocabularies = new Map<string, ReadonlySet<string>>();

/**
 * The share of the text's words that the language's own corpus has (its model's features):
 * trigrams alone tell "sigue fallando" from Portuguese badly; a word the Spanish corpus has is
 * evidence that no lookup list could be.
 */
function knownShare(text: string, locale: string): number {
  const pack = localePacks[locale];
  const model = models[locale];
  if (!pack || !model) return 0;
  let vocabulary = vocabularies.get(locale);
  if (!vocabulary) {
    vocabulary = new Set(model.network.features);
    vocabularies.set(locale, vocabulary);
  }
  const tokens = prepareText(text, pack).tokens.filter((t) => !t.stem.startsWith('emoji_'));
  if (tokens.length === 0) return 0;
  return tokens.filter((t) => vocabulary.has(t.stem) || vocabulary.has(`not_${t.stem}`)).length / tokens.length;
}
/** What is not the user's own language: quotes (a prompt, an error), links, addresses, run ids, numbers. */
const NOT_THEIR_WORDS = new RegExp(String.raw`“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|"[^"\n]*"|https?://\S+|${EMAIL_ADDRESS}|\bgen_[\w-]+|\bPKT-[A-Z0-9]+|[\d:.,/-]+`, 'gu');

/** NLP.js's trigram scores; its guesser throws on a script none of our languages is written in (Cyrillic). */
function trigramGuess(text: string, supported: string[]): Array<{ alpha2: string; score: number }> {
  try {
    return languageGuesser().guess(text, supported, supported.length);
  } catch {
    return [];
  }
}

/**
 * The language `text` is written in, among those we read, or null when unsure: too few letters
 * ("ok", "merci", "👍" are every language), or two languages too close to call. Each language
 * scores NLP.js's trigram guess (the best 1) plus the share of words its corpus knows. A
 * conversation keeps its language on a null; only a sure guess sets or changes it.
 */
export function guessLocale(text: string): string | null {
  const own = text.slice(0, MAX_GUESSED).replace(NOT_THEIR_WORDS, ' ');
  if ((own.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return null;
  const supported = Object.keys(localePacks);
  if (supported.length === 1) return supported[0] ?? null;
  const trigrams = new Map(trigramGuess(own, supported).map((g) => [g.alpha2, g.score]));
  const [best, second] = supported
    .map((locale) => ({ locale, score: (trigrams.get(locale) ?? 0) + knownShare(own, locale) }))
    .sort((a, b) => b.score - a.score);
  if (!best || (second && best.score - second.score < MIN_LEAD)) return null;
  return best.locale;
}

/**
 * The locale to read `text` in: the one asked for when we have it, else a sure guess among the
 * languages we have, else the default.
 */
export function pickLocale(text: string, asked?: string | null): string {
  const base = asked?.toLowerCase().split(/[-_]/)[0];
  if (base && own(localePacks, base)) return base;
  return guessLocale(text) ?? defaultLocale;
}
