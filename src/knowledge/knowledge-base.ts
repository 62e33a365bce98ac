import MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import { DEFAULT_LOCALE, type Locale, isLocale } from '../i18n/locales.ts';
import type { KnowledgeArticle } from './article.ts';
import { searchRules } from './languages.ts';
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

/**
 * The knowledge base port the troubleshooting flow sees. Pure and synchronous; runs on Workers.
 * `locale` (default English) picks the language: its articles, searched with its words. An article
 * has the same id in every language.
 */
export interface KnowledgeBase {
  /** Articles matching the query, best first (default limit 5). */
  search(query: string, limit?: number, locale?: string): KnowledgeHit[];
  /** A reply from the best article, or null when nothing matches well enough to be a real answer. */
  answer(question: string, locale?: string): KnowledgeAnswer | null;
  /** Cheap heuristic: does this message look like a question worth looking up? */
  isQuestion(text: string, locale?: string): boolean;
  get(id: string, locale?: string): KnowledgeArticle | undefined;
}

/** Minimum score of the best hit for a question; below it the match is incidental. */
const MIN_QUESTION_SCORE = 4;
/** How many distinct questions the knowledge base remembers its answer to. */
const MEMO_SIZE = 2048;
/** A statement ("Image Studio", "gen_7 failed") needs far stronger evidence to be read as a question. */
const MIN_STATEMENT_SCORE = 25;

/** How many different words of the query matched the article. */
function matchedQueryTerms(result: SearchResult): number {
  return new Set(result.queryTerms).size;
}

/** One language's articles and their index. */
function createIndex(articles: readonly KnowledgeArticle[], locale: Locale) {
  const rules = searchRules(locale);
  const byId = new Map(articles.map((article) => [article.id, article]));
  const index = new MiniSearch({
    fields: ['title', 'questions', 'body'],
    storeFields: ['title'],
    processTerm: rules.processTerm,
    searchOptions: {
      boost: { questions: 3, title: 2, body: 1 },
      fuzzy: 0.2,
      prefix: true,
      combineWith: 'OR',
    },
  });
  index.addAll(articles.map((article) => ({ ...article, questions: article.questions.join('\n') })));
  return {
    byId,
    rank: (query: string): SearchResult[] => index.search(query),
    isQuestion: rules.isQuestion,
    // English terms are the words themselves; another language's are stems, found in the body as stems.
    excerpt: (body: string, terms: readonly string[]) => pickExcerpt(body, terms, undefined, locale === DEFAULT_LOCALE ? undefined : rules.processTerm),
  };
}

/**
 * Builds an in-memory knowledge base over the articles (usually `articles` from
 * `knowledge/articles.generated.ts`, and `translations`, the same articles in other languages):
 * MiniSearch over title, questions and body, with the users' phrasings (questions) and the title
 * weighted above the body; words stemmed the language's way (NLP.js) but in English.
 */
export function createKnowledgeBase(
  articles: readonly KnowledgeArticle[],
  translations: Partial<Record<Locale, readonly KnowledgeArticle[]>> = {},
): KnowledgeBase {
  const sources: Partial<Record<Locale, readonly KnowledgeArticle[]>> = { ...translations, [DEFAULT_LOCALE]: articles };
  /** Indexes by language, each built the first time its language is asked for. */
  const indexes = new Map<Locale, ReturnType<typeof createIndex>>();
  const indexOf = (asked: string | undefined) => {
    const locale = isLocale(asked) && sources[asked] ? asked : DEFAULT_LOCALE;
    let index = indexes.get(locale);
    if (!index) {
      index = createIndex(sources[locale] ?? articles, locale);
      indexes.set(locale, index);
    }
    return { locale, index };
  };
  indexOf(DEFAULT_LOCALE);
  /** Answers already found, by language and exact text (a bounded memo: oldest out first). */
  const answers = new Map<string, KnowledgeAnswer | null>();

  return {
    search(query, limit = 5, locale) {
      return indexOf(locale)
        .index.rank(query)
        .slice(0, limit)
        .map((result) => ({ id: String(result.id), title: String(result.title), score: result.score }));
    },
    answer(question, asked) {
      const { locale, index } = indexOf(asked);
      // The same few questions come again and again: an answer depends on the text alone.
      const key = `${locale}\u0000${question}`;
      const known = answers.get(key);
      if (known !== undefined) return known;
      const found = findAnswer(index, question);
      if (answers.size >= MEMO_SIZE) {
        const oldest = answers.keys().next();
        if (!oldest.done) answers.delete(oldest.value);
      }
      answers.set(key, found && Object.freeze(found));
      return found;
    },
    isQuestion(text, locale) {
      return indexOf(locale).index.isQuestion(text);
    },
    get(id, locale) {
      return indexOf(locale).index.byId.get(id);
    },
  };

  function findAnswer({ rank, byId, isQuestion, excerpt }: ReturnType<typeof createIndex>, question: string): KnowledgeAnswer | null {
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
    return { articleId: article.id, title: article.title, text: excerpt(article.body, best.terms) };
  }
}
