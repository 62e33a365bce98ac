/**
 * One help article of the knowledge base, as written in `knowledge/<id>.md` and shipped in
 * `knowledge/articles.generated.ts`.
 */
export interface KnowledgeArticle {
  /** Stable kebab-case id, equal to the markdown file's name without `.md`. */
  id: string;
  title: string;
  /** How users ask for this article; indexed with a boost so phrasing like theirs ranks first. */
  questions: string[];
  /** Markdown body: paragraphs and `- ` bullet lists separated by blank lines. */
  body: string;
}
