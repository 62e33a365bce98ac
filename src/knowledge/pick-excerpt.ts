/** The longest reply the knowledge base gives, in characters. */
export const MAX_EXCERPT_LENGTH = 600;

/** Lowercase word tokens of a text, split like MiniSearch's default tokenizer (and made index terms by `process`). */
function words(text: string, process?: (word: string) => string | null): Set<string> {
  const tokens = text.toLowerCase().split(/[\s\p{P}\p{Z}]+/u).filter(Boolean);
  return new Set(process ? tokens.map(process).filter((t): t is string => t !== null) : tokens);
}

/** Cuts a block at the last sentence or bullet end that fits, or at a word with an ellipsis. */
function shorten(block: string, max: number): string {
  if (block.length <= max) return block;
  const head = block.slice(0, max);
  const cut = Math.max(head.lastIndexOf('.\n'), head.lastIndexOf('. '), head.lastIndexOf('\n- '));
  if (cut > max / 2) return head.slice(0, head[cut] === '.' ? cut + 1 : cut).trim();
  return `${head.slice(0, head.lastIndexOf(' ', max - 1)).trim()}…`;
}

/**
 * The block of a markdown body (a paragraph, or a bullet list with its lead-in line) that contains
 * the most of the matched terms, at most `max` characters. Ties go to the earlier block, which is
 * written to stand alone as the article's summary.
 */
export function pickExcerpt(
  body: string,
  matchedTerms: readonly string[],
  max: number = MAX_EXCERPT_LENGTH,
  /** How the index made terms of words, when they are not the words themselves (a stemmed language). */
  processTerm?: (word: string) => string | null,
): string {
  const blocks = body
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '');
  let best = blocks[0] ?? '';
  let bestScore = 0;
  for (const block of blocks) {
    const present = words(block, processTerm);
    const score = matchedTerms.filter((term) => present.has(term)).length;
    if (score > bestScore) {
      best = block;
      bestScore = score;
    }
  }
  return shorten(best, max);
}
