import type { Language } from '@nlpjs/language-min';
import type { ParsedResult, ParsingReference } from 'chrono-node';
import type { Studio } from '../../core/platform-types.ts';

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

  /** Contractions spelled out after normalizing, before words are split ("n't" → " not"). */
  contractions: ReadonlyArray<readonly [RegExp, string]>;
  /** Whole-word rewrites after normalizing: slang, contractions without apostrophes ("dont"). */
  rewrites: Readonly<Record<string, string>>;
  /** Words that open a negation scope ("not", "never"). */
  negators: ReadonlySet<string>;
  /**
   * Negators that also reach back over the words before them in their clause: "ça marche pas",
   * "geht immer noch nicht", "funciona não" (English has none: its "not" comes first).
   */
  postNegators: ReadonlySet<string>;
  /** Negators that reach back only from the end of their clause: "funciona não", "deu certo não". */
  finalNegators: ReadonlySet<string>;
  /**
   * A bare "no" that is also a negator ("no", "não"): first in a message (or after a filler such
   * as "well"), followed by a word of `statementStart`, it answers and opens no scope: "no it
   * failed again" is a "no", then a failure, not "not failing".
   */
  leadingNo: { words: ReadonlySet<string>; fillers: ReadonlySet<string>; statementStart: ReadonlySet<string> };
  /** Small words a negation reaches over without counting them: "no me sale el error" negates "error". */
  scopeSkip: ReadonlySet<string>;
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
    /** Words naming each studio, the local way ("le studio vidéo", "Video-Studio") and the platform's. */
    studios: ReadonlyArray<readonly [Studio, RegExp]>;
    /** A studio named by its full name ("Image Studio", "estudio de video"): its first group is read by `studios`. */
    explicitStudio: RegExp;
    /** Where a text splits into clauses that can each say a studio failed or went fine ("but", "while"). */
    clauses: RegExp;
    /** An unquoted prompt after a cue: "prompt was: …". */
    promptLine: RegExp;
    /** An unquoted error after a cue and a colon: "failed with: …", "the error said: …". */
    errorAfterColon: RegExp;
    /** Settings in words: reference images and a duration, with number words. */
    settings: { references: RegExp; referencesLabel: RegExp; duration: RegExp; numbers: Readonly<Record<string, number>> };
    /** A line that may hold a time of day ("14:05", "3pm", "ago"): only those go to chrono-node. */
    timeHint: RegExp;
    /** "around 11": a bare hour chrono-node reads only after a preposition, which `prefix` (and `suffix`: "Uhr") supplies. */
    bareHour: { pattern: RegExp; prefix: string; suffix?: string } | null;
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
