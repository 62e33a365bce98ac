import type { LocalePack, LookupName } from './locales/locale-pack.ts';
import { type Prepared, prepareText, type Token } from './prepare-text.ts';

/**
 * Which way a message leans on the three questions where a wrong guess is costly, counted from
 * its lookup words with their negation: did it work (+) or is it still failing (−); send (+) or
 * not (−); yes (+) or no (−). Zero is no lean, or a mixed message ("failed twice, then it worked").
 */
export interface Direction {
  outcome: number;
  sending: number;
  answer: number;
  /** The axes with cues both ways ("it works but the error is still there"). */
  mixed: Array<'outcome' | 'sending' | 'answer'>;
}

/** One lookup entry found in a message: +1, or −1 when a negation governs it ("not failing"). */
export interface LookupHit {
  name: LookupName;
  sign: 1 | -1;
  /** A word of success that is wished for ("need this fixed"). */
  wished: boolean;
}

type Entry = { name: LookupName; stems: string[] };
const compiled = new WeakMap<LocalePack, ReadonlyMap<string, Entry[]>>();

/** The pack's lookup entries as stem sequences, prepared as messages are, by their first stem. */
function entriesOf(pack: LocalePack): ReadonlyMap<string, Entry[]> {
  let byFirst = compiled.get(pack);
  if (!byFirst) {
    const map = new Map<string, Entry[]>();
    for (const [name, list] of Object.entries(pack.lookups)) {
      for (const text of list) {
        const stems = prepareText(text, pack).tokens.map((t) => t.stem);
        if (stems[0] === undefined) continue;
        map.set(stems[0], [...(map.get(stems[0]) ?? []), { name: name as LookupName, stems }]);
      }
    }
    byFirst = map;
    compiled.set(pack, byFirst);
  }
  return byFirst;
}

/** Every lookup entry the message contains, with its sign. */
export function lookupHits(tokens: readonly Token[], pack: LocalePack): LookupHit[] {
  const hits: LookupHit[] = [];
  const byFirst = entriesOf(pack);
  for (let i = 0; i < tokens.length; i++) {
    for (const entry of byFirst.get((tokens[i] as Token).stem) ?? []) {
      const n = entry.stems.length;
      if (i + n > tokens.length || !entry.stems.every((stem, j) => tokens[i + j]?.stem === stem)) continue;
      const first = tokens[i] as Token;
      let negated = first.negated;
      // "the error didn't come back": a failure's own predicate, negated, says it is gone.
      if (entry.name === 'failure' && !negated && pack.failureNouns.has(first.word)) {
        negated = tokens.slice(i + 1, i + 5).some((t) => t.clause === first.clause && pack.negators.has(t.word));
      }
      // "the error is gone", "it stopped giving me the error": a failure that has ended.
      if (entry.name === 'failure' && !negated) {
        negated = tokens.slice(Math.max(0, i - 4), i + n + 3).some((t) => t.clause === first.clause && pack.cessation.has(t.word));
      }
      hits.push({ name: entry.name, sign: negated ? -1 : 1, wished: first.wished && !negated });
    }
  }
  return hits;
}

export function directionOf(prepared: Prepared, pack: LocalePack, hits = lookupHits(prepared.tokens, pack)): Direction {
  const votes = { outcome: [0, 0], sending: [0, 0], answer: [0, 0] };
  const vote = (axis: keyof typeof votes, sign: number) => {
    if (sign !== 0) votes[axis][sign > 0 ? 0 : 1] = (votes[axis][sign > 0 ? 0 : 1] ?? 0) + 1;
  };
  for (const hit of hits) {
    if (hit.name === 'success') vote('outcome', hit.wished ? -1 : hit.sign);
    else if (hit.name === 'failure') vote('outcome', -hit.sign);
    else if (hit.name === 'send') vote('sending', hit.sign);
    else if (hit.name === 'hold') vote('sending', -hit.sign);
    else if (hit.name === 'yes') vote('answer', hit.sign);
    else if (hit.name === 'no' && hit.sign > 0) vote('answer', -1);
  }
  const sum = ([up = 0, down = 0]: number[]) => up - down;
  const axes = ['outcome', 'sending', 'answer'] as const;
  return {
    outcome: sum(votes.outcome),
    sending: sum(votes.sending),
    answer: sum(votes.answer),
    mixed: axes.filter((axis) => (votes[axis][0] ?? 0) > 0 && (votes[axis][1] ?? 0) > 0),
  };
}
