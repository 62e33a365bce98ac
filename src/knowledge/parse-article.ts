import { z } from 'zod';
import { DeskError } from '../core/errors.ts';
import type { KnowledgeArticle } from './article.ts';

/** One markdown file as read from `knowledge/`: its base name (`retrying.md`) and its text. */
export interface ArticleFile {
  fileName: string;
  text: string;
}

const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case'),
  title: z.string().trim().min(1, 'must not be empty'),
  questions: z
    .array(z.string().trim().min(1, 'must not be empty'))
    .min(3, 'needs at least 3 questions')
    .max(6, 'allows at most 6 questions'),
});

function invalid(fileName: string, field: string, problem: string): DeskError {
  return new DeskError('invalid_import', `${fileName}: ${field}: ${problem}`, {
    details: { fileName, field },
  });
}

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value);
  return match?.[2] ?? value;
}

/** Reads the YAML-like subset we use: `key: value` scalars and `key:` followed by `  - item` lines. */
function readFrontMatter(fileName: string, lines: string[]): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  let list: string[] | undefined;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (item) {
      if (!list) throw invalid(fileName, `front matter line ${index + 2}`, 'list item outside a list');
      list.push(unquote((item[1] ?? '').trim()));
      continue;
    }
    const pair = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!pair) throw invalid(fileName, `front matter line ${index + 2}`, `cannot read "${line}"`);
    const [, key = '', value = ''] = pair;
    if (key in fields) throw invalid(fileName, key, 'appears twice');
    list = value.trim() === '' ? [] : undefined;
    fields[key] = list ?? unquote(value.trim());
  }
  return fields;
}

/**
 * Parses one `knowledge/*.md` file (front matter between `---` lines, then the markdown body) and
 * validates it. Throws a `DeskError` ('invalid_import') whose message names the file and the field.
 */
export function parseArticle(fileName: string, text: string): KnowledgeArticle {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const end = lines.indexOf('---', 1);
  if (lines[0] !== '---' || end === -1) {
    throw invalid(fileName, 'front matter', 'must start and end with a line "---"');
  }
  const parsed = frontMatterSchema.safeParse(readFrontMatter(fileName, lines.slice(1, end)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue?.path.join('.') || 'front matter';
    throw invalid(fileName, field, issue?.message ?? 'is invalid');
  }
  const expectedId = fileName.replace(/^.*\//, '').replace(/\.md$/, '');
  if (parsed.data.id !== expectedId) {
    throw invalid(fileName, 'id', `must equal the file name "${expectedId}"`);
  }
  const body = lines.slice(end + 1).join('\n').trim();
  if (body === '') throw invalid(fileName, 'body', 'must not be empty');
  return { ...parsed.data, body };
}

/** Parses every file, sorted by id so that the generated module is stable. */
export function parseArticles(files: readonly ArticleFile[]): KnowledgeArticle[] {
  return files
    .map((file) => parseArticle(file.fileName, file.text))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
