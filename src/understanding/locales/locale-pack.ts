import type { Language } from '@nlpjs/language-min';
import type { ParsedResult, ParsingReference } from 'chrono-node';

/**
 * Everything about one language the module needs: NLP.js's normalizer and stemmer, chrono-node's
 * parser, and the cue words no library knows (negation, labelled lines, what counts as trouble).
 * Adding a language is writing one of these and its corpus under `knowledge/nlu/<locale>/`.
 */
export const lookupNames = [
  'success',
  'failure',
  'send',
  'hold',
  'yes',
  'no',
  'repeat',
  'waiting',
  'greet',
  'thanks',
  'bye',
  'person',
  'money',
  'ask',
  'studio',
  'other',
] as const;
export type LookupName = (typeof lookupNames)[number];

export interface LocalePack {
  locale: string;
  /** ISO 639-3 code, as NLP.js's language guesser names languages. */
  alpha3: string;
  /** Gives NLP.js's language guesser its trigram model of the language. */
  registerTrigrams(guesser: Language): void;
  normalize(text: string): string;
  stem(tokens: string[]): string[];
  parseDates(text: string, ref: ParsingReference): ParsedResult[];

  /** Whole-word rewrites after normalizing: slang, contractions without apostrophes ("dont"). */
  rewrites: Readonly<Record<string, string>>;
  /** Words that open a negation scope ("not", "never"). */
  negators: ReadonlySet<string>;
  /** Words that close a negation scope besides punctuation ("but", "so"). */
  scopeBreakers: ReadonlySet<string>;
  /** Words after which "fixed" or "works" is wished for, not reported ("need this fixed"). */
  desire: ReadonlySet<string>;
  /** Nouns of failure whose own negated predicate means it is gone: "the error didn't come back". */
  failureNouns: ReadonlySet<string>;
  /** Words that say a failure has ended, in its clause: "the error is gone", "it stopped erroring". */
  cessation: ReadonlySet<string>;
  /**
   * Lookup tables (as Rasa's RegexFeaturizer uses them): words and phrases of one kind, each a
   * feature of its own (`#failure`, `#not_failure` when negated), so the classifier generalizes
   * past the corpus's words. `success`/`failure`, `send`/`hold` and `yes`/`no` also give the
   * direction that guards the costly readings.
   */
  lookups: Readonly<Record<LookupName, readonly string[]>>;
  fields: {
    /** A prompt follows ("the prompt was", "prompt:"). */
    beforePrompt: RegExp;
    /** Said right after a quoted prompt ("… was my prompt"). */
    afterPrompt: RegExp;
    /** An error message follows ("it said", "error:", "failed with"). */
    beforeError: RegExp;
    /** `Label: value` lines, label words per field. */
    labels: { prompt: RegExp; error: RegExp; time: RegExp; studio: RegExp; account: RegExp; generation: RegExp };
    /** "my account is …", "I sign in with …". */
    account: RegExp;
    /** Words of trouble in a clause: "failed", "error", "stuck". */
    trouble: RegExp;
    /** Words of success in a clause: "worked", "was fine". */
    fine: RegExp;
    steps: ReadonlyArray<readonly ['retry' | 'simplify' | 'checked_credits', RegExp]>;
    /** Time words that put an ambiguous clock hour in the morning, or in the afternoon or night. */
    morning: RegExp;
    evening: RegExp;
  };
}
