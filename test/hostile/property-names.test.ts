import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/email/html-to-text.ts';
import { understand, understandEmail } from '../../src/understanding/index.ts';
import { TRUSTED_ID, buildEml } from '../email/build-eml.ts';
import { type ChatDesk, WIDGET_SECRET, identityHeaders, startChatDesk } from '../support/chat-desk.ts';
import { PROPERTY_NAMES } from './arbitraries.ts';

/*
 * Words that are also the names of JavaScript's own properties ("constructor", "toString",
 * "__proto__"): a lookup in a plain object by a word the user typed finds Object.prototype's
 * function instead of nothing. "constructor" once made a chat turn answer 500 and a mail be
 * dead-lettered as unparseable. Every such name, as written and in lower case, in the shapes a
 * reader looks into (a word, a time zone, a labelled line, settings, an entity), in every language.
 */

const LOCALES = ['en', 'fr', 'es', 'de', 'pt', null] as const;
const NAMES = [...new Set(PROPERTY_NAMES.flatMap((n) => [n, n.toLowerCase()]))];
const shapes = (n: string) => [n, `${n} ${n}`, `my video failed at 3pm ${n} time`, `I'm in ${n}`, `Time: 3pm ${n}`, `Studio: ${n}`, `${n} reference images`, `hace ${n} horas`, `"${n}"`, `&${n};`];
/** Plain data: what JSON keeps of it is all there is (no function, no prototype of Object's). */
const plain = (value: unknown) => expect(JSON.parse(JSON.stringify(value))).toEqual(value);

describe('words that are JavaScript property names', () => {
  it(`are read as words in chat and email, in every language (${NAMES.length} names)`, () => {
    for (const locale of LOCALES) {
      for (const name of NAMES) {
        const text = shapes(name).join('\n');
        plain(understand(name, { now: Date.parse('2026-11-24T12:00:00Z'), timezone: 'Europe/Berlin', locale }));
        plain(understand(text, { now: Date.parse('2026-11-24T12:00:00Z'), timezone: 'Europe/Berlin', locale }));
        plain(understandEmail({ subject: name, own: text, forwarded: text, sentAt: Date.parse('2026-11-24T12:00:00Z'), headerOffset: 60, locale }));
      }
    }
  });

  it('are no languages', () => {
    for (const locale of NAMES) plain(understand('my image failed', { now: Date.parse('2026-11-24T12:00:00Z'), timezone: locale, locale }));
  });

  it('are no HTML entities', () => {
    for (const name of NAMES) expect(decodeEntities(`a &${name}; b`)).toBe(`a &${name}; b`);
  });

  describe('through the desk', () => {
    const INBOUND = 'inbound-secret-for-property-names';
    let desk: ChatDesk;
    beforeAll(async () => {
      desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, INBOUND_EMAIL_SECRET: INBOUND, TRUSTED_AUTHSERV_ID: TRUSTED_ID, SUPPORT_INBOX: 'triage@prismposter.test', SUPPORT_FROM: 'support@prismposter.test' });
    });
    afterAll(async () => desk?.close());

    it('a chat turn is answered, and the conversation goes on', async () => {
      const headers = { 'content-type': 'application/json', ...identityHeaders('maya@example.com') };
      const started = await fetch(`${desk.url}/api/conversations`, { method: 'POST', headers, body: '{}' });
      const { conversationId } = (await started.json()) as { conversationId: string };
      for (const text of ['constructor', 'toString at 3pm constructor time', '__proto__', 'my image failed']) {
        const turn = await fetch(`${desk.url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify({ text }) });
        expect(turn.status, text).toBe(200);
        const { messages } = (await turn.json()) as { messages: { from: string; text: string }[] };
        expect(messages.map((m) => m.from)).toEqual(['user', 'bot']);
        expect(messages[0]?.text).toBe(text);
      }
      for (const option of ['constructor', '__proto__', 'toString']) {
        const turn = await fetch(`${desk.url}/api/conversations/${conversationId}/messages`, { method: 'POST', headers, body: JSON.stringify({ option }) });
        // Not an option of the step: answered as input the bot did not catch, with the step's options.
        expect(turn.status, option).toBe(200);
        const { messages } = (await turn.json()) as { messages: { from: string; options?: unknown[] }[] };
        expect(messages.at(-1)).toMatchObject({ from: 'bot', options: expect.any(Array) });
      }
    });

    it('a mail is accepted as a report, not dead-lettered', async () => {
      const eml = buildEml({ from: 'leo@example.com', subject: 'constructor', date: 'Sat, 21 Nov 2026 10:58:00 +0100', body: 'My image failed at 3pm constructor time.\nTime: constructor\nhasOwnProperty' });
      const answer = await fetch(`${desk.url}/api/email/inbound`, { method: 'POST', headers: { 'content-type': 'message/rfc822', 'x-inbound-secret': INBOUND }, body: eml });
      expect(answer.status).toBe(202);
      expect(await answer.json()).toMatchObject({ status: 'accepted', packetRef: expect.stringMatching(/^PKT-/) });
    });
  });
});
