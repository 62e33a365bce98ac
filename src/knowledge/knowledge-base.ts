import MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import type { KnowledgeArticle } from './article.ts';
import { isQuestion } from './is-question.ts';
import { pickExcerpt } from './pick-excerpt.ts';

export type { KnowledgeArticle } from './article.ts';

/** One search result: the article and how well it matched (higher is better). */
export interface KnowledgeHit {
  id: string;
  title: string;
  score: number;
}

/** A short reply taken from one article, with the article it came from. */
export interface KnowledgeAnswer {
  articleId: string;
  title: string;
  /** The most relevant paragraph or bullet list of the article, at most 600 characters. */
  text: string;
}

/** The knowledge base port the troubleshooting flow sees. Pure and synchronous; runs on Workers. */
export interface KnowledgeBase {
  /** Articles matching the query, best first (default limit 5). */
  search(query: string, limit?: number): KnowledgeHit[];
  /** A reply from the best article, or null when nothing matches well enough to be a real answer. */
  answer(question: string): KnowledgeAnswer | null;
  /** Cheap heuristic: does this message look like a question worth looking up? */
  isQuestion(text: string): boolean;
  get(id: string): KnowledgeArticle | undefined;
}

// Function words, and the small talk of a troubleshooting chat ("yes", "still", "thanks"), carry
// no topic; dropping them keeps "it worked" or "still failing" from matching an article.
const STOP_WORDS = new Set(
  ('a about after again all also am an and any are as at be been but by can could did do does ' +
    'for from get got had has have hello hey hi how i if in is it its just me my no not now of ' +
    'happened help ok okay on or our please should so some still thank thanks that the their them ' +
    'then there these they this to too us was we were what when where which who why will with work ' +
    'worked working works would yes you your')
    .split(' '),
);

/** Minimum score of the best hit for a question; below it the match is incidental. */
const MIN_QUESTION_SCORE = 4;
/** How many distinct questions the knowledge base remembers its answer to. */
const MEMO_SIZE = 2048;
/** A statement ("Image Studio", "gen_7 failed") needs far stronger evidence to be read as a question. */
const MIN_STATEMENT_SCORE = 25;

function processTerm(term: string): string | null {
  const lower = term.toLowerCase().replace(/[’']s$/, '');
  return lower.length < 2 || STOP_WORDS.has(lower) ? null : lower;
}

/** How many different words of the query matched the article. */
function matchedQueryTerms(result: SearchResult): number {
  return new Set(result.queryTerms).size;
}

/**
 * Builds an in-memory knowledge base over the articles (usually `articles` from
 * `knowledge/articles.generated.ts`): MiniSearch over title, questions and body, with the
 * users' phrasings (questions) and the title weighted above the body.
 */
export function createKnowledgeBase(articles: readonly KnowledgeArticle[]): KnowledgeBase {
  const byId = new Map(articles.map((article) => [article.id, article]));
  const index = new MiniSearch({
    fields: ['title', 'questions', 'body'],
    storeFields: ['title'],
    processTerm,
    searchOptions: {
      boost: { questions: 3, title: 2, body: 1 },
      fuzzy: 0.2,
      prefix: true,
      combineWith: 'OR',
    },
  });
  index.addAll(articles.map((article) => ({ ...article, questions: article.questions.join('\n') })));

  const rank = (query: string): SearchResult[] => index.search(query);
  /** Answers already found, by exact text (a bounded memo: oldest out first). */
  const answers = new Map<string, KnowledgeAnswer | null>();

  return {
    search(query, limit = 5) {
      return rank(query)
        .slice(0, limit)
        .map((result) => ({ id: String(result.id), title: String(result.title), score: result.score }));
    },
    answer(question) {
      // The same few questions come again and again: an answer depends on the text alone.
      const known = answers.get(question);
      if (known !== undefined) return known;
      const found = findAnswer(question);
      if (answers.size >= MEMO_SIZE) {
        const oldest = answers.keys().next();
        if (!oldest.done) answers.delete(oldest.value);
      }
      answers.set(question, found && Object.freeze(found));
      return found;
    },
    isQuestion,
    get(id) {
      return byId.get(id);
    },
  };

  function findAnswer(question: string): KnowledgeAnswer | null {
    const best = rank(question)[0];
    if (!best) return null;
    // One matching word is enough when the user asked ("where is my video?"). Without a question
    // form, "video", "Image Studio" or "gen_7 failed" are replies to the flow, so only a strong
    // match on several words ("my video is stuck on processing") counts.
    const asked = isQuestion(question);
    const enough = asked
      ? best.score >= MIN_QUESTION_SCORE
      : best.score >= MIN_STATEMENT_SCORE && matchedQueryTerms(best) >= 2;
    if (!enough) return null;
    const article = byId.get(String(best.id));
    if (!article) return null;
    return { articleId: article.id, title: article.title, text: pickExcerpt(article.body, best.terms) };
  }
}
