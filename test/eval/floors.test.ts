import { describe, expect, it } from 'vitest';
import { otherLocales, readChatSet, runChat, runChatFields, runEmail, scoreChat, scoreEmail, scoreFields } from './run-eval.ts';

/**
 * The understanding module's floors (issue "Understanding people"), on held-out sets never
 * trained on: intents ≥ 90 %, report fields ≥ 90 %, and never a reading acted on that is the
 * opposite of what was meant (worked ↔ still_failing, send ↔ dont_send, yes ↔ no).
 * `npm run eval` prints the detail; BENCHMARKS.md has the figures.
 */
describe('understanding floors', () => {
  it.each(['test', 'test2', 'dev'])('chat, %s split: ≥ 90 % of intents read right, no opposite-direction reading', (split) => {
    const score = scoreChat(runChat(readChatSet(split)));
    expect(score.total).toBeGreaterThan(100);
    expect(score.opposite.map((r) => `[${r.state}] ${r.text} → ${r.got}`)).toEqual([]);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('the chat sets hold at least 400 utterances across all intents', () => {
    const all = [...readChatSet('test'), ...readChatSet('test2'), ...readChatSet('dev')];
    expect(all.length).toBeGreaterThanOrEqual(400);
    expect(new Set(all.map((c) => c.expected)).size).toBeGreaterThanOrEqual(15);
  });

  it('chat: ≥ 90 % of each field read right', () => {
    for (const [field, row] of Object.entries(scoreFields(runChatFields()))) expect({ field, accuracy: row.correct / row.total >= 0.9 }).toEqual({ field, accuracy: true });
  });

  it('email: at least 40 reports, ≥ 90 % of each field read right', async () => {
    const results = await runEmail();
    expect(results.length).toBeGreaterThanOrEqual(40);
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['plain', 'html', 'multipart', 'forwarded', 'reply']));
    const score = scoreEmail(results);
    expect(score.fieldAccuracy).toBeGreaterThanOrEqual(0.9);
    for (const [field, row] of Object.entries(score.perField)) expect({ field, accuracy: row.correct / row.total >= 0.9 }).toEqual({ field, accuracy: true });
  });
});

/**
 * The other languages' floors (issue "Every user's language"), on each one's held-out sets
 * (test/eval/<locale>/): intents ≥ 85 %, report fields ≥ 85 %, never an opposite reading.
 */
describe.each(otherLocales)('understanding floors, %s', (locale) => {
  const sets = [locale, `${locale}-fresh`];

  it('chat: at least 100 utterances across all intents, ≥ 85 % read right, no opposite-direction reading', () => {
    const results = runChat(sets.flatMap(readChatSet), locale);
    expect(results.length).toBeGreaterThanOrEqual(100);
    expect(new Set(results.map((r) => r.expected)).size).toBe(15);
    const score = scoreChat(results);
    expect(score.opposite.map((r) => `[${r.state}] ${r.text} → ${r.got}`)).toEqual([]);
    expect(score.accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('chat: ≥ 85 % of the report fields read right', () => {
    const rows = Object.values(scoreFields(runChatFields(locale)));
    const right = rows.reduce((n, r) => n + r.correct, 0);
    const total = rows.reduce((n, r) => n + r.total, 0);
    expect(total).toBeGreaterThanOrEqual(15);
    expect(right / total).toBeGreaterThanOrEqual(0.85);
  });

  it('email: at least 8 reports (plain, HTML, forwarded, replies), ≥ 85 % of the fields read right', async () => {
    const results = await runEmail(locale);
    expect(results.length).toBeGreaterThanOrEqual(8);
    expect(new Set(results.map((r) => r.kind))).toEqual(new Set(['plain', 'html', 'forwarded', 'reply']));
    expect(scoreEmail(results).fieldAccuracy).toBeGreaterThanOrEqual(0.85);
  });
});
