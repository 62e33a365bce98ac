import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import { WIDGET_SECRET, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import { sendTo, turnOf } from './race-helpers.ts';

/*
 * Found by the race tests, fixed in src/chat/conversation-service.ts: a turn's messages are stamped
 * after the previous turn's last message, even when the clock has not moved.
 */
/*
 * Was: turns answered within one millisecond got message times out of order.
 *
 * Input: a signed-in conversation; two tabs send `{"option":"run:gen_maya_video"}` and
 * `{"text":"hello"}` at once, answered within the same millisecond. A clock that stands still makes
 * that certain; with the real clock it happened in about 1 round in 10 on a 2-core machine (two
 * turns' messages with equal times).
 * Observed: `GET /api/conversations/{id}` lists (in its stored order) bot@T, user@T, bot@T+1, user@T,
 * bot@T+1: the second turn's user message is older than the first turn's answer.
 * Expected: times strictly increasing in the order of the conversation (a client sorting or grouping
 * by `at`, or the packet's transcript, keeps the order the messages were said in).
 * At fault: src/chat/conversation-service.ts `newMessages()` (line 195, `at: at + i`) stamps a turn's
 * messages from `deps.now()` (line 273) without going past the conversation's last stored message,
 * so a turn that follows another within a millisecond starts before the previous one ended.
 */
describe('turns answered within one millisecond keep message times in order', () => {
  it('keeps message times strictly increasing in the conversation order when two tabs send at once', async () => {
    const T = Date.parse('2026-11-24T13:30:00.000Z');
    const desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '1000' }, { now: () => T });
    try {
      const maya = identityHeaders('maya@example.com');
      const started = await request(desk.url, 'POST', '/api/conversations', { body: {}, headers: maya });
      const id = (started.body as { conversationId: string }).conversationId;
      await Promise.all([{ option: 'run:gen_maya_video' }, { text: 'hello' }].map((input) => sendTo(desk.url, id, input, maya).then(turnOf)));
      const whole = (await request(desk.url, 'GET', `/api/conversations/${id}`, { headers: maya })).body as { messages: ChatMessage[] };
      const times = whole.messages.map((m) => Date.parse(m.at));
      expect(times.length).toBe(5);
      expect(times.every((t, i) => i === 0 || t > (times[i - 1] as number)), `times: ${times.map((t) => t - T).join(', ')}`).toBe(true);
    } finally {
      await desk.close();
    }
  });
});
