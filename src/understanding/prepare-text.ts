import { type LookupHit, lookupHits } from './direction.ts';
import type { LocalePack } from './locales/locale-pack.ts';

/** One word of a message as the classifier sees it. */
export interface Token {
  /** The word after rewrites ("dont" → "do not"), lower case. */
  word: string;
  /** Its stem, as the locale's NLP.js stemmer gives it (emoji keep their name). */
  stem: string;
  /** Inside a negation's scope: "not failing anymore", "don't send it". */
  negated: boolean;
  /** Inside a wish's scope: "need this fixed", "want it to work". */
  wished: boolean;
  /** Which clause it is in (punctuation and "but", "so"… start a new one). */
  clause: number;
}

export interface Prepared {
  tokens: Token[];
  /** The message ends in, or holds, a question mark. */
  asks: boolean;
}

/** Emoji people answer with, as words the corpus can use (one pass: a message is read on every turn). */
const EMOJI_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['👍 👌 ✅ ✔ ✔️ 🙌 💯', 'emoji_ok'],
  ['👎 ❌ 🚫', 'emoji_bad'],
  ['🎉 🥳 😍 🤩', 'emoji_happy'],
  ['🙂 😊 😀 😃 😄 😁 ☺ ☺️ 😉', 'emoji_smile'],
  ['😡 🤬 😤 💢', 'emoji_angry'],
  ['😭 😢 😞 😔 🙁 ☹ ☹️ 😩 😫', 'emoji_sad'],
  ['🙏', 'please'],
  ['👋', 'hello'],
  ['🤷 🤷‍♂️ 🤷‍♀️', 'emoji_shrug'],
  ['⏳ ⌛ 🔄', 'emoji_wait'],
  ['❓ ❔ 🤔', '?'],
];
const emojiWord = new Map(EMOJI_WORDS.flatMap(([list, word]) => list.split(' ').map((e) => [e, word] as const)));
const EMOJI = new RegExp([...emojiWord.keys()].sort((a, b) => b.length - a.length).join('|'), 'gu');

/** Spans that are the user's prompt or error text, never words to the bot. */
const QUOTED = /“[^”\n]{1,600}”|„[^“”\n]{1,600}[“”]|«[^»\n]{1,600}»|"[^"\n]{1,600}"|(?<![\p{L}\p{N}])'[^'\n]{2,300}'(?![\p{L}\p{N}])/gu;
const NOISE = /https?:\/\/\S+|[\w.%+-]+@[\w-]+(?:\.[\w-]+)+|\bgen_[\w-]+|\bPKT-[A-Z0-9]+/gi;
const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bain'?t\b/g, 'is not'],
  [/n't\b/g, ' not'],
  [/'m\b/g, ' am'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/\b(it|that|what|there|here|he|she|who|where)'s\b/g, '$1 is'],
  [/'s\b/g, ''],
];
const TOKEN = /[\p{L}\p{N}]+(?:_[\p{L}\p{N}]+)?|[.!?;,:]+|\s-\s|—/gu;
/** How far a negation or a wish reaches without punctuation: "not failing any more", "need this fixed". */
const SCOPE = 3;
/** After a leading "no", these start a new statement: "no it failed again" is a "no", not "no failing". */
const STATEMENT_START = new Set(['it', 'i', 'that', 'this', 'the', 'still', 'we', 'my', 'you', 'thanks', 'thank', 'sorry', 'wait', 'same', 'its', 'nope']);

/**
 * Splits a message into the words the intent classifier reads: quotes, links, addresses and run
 * ids out; emoji named; slang and contractions rewritten; each word marked when a negation or a
 * wish governs it (up to three words, up to punctuation or "but"), so "not failing anymore" and
 * "need this fixed" never read as "failing" or "fixed".
 */
export function prepareText(text: string, pack: LocalePack): Prepared {
  let plain = text.replace(/[’‘`´]/g, "'").replace(QUOTED, ' , ').replace(NOISE, ' ');
  plain = plain.replace(EMOJI, (emoji) => ` ${emojiWord.get(emoji) ?? ''} `);
  plain = pack.normalize(plain);
  for (const [pattern, replacement] of CONTRACTIONS) plain = plain.replace(pattern, replacement);
  const raw = (plain.match(TOKEN) ?? []).flatMap((t) => {
    if (!/^[\p{L}\p{N}]/u.test(t)) return [t.trim() || ','];
    // "sooo", "pleaseee": three or more of a letter are one.
    const word = t.replace(/(\p{L})\1{2,}/gu, '$1');
    return (pack.rewrites[word] ?? word).split(' ');
  });

  const asks = raw.some((t) => t.includes('?'));
  const tokens: Token[] = [];
  let negation = 0;
  let wish = 0;
  let clause = 0;
  for (let i = 0; i < raw.length; i++) {
    const word = raw[i] ?? '';
    if (!/^[\p{L}\p{N}]/u.test(word)) {
      negation = 0;
      wish = 0;
      clause++;
      continue;
    }
    if (pack.scopeBreakers.has(word)) {
      negation = 0;
      wish = 0;
      clause++;
    }
    const negated = negation > 0;
    const wished = wish > 0;
    if (negation > 0) negation--;
    if (wish > 0) wish--;
    const stem = word.startsWith('emoji_') ? word : (pack.stem([word])[0] ?? word);
    tokens.push({ word, stem, negated, wished, clause });
    const leadingNo = word === 'no' && (tokens.length === 1 || /^(yeah|yes|oh|ah|um|uh|well)$/.test(tokens.at(-2)?.word ?? ''));
    if (pack.negators.has(word) && !(leadingNo && STATEMENT_START.has(raw[i + 1] ?? ''))) negation = SCOPE;
    if (pack.desire.has(word)) wish = SCOPE;
  }
  return { tokens, asks };
}

/**
 * The classifier's features of a prepared message: stems, `not_<stem>` inside a negation; the
 * lookup tables it hits (`#failure`, `#not_failure`, `#wish_success` for "need this fixed");
 * `?` for a question.
 */
export function featuresOf(prepared: Prepared, pack: LocalePack, hits: LookupHit[] = lookupHits(prepared.tokens, pack)): Record<string, number> {
  const features: Record<string, number> = {};
  for (const t of prepared.tokens) features[t.negated ? `not_${t.stem}` : t.stem] = 1;
  for (const hit of hits) features[`#${hit.wished ? 'wish_' : hit.sign < 0 ? 'not_' : ''}${hit.name}`] = 1;
  if (prepared.asks) features['?'] = 1;
  return features;
}

/** The stem a feature is made of (`not_fail` → `fail`). */
export const baseStem = (feature: string) => feature.replace(/^#.*|^not_/, '');
