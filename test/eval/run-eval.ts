import { readdirSync, readFileSync } from 'node:fs';
import { guessLocale, type Intent, inState, intents, oppositeOf, understand, understandEmail } from '../../src/understanding/index.ts';
import { readEml } from './read-eml.ts';

/** Tuesday 24 Nov 2026, 14:30 in Berlin: when the held-out chat messages are said. */
export const EVAL_NOW = Date.parse('2026-11-24T13:30:00Z');
const dir = new URL('./', import.meta.url);

export type Expected = Intent | 'none';
export interface ChatCase {
  split: string;
  state: string;
  expected: Expected;
  text: string;
}
export interface ChatResult extends ChatCase {
  /** What the module read, after `inState`; null when it withheld a reading. */
  got: Intent | null;
  /** Its best candidate, even when withheld. */
  top: Intent | null;
  confidence: number;
}

/** The languages besides English, each with its held-out sets in `test/eval/<locale>/`. */
export const otherLocales = ['fr', 'es', 'de', 'pt'] as const;

/** Where a language's sets are: English's at the top (`chat/`, `email/`), the others' in `<locale>/`. */
const setsOf = (locale: string) => (locale === 'en' ? '' : `${locale}/`);

/**
 * The labelled chat utterances of `test/eval/chat/<split>.tsv` (English); for another language,
 * `<locale>` is `test/eval/<locale>/chat.tsv` (written with its pack, its mistakes looked into)
 * and `<locale>-fresh` is `chat2.tsv` (written after, only scored).
 */
export function readChatSet(split: string): ChatCase[] {
  const [locale = '', fresh] = split.split('-');
  const file = (otherLocales as readonly string[]).includes(locale) ? `${locale}/${fresh ? 'chat2' : 'chat'}.tsv` : `chat/${split}.tsv`;
  const text = readFileSync(new URL(file, dir), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const [state = '', expected = '', utterance = ''] = line.split('\t');
      if (expected !== 'none' && !(intents as readonly string[]).includes(expected)) throw new Error(`${file}:${i + 1}: unknown intent "${expected}"`);
      return { split, state, expected: expected as Expected, text: utterance };
    });
}

/** Each utterance read in `locale`, as a conversation whose language is known reads it. */
export function runChat(cases: readonly ChatCase[], locale = 'en'): ChatResult[] {
  return cases.map((c) => {
    const u = understand(c.text, { now: EVAL_NOW, timezone: 'Europe/Berlin', locale });
    const state = c.state === '-' ? null : c.state;
    const top = u.candidates[0]?.intent ?? null;
    return { ...c, got: u.intent && inState(u.intent, state), top: top && inState(top, state), confidence: u.confidence };
  });
}

export interface ChatScore {
  total: number;
  correct: number;
  accuracy: number;
  /** Per expected intent: how many, how many read right. */
  perIntent: Record<string, { total: number; correct: number }>;
  /** expected → got (`-` for withheld) → count. */
  confusion: Record<string, Record<string, number>>;
  /** A reading acted on that is the opposite of what was meant (worked ↔ still_failing, send ↔ dont_send, yes ↔ no). */
  opposite: ChatResult[];
  /** Withheld readings (the flow confirms them): not errors, but not correct either. */
  withheld: number;
  /** Confident wrong readings. */
  wrong: ChatResult[];
}

export function scoreChat(results: readonly ChatResult[]): ChatScore {
  const perIntent: ChatScore['perIntent'] = {};
  const confusion: ChatScore['confusion'] = {};
  const opposite: ChatResult[] = [];
  const wrong: ChatResult[] = [];
  let correct = 0;
  let withheld = 0;
  for (const r of results) {
    const ok = r.expected === 'none' ? r.got === null : r.got === r.expected;
    const row = (perIntent[r.expected] ??= { total: 0, correct: 0 });
    row.total++;
    if (ok) {
      row.correct++;
      correct++;
    }
    const got = r.got ?? '-';
    const line = (confusion[r.expected] ??= {});
    line[got] = (line[got] ?? 0) + 1;
    if (r.got === null && r.expected !== 'none') withheld++;
    if (!ok && r.got !== null) wrong.push(r);
    if (r.got && r.expected !== 'none' && oppositeOf(r.expected) === r.got) opposite.push(r);
  }
  return { total: results.length, correct, accuracy: results.length ? correct / results.length : 0, perIntent, confusion, opposite, withheld, wrong };
}

