import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Turn } from '../../src/chat/chat-schemas.ts';
import { type ChatClient, type ChatDesk, WIDGET_SECRET, chatClient, errorOf, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';

/*
 * Text with a lone surrogate (half of a UTF-16 pair: not Unicode text, but valid JSON as
 * `"\ud800"`, and what `JSON.stringify` sends for such a string) would be stored as something else
 * than it was answered (SQLite hands the half pair back as three U+FFFD). It is refused with a 400
 * naming `text`; well-formed text, astral characters included, is kept exactly as answered.
 */
describe('chat text with a lone surrogate is refused; well-formed text is kept as answered', () => {
  let desk: ChatDesk;
  let maya: ChatClient;

  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '1000' });
    maya = chatClient(desk.url, identityHeaders('maya@example.com'));
  });
  afterAll(() => desk?.close());

  async function sayAndReadBack(text: string) {
    const { conversationId } = await maya.start();
    const answer = await request(desk.url, 'POST', `/api/conversations/${conversationId}/messages`, { body: { text }, headers: maya.headers });
    if (answer.status === 400) return { refused: true as const, message: errorOf(answer).message };
    expect(answer.status).toBe(200);
    const turn = Turn.parse(answer.body);
    const whole = await maya.get(conversationId);
    return { refused: false as const, answered: turn.messages, kept: whole.messages.slice(-turn.messages.length) };
  }

  it('refuses "a\\ud800b" with 400 naming text, and keeps "a😀b" as it answered it', async () => {
    expect(await sayAndReadBack('a\ud800b')).toEqual({ refused: true, message: expect.stringMatching(/^text: .*surrogate/) });
    const astral = await sayAndReadBack('a😀b');
    expect(astral.refused).toBe(false);
    if (!astral.refused) expect(astral.kept).toEqual(astral.answered);
  });

  it('keeps any text with a lone surrogate as it answered it, or refuses it (fast-check, 20 runs)', async () => {
    const lone = fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 20 })).map(([a, c, b]) => `x${a}${String.fromCharCode(c)}${b}`);
    await fc.assert(
      fc.asyncProperty(lone, async (text) => {
        const result = await sayAndReadBack(text);
        if (!result.refused) expect(result.kept).toEqual(result.answered);
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });
});
