import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { articles } from '../../knowledge/articles.generated.ts';
import { DeskError } from '../core/errors.ts';
import { createKnowledgeBase } from './knowledge-base.ts';
import { parseArticle, parseArticles } from './parse-article.ts';

const knowledgeDir = new URL('../../knowledge/', import.meta.url);
const markdownFiles = readdirSync(knowledgeDir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({ fileName: `knowledge/${name}`, text: readFileSync(new URL(name, knowledgeDir), 'utf8') }));
const kb = createKnowledgeBase(articles);

describe('knowledge articles', () => {
  it('has the six articles, each parsed with 3-6 questions and an 80-200 word body', () => {
    expect(articles.map((a) => a.id).sort()).toEqual([
      'contact-support', 'credits-page', 'how-credits-work', 'retrying', 'simplify-one-thing', 'stuck-processing',
    ]);
    for (const article of articles) {
      expect(article.questions.length).toBeGreaterThanOrEqual(3);
      expect(article.questions.length).toBeLessThanOrEqual(6);
      const words = article.body.split(/\s+/).length;
      expect(words, article.id).toBeGreaterThanOrEqual(80);
      expect(words, article.id).toBeLessThanOrEqual(200);
    }
  });

  it('knowledge/articles.generated.ts is up to date with knowledge/*.md (run npm run knowledge:build)', () => {
    expect(parseArticles(markdownFiles)).toEqual(articles);
  });

  it('rejects bad front matter with the file and the field in the message', () => {
    const withQuestions = (questions: string) =>
      `---\nid: retrying\ntitle: Retrying\nquestions:\n${questions}---\nBody.\n`;
    expect(() => parseArticle('knowledge/retrying.md', withQuestions('  - One?\n  - Two?\n'))).toThrow(
      /knowledge\/retrying\.md: questions: .*at least 3/,
    );
    expect(() => parseArticle('knowledge/other.md', withQuestions('  - A?\n  - B?\n  - C?\n'))).toThrow(
      /knowledge\/other\.md: id:/,
    );
    expect(() => parseArticle('x.md', 'no front matter')).toThrow(DeskError);
    expect(() => parseArticle('x.md', '---\nid: x\ntitle: X\ntags: a\nquestions:\n  - A?\n  - B?\n  - C?\n---\nB')).toThrow(
      /x\.md: tags:/,
    );
  });
});

describe('answer', () => {
  it.each([
    ['were my credits charged?', 'how-credits-work'],
    ['do I lose credits if it fails', 'how-credits-work'],
    ['did I lose credits', 'how-credits-work'],
    ['were my credits charged for the failed run?', 'how-credits-work'],
    ['is there a separate balance per studio?', 'how-credits-work'],
    ['how do I see what I was charged for', 'credits-page'],
    ['why did my balance drop', 'credits-page'],
    ['my video is stuck on processing', 'stuck-processing'],
    ['where is my video', 'stuck-processing'],
    ['is my generation lost?', 'stuck-processing'],
    ['how do I contact support', 'contact-support'],
    ['what should I send support', 'contact-support'],
    ['what is the support email?', 'contact-support'],
    ['why does it fail sometimes', 'retrying'],
    ['what should I do first when a generation fails?', 'retrying'],
    ['it failed again, what should I change?', 'simplify-one-thing'],
    ['should I lower the resolution?', 'simplify-one-thing'],
  ])('%s -> %s', (question, id) => {
    const answer = kb.answer(question);
    expect(answer?.articleId).toBe(id);
    expect(answer?.title).toBe(kb.get(id)?.title);
    expect(answer?.text.length).toBeLessThanOrEqual(600);
    expect(kb.get(id)?.body).toContain(answer?.text);
  });

  it('answers the issue’s questions with the passage that answers them', () => {
    const samePrompt = kb.answer('why does the same prompt sometimes fail and sometimes work?');
    expect(samePrompt?.articleId).toBe('retrying');
    expect(samePrompt?.text).toMatch(/same prompt can fail once and work the next time/);
    const include = kb.answer('what should I include if I email support?');
    expect(include?.articleId).toBe('contact-support');
    expect(include?.text).toMatch(/The email address you use to sign in[\s\S]*error message word for word[\s\S]*time zone/);
  });

  it('picks the relevant part of the article', () => {
    expect(kb.answer('how do I contact support')?.text).toContain('support@prismposter.com');
    expect(kb.answer('what should I send support')?.text).toContain('time zone');
    expect(kb.answer('were my credits charged?')?.text).toMatch(/fails should cost you nothing/);
  });

  it.each(['hello', 'gen_7', 'it worked', 'still failing', 'yes', 'video', 'Image Studio', 'gen_7 failed', 'thanks!', 'can you help me?', 'did it work?', ''])(
    'does not answer %j',
    (text) => {
      expect(kb.answer(text)).toBeNull();
    },
  );
});

describe('search, get and isQuestion', () => {
  it('ranks the best article first and respects the limit', () => {
    const hits = kb.search('credits charged', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]?.id).toBe('how-credits-work');
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Infinity);
  });

  it('gets an article by id', () => {
    expect(kb.get('retrying')?.title).toBe('Retrying a failed generation');
    expect(kb.get('nope')).toBeUndefined();
  });

  it.each([
    ['were my credits charged?', true],
    ['why does it fail sometimes', true],
    ['Did I lose credits', true],
    ['how do I contact support', true],
    ['it worked', false],
    ['still failing', false],
    ['yes', false],
    ['gen_7', false],
    ['my video is stuck on processing', false],
  ])('isQuestion(%j) is %s', (text, expected) => {
    expect(kb.isQuestion(text)).toBe(expected);
  });
});