/** The report fields the email eval scores, as email-report.md names them. */
export const emailFields = ['accountEmail', 'studio', 'prompt', 'settings', 'errorMessage', 'occurredAt', 'timezone', 'generationIds'] as const;
export type EmailField = (typeof emailFields)[number];

export interface EmailResult {
  file: string;
  kind: string;
  expected: Partial<Record<EmailField, unknown>>;
  got: Record<EmailField, unknown>;
  wrong: EmailField[];
}

/**
 * The `.eml` reports of `test/eval/email/` (or `<locale>/email/`), each against its `.json` (the
 * fields it must give; a field left out is not scored). Read as the intake reads them: no locale
 * given, the language guessed.
 */
export async function runEmail(locale = 'en'): Promise<EmailResult[]> {
  const emailDir = new URL(`${setsOf(locale)}email/`, dir);
  const files = readdirSync(emailDir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const results: EmailResult[] = [];
  for (const file of files) {
    const expected = JSON.parse(readFileSync(new URL(file.replace(/\.eml$/, '.json'), emailDir), 'utf8')) as Partial<Record<EmailField, unknown>>;
    const mail = await readEml(readFileSync(new URL(file, emailDir)));
    const u = understandEmail(mail);
    const got: Record<EmailField, unknown> = {
      ...u.fields,
      // The intake's rule: the sender's address when the text names no account.
      accountEmail: u.fields.accountEmail ?? mail.from,
      timezone: u.timezone,
    };
    const wrong = emailFields.filter((f) => f in expected && JSON.stringify(got[f]) !== JSON.stringify(expected[f]));
    results.push({ file, kind: file.split('-')[0] ?? '', expected, got, wrong });
  }
  return results;
}

export interface EmailScore {
  total: number;
  /** Per field: scored in how many reports, right in how many. */
  perField: Record<string, { total: number; correct: number }>;
  fieldAccuracy: number;
}

export function scoreEmail(results: readonly EmailResult[]): EmailScore {
  const perField: EmailScore['perField'] = {};
  let total = 0;
  let correct = 0;
  for (const r of results) {
    for (const f of emailFields) {
      if (!(f in r.expected)) continue;
      const row = (perField[f] ??= { total: 0, correct: 0 });
      row.total++;
      total++;
      if (!r.wrong.includes(f)) {
        row.correct++;
        correct++;
      }
    }
  }
  return { total: results.length, perField, fieldAccuracy: total ? correct / total : 0 };
}

/** A chat message's expected fields (`test/eval/chat/fields.json`): only the fields named are scored. */
export interface ChatFieldsResult {
  text: string;
  expected: Record<string, unknown>;
  got: Record<string, unknown>;
  wrong: string[];
}

export function runChatFields(locale = 'en'): ChatFieldsResult[] {
  const file = locale === 'en' ? 'chat/fields.json' : `${locale}/fields.json`;
  const cases = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { text: string; fields: Record<string, unknown> }[];
  return cases.map(({ text, fields }) => {
    const got = understand(text, { now: EVAL_NOW, timezone: 'Europe/Berlin', locale }).fields as unknown as Record<string, unknown>;
    const wrong = Object.keys(fields).filter((f) => JSON.stringify(got[f]) !== JSON.stringify(fields[f]));
    return { text, expected: fields, got, wrong };
  });
}

/** Per field: scored in how many messages, right in how many. */
export function scoreFields(results: readonly { expected: Record<string, unknown>; wrong: readonly string[] }[]): Record<string, { total: number; correct: number }> {
  const perField: Record<string, { total: number; correct: number }> = {};
  for (const r of results) {
    for (const f of Object.keys(r.expected)) {
      const row = (perField[f] ??= { total: 0, correct: 0 });
      row.total++;
      if (!r.wrong.includes(f)) row.correct++;
    }
  }
  return perField;
}

/** How the language guess does on a language's held-out utterances: right, unsure (null), wrong. */
export function scoreGuess(cases: readonly ChatCase[], locale: string): { total: number; right: number; unsure: number; wrong: string[] } {
  let right = 0;
  let unsure = 0;
  const wrong: string[] = [];
  for (const c of cases) {
    const guess = guessLocale(c.text);
    if (guess === locale) right++;
    else if (guess === null) unsure++;
    else wrong.push(`${c.text} → ${guess}`);
  }
  return { total: cases.length, right, unsure, wrong };
}
