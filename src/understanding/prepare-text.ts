import { type LookupHit, lookupHits } from './direction.ts';
import type { LocalePack } from './locales/locale-pack.ts';
import { own } from '../core/own.ts';
import { EMAIL_ADDRESS } from './email-address.ts';

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
const NOISE = new RegExp(String.raw`https?://\S+|${EMAIL_ADDRESS}|\bgen_[\w-]+|\bPKT-[A-Z0-9]+`, 'gi');
/** "sooo", "pleaseee": three or more of a letter are one. */
const REPEATED_LETTER = /(\p{L})\1{2,}/gu;
const TOKEN = /[\p{L}\p{N}]+(?:_[\p{L}\p{N}]+)?|[.!?;,:]+|\s-\s|—/gu;
/** How far a negation or a wish reaches without punctuation: "not failing any more", "need this fixed". */
const SCOPE = 3;

/**
 * Splits a message into the words the intent classifier reads: quotes, links, addresses and run
 * ids out; emoji named; slang and contractions rewritten; each word marked when a negation or a
 * wish governs it (up to three words, up to punctuation or "but"; back as far for the locale's
 * `postNegators`), so "not failing anymore", "ça marche plus" and "need this fixed" never read as
 * "failing", "works" or "fixed".
 */
export function prepareText(text: string, pack: LocalePack): Prepared {
  let plain = text.replace(/[’‘`´]/g, "'").replace(QUOTED, ' , ').replace(NOISE, ' ');
  plain = plain.replace(EMOJI, (emoji) => ` ${emojiWord.get(emoji) ?? ''} `);
  plain = pack.normalize(plain);
  for (const [pattern, replacement] of pack.contractions) plain = plain.replace(pattern, replacement);
  const raw = (plain.match(TOKEN) ?? []).flatMap((t) => {
    if (!/^[\p{L}\p{N}]/u.test(t)) return [t.trim() || ','];
    const word = t.replace(REPEATED_LETTER, '$1');
    return (own(pack.rewrites, word) ?? word).split(' ');
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
    const skipped = pack.scopeSkip.has(word);
    if (negation > 0 && !skipped) negation--;
    if (wish > 0 && !skipped) wish--;
    const stem = word.startsWith('emoji_') ? word : (pack.stem([word])[0] ?? word);
    tokens.push({ word, stem, negated, wished, clause });
    // "ça marche pas", "geht immer noch nicht": the words before it in its clause are negated too.
    if (pack.postNegators.has(word) || (pack.finalNegators.has(word) && !/^[\p{L}\p{N}]/u.test(raw[i + 1] ?? '.'))) {
      for (let j = tokens.length - 2; j >= Math.max(0, tokens.length - 1 - SCOPE); j--) {
        const before = tokens[j] as Token;
        if (before.clause !== clause) break;
        before.negated = true;
      }
    }
    const { leadingNo } = pack;
    const answers = leadingNo.words.has(word) && (tokens.length === 1 || leadingNo.fillers.has(tokens.at(-2)?.word ?? ''));
    if (pack.negators.has(word) && !(answers && leadingNo.statementStart.has(raw[i + 1] ?? ''))) negation = SCOPE;
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
