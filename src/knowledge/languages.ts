import type { Locale } from '../i18n/locales.ts';
import { localePacks } from '../understanding/locales/index.ts';
import { isQuestion as isEnglishQuestion } from './is-question.ts';

/** How one language's articles are searched: which words count, and what a question looks like. */
export interface SearchRules {
  /** A word as the index keeps it (stemmed, accents off), or null for a word that carries no topic. */
  processTerm(term: string): string | null;
  isQuestion(text: string): boolean;
}

// Function words, and the small talk of a troubleshooting chat ("yes", "still", "thanks"), carry
// no topic; dropping them keeps "it worked" or "still failing" from matching an article.
const ENGLISH_STOP_WORDS = new Set(
  ('a about after again all also am an and any are as at be been but by can could did do does ' +
    'for from get got had has have hello hey hi how i if in is it its just me my no not now of ' +
    'happened help ok okay on or our please should so some still thank thanks that the their them ' +
    'then there these they this to too us was we were what when where which who why will with work ' +
    'worked working works would yes you your')
    .split(' '),
);

/**
 * The same for the other languages (written without accents: terms are normalized first), and the
 * words a question opens with ("pourquoi…", "¿cómo…", "warum…", "por que…").
 */
const OTHER: Record<Exclude<Locale, 'en'>, { stop: string; openers: string }> = {
  fr: {
    stop:
      'a ai as au aux avec avez avoir c ca ce ces cet cette comment d dans de des dois doit du elle en encore est et etait ete fait ' +
      'faut il ils j je l la le les leur lui m ma mais me merci mes moi mon n ne nos notre nous on ou par pas peut peux plus pour ' +
      'pourquoi qu quand que quel quelle quels qui quoi s sa salut se ses si son sont sur t ta te tes toi ton toujours tu un une ' +
      'vos votre vous y bonjour oui non ok svp marche marcher fonctionne',
    openers: 'comment pourquoi quand ou quel quelle quels quelles qui que quoi combien est puis dois faut peut peux ai avez y',
  },
  es: {
    stop:
      'a al algo como con cual cuando de del donde el ella en es esta estan este esto ha hay he la las le les lo los me mi mis ' +
      'muy no nos o otra otro para pero por porque que se si sin sobre su sus te tengo ti tu tus un una uno y ya yo hola gracias ' +
      'vale ok sigue sigo todavia aun funciona funciono puedo debo',
    openers: 'que como cuando donde cual cuales quien cuanto cuantos cuanta por puedo debo hay tengo es se',
  },
  de: {
    stop:
      'aber alle als am an auch auf aus bei bin bis bitte da danke das dass dein dem den der des die doch du ein eine einem einen ' +
      'einer es fur gibt hab habe hallo hat hatte ich ihr ihre im in ist ja kann mein meine mich mir mit muss nach nein nicht noch ' +
      'nun nur ob oder ok schon sein sich sie sind so soll und uns unser vom von war warum was wenn wer wie wieso wird wo wurde zu ' +
      'zum zur immer funktioniert klappt',
    openers: 'was warum wieso weshalb wie wann wo wer welche welcher welches wohin kann konnen muss soll sollte ist sind habe hat gibt bekomme wird wurde',
  },
  pt: {
    stop:
      'a ao aos as com como da das de do dos e ela ele em esta este eu foi ha isso ja la lhe mais mas me meu minha na nao nas ' +
      'no nos o os ou para pela pelo por porque que se sem seu sua tem tenho te voce voces um uma obrigado obrigada oi ola ok ' +
      'ainda continua funciona funcionou posso devo cade',
    openers: 'que como quando onde qual quais quem quanto quantos por posso devo tem ha e cade vou',
  },
};

/** NLP.js's normalizer (lowercase, accents off) and stemmer of the language, as the understanding module reads it. */
function otherRules(locale: Exclude<Locale, 'en'>): SearchRules {
  const pack = localePacks[locale];
  if (!pack) throw new Error(`no locale pack for ${locale}`);
  const stop = new Set(OTHER[locale].stop.split(' '));
  const openers = new Set(OTHER[locale].openers.split(' '));
  const normalize = (word: string) => pack.normalize(word.replace(/[’']/g, ''));
  return {
    processTerm(term) {
      const word = normalize(term);
      if (word.length < 2 || stop.has(word)) return null;
      return pack.stem([word])[0] ?? word;
    },
    isQuestion(text) {
      const trimmed = text.trim();
      if (trimmed === '') return false;
      if (trimmed.endsWith('?') || trimmed.startsWith('¿')) return true;
      return openers.has(normalize(trimmed.split(/[^\p{L}\p{N}]+/u).find(Boolean) ?? ''));
    },
  };
}

const english: SearchRules = {
  processTerm(term) {
    const lower = term.toLowerCase().replace(/[’']s$/, '');
    return lower.length < 2 || ENGLISH_STOP_WORDS.has(lower) ? null : lower;
  },
  isQuestion: isEnglishQuestion,
};

const built = new Map<Locale, SearchRules>([['en', english]]);

/** The search rules of a language, made once. */
export function searchRules(locale: Locale): SearchRules {
  let rules = built.get(locale);
  if (!rules) {
    rules = otherRules(locale as Exclude<Locale, 'en'>);
    built.set(locale, rules);
  }
  return rules;
}
