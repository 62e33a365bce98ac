import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatClient, type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, startChatDesk } from './support/chat-desk.ts';

/*
 * The sentences of the issue "Understanding people: the conversation meets users where they are",
 * each said to the desk as a new user would, through the chat API (the real app, the real SQLite
 * file with the demo seeded, the real flow and understanding). Each asserts what the user now sees.
 * The desk's clock is Tue 24 Nov 2026, 14:30 in Berlin: Maya's 4k video failed at 12:55 her time
 * and was charged 40 credits; Sam's video has been processing for three hours.
 */

const BASE = Date.parse('2026-11-24T13:30:00.000Z');

type Message = { from: string; text: string; options?: { id: string }[] | undefined };
const botTexts = (messages: readonly Message[]) => messages.filter((m) => m.from === 'bot').map((m) => m.text);
const offered = (messages: readonly Message[]) => messages.filter((m) => m.from === 'bot').at(-1)?.options?.map((o) => o.id) ?? [];

const MAYA_FACTS = 'Your Video Studio run at 12:55 failed and was charged 40 credits: that is due back to you.';

describe('the issue’s sentences, said to the desk', () => {
  let desk: ChatDesk;
  let maya: ChatClient;
  let sam: ChatClient;
  let anonymous: ChatClient;

  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '500', CHAT_RATE_PER_MINUTE: '1000' }, { now: () => BASE });
    maya = chatClient(desk.url, identityHeaders('maya@example.com'));
    sam = chatClient(desk.url, identityHeaders('sam@example.com'));
    anonymous = chatClient(desk.url);
  });
  afterAll(async () => desk?.close());

  /** A conversation of `client` taken through `inputs` (option ids, or text); answers its id. */
  async function conversationAt(client: ChatClient, ...inputs: string[]): Promise<string> {
    const { conversationId } = await client.start({ timezone: 'Europe/Berlin' });
    for (const input of inputs) await client.send(conversationId, /^[a-z_]+(:\w+)?$/.test(input) ? { option: input } : { text: input });
    return conversationId;
  }
  const atRetry = (client = maya) => conversationAt(client, client === maya ? 'run:gen_maya_video' : 'other');
  const atFindings = () => conversationAt(maya, 'run:gen_maya_video', 'still_failing', 'still_failing');

  describe('a charge or refund concern gets the account’s facts in one reply', () => {
    it.each(['I want a refund', 'just give me my credits back', 'where did my 40 credits go??', 'charged for nothing'])('"%s"', async (text) => {
      const id = await conversationAt(maya);
      const turn = await maya.send(id, { text });
      expect(turn.state).toBe('findings');
      expect(botTexts(turn.messages)).toEqual([`${MAYA_FACTS} Shall I send it to support? Or we can keep troubleshooting.`]);
      expect(offered(turn.messages)).toEqual(['send_to_support', 'troubleshoot', 'more']);
      const packet = await maya.send(id, { option: 'send_to_support' });
      expect(botTexts(packet.messages).join('\n')).toContain('• Studio: Video Studio');
      // She asked about the charge; she tried nothing.
      expect(botTexts(packet.messages).join('\n')).not.toContain('Already tried');
    });

    it('an anonymous user is told what signing in would let the bot check, without any account data', async () => {
      const id = await conversationAt(anonymous);
      const turn = await anonymous.send(id, { text: 'where did my 40 credits go??' });
      expect(turn.state).toBe('findings');
      const [reply] = botTexts(turn.messages);
      expect(reply).toMatch(/^Without a signed-in account I can’t see your history.*Sign in to PrismPoster and open this chat again/);
      expect(reply).toContain('support can check: they need the email you sign in with, the studio and roughly when.');
      expect(reply?.length).toBeLessThan(300);
      expect(reply).not.toMatch(/12:55|gen_|\d+ credits/);
    });
  });

  it('"can I talk to a human?" prepares the packet and offers it', async () => {
    const id = await atRetry();
    const turn = await maya.send(id, { text: 'can I talk to a human?' });
    expect(turn.state).toBe('packet');
    expect(botTexts(turn.messages)[0]).toMatch(/^Here’s what I’ll send to support:\n• Account: maya@example.com \(signed in\)/);
    expect(offered(turn.messages)).toEqual(['send', 'dont_send']);
  });

  it('"hello?" gets one short line of what the bot can do, with buttons', async () => {
    const id = await conversationAt(maya);
    const turn = await maya.send(id, { text: 'hello?' });
    expect(turn.state).toBe('greeting');
    expect(botTexts(turn.messages)).toEqual([
      'Hi! I can help when a run fails or gets stuck, check what a run cost you, or pass your case to a person. Which run is it about? Pick one below, or tell me what happened.',
    ]);
    expect(offered(turn.messages)).toEqual(['run:gen_maya_video', 'other']);
  });

  describe('still failing after the advice goes on to the next step', () => {
    it.each([
      ["it's still giving me the same capacity error", 'retry', 'simplify'],
      ['still getting an error after retrying', 'retry', 'simplify'],
      ['…failed twice with some timeout message. I really need this fixed.', 'retry', 'simplify'],
      ["didn't help at all", 'simplify', 'findings'],
    ])('"%s" at %s → %s', async (text, from, to) => {
      const id = from === 'retry' ? await atRetry() : await conversationAt(maya, 'run:gen_maya_video', 'still_failing');
      const turn = await maya.send(id, { text });
      expect(turn.state).toBe(to);
      expect(botTexts(turn.messages).join('\n')).not.toMatch(/glad|didn’t catch/);
    });

    it('"…I really need this fixed." as a first message is a report, never "glad it works now"', async () => {
      const id = await conversationAt(anonymous);
      const turn = await anonymous.send(id, { text: '…failed twice with some timeout message. I really need this fixed.' });
      expect(turn.state).toBe('retry');
      expect(botTexts(turn.messages).join('\n')).not.toContain('glad');
    });
  });

  it.each(["it's not failing anymore", 'no more error, it finished 👍'])('"%s" after the retry closes the conversation as resolved', async (text) => {
    const id = await atRetry();
    const turn = await maya.send(id, { text });
    expect(turn.state).toBe('resolved');
    expect(botTexts(turn.messages)).toEqual(['Great, glad it works now! If anything else goes wrong, just write here.']);
  });

  it('"videostudio keeps erroring out on me" is her Video Studio run, and the retry advice for it', async () => {
    const id = await conversationAt(maya);
    const turn = await maya.send(id, { text: 'videostudio keeps erroring out on me' });
    expect(turn.state).toBe('retry');
    expect(botTexts(turn.messages)[0]).toMatch(/^It stopped with “Generation failed: model timeout”\. Reload Video Studio/);
  });

  it('"go ahead" at the findings prepares the packet; "Sounds right. Please submit it." sends it', async () => {
    const id = await atFindings();
    const prepared = await maya.send(id, { text: 'go ahead' });
    expect(prepared.state).toBe('packet');
    const sent = await maya.send(id, { text: 'Sounds right. Please submit it.' });
    expect(sent.state).toBe('handed_off');
    expect(botTexts(sent.messages)[0]).toMatch(/^Sent! Your reference is PKT-/);
    expect(sent.packet?.generationIds).toEqual(['gen_maya_video']);
  });

  describe('no packet against the user’s word', () => {
    it.each(["it's fine, dont send anything", "don't send it, I'll just try again later"])('"%s" at the findings', async (text) => {
      const id = await atFindings();
      const turn = await maya.send(id, { text });
      expect(turn.state).toBe('resolved');
      expect(botTexts(turn.messages)).toEqual(['OK, I won’t send anything. If it fails again or you change your mind, just write here.']);
      expect(turn.packet).toBeUndefined();
      expect((await desk.deps.store.getConversation(id))?.packetRef).toBeNull();
    });

    it('"don\'t send it, I\'ll just try again later" at the packet', async () => {
      const id = await conversationAt(maya, 'run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support');
      const turn = await maya.send(id, { text: "don't send it, I'll just try again later" });
      expect(turn.state).toBe('resolved');
      expect(turn.packet).toBeUndefined();
    });

    it('a reading below the threshold is confirmed with buttons, and the second offers a person', async () => {
      const id = await atRetry();
      const once = await maya.send(id, { text: 'i thought it worked but it failed again' });
      expect([once.state, botTexts(once.messages), offered(once.messages)]).toEqual(['retry', ['Did it go through this time?'], ['worked', 'still_failing', 'more']]);
      const twice = await maya.send(id, { text: 'i thought it worked but it failed again' });
      expect(twice.state).toBe('retry');
      expect(offered(twice.messages)).toContain('human');
    });
  });

  it('a run stuck processing for hours: "its been hours and its still spinning" follows the waiting path, never "failed again"', async () => {
    const { conversationId: id, messages } = await sam.start();
    expect(offered(messages)).toEqual(['run:gen_sam_image', 'run:gen_sam_video', 'other']);
    const waiting = await sam.send(id, { option: 'run:gen_sam_video' });
    expect(waiting.state).toBe('waiting');
    expect(botTexts(waiting.messages)[0]).toMatch(/^Your Video Studio run from 11:30 is still processing, past the usual 60 minutes: it’s stuck, not slow\./);
    const spinning = await sam.send(id, { text: 'its been hours and its still spinning' });
    const seen = [...botTexts(waiting.messages), ...botTexts(spinning.messages)].join('\n');
    expect(seen).not.toMatch(/failed again/);
    expect(spinning.state).toBe('findings');
    expect(botTexts(spinning.messages)[0]).toMatch(/^Your Video Studio run at 11:30 got stuck, and no credits were charged for it\./);
  });

  describe('the right article for the question', () => {
    it('"why does the same prompt sometimes fail and sometimes work?"', async () => {
      const id = await atRetry();
      const turn = await maya.send(id, { text: 'why does the same prompt sometimes fail and sometimes work?' });
      expect(turn.state).toBe('retry');
      expect(botTexts(turn.messages)[0]).toMatch(/^Why does the same prompt sometimes fail and sometimes work\? The same prompt can fail once and work the next time.*\(from “Retrying a failed generation”\)$/);
    });

    it('"what should I include if I email support?"', async () => {
      const id = await conversationAt(anonymous);
      const turn = await anonymous.send(id, { text: 'what should I include if I email support?' });
      expect(turn.state).toBe('greeting');
      expect(botTexts(turn.messages)[0]).toMatch(/^What to include when you send support an email:\n- The email address you use to sign in[\s\S]*\(from “Contacting support”\)$/);
    });
  });

  it('the first reply after picking a run is short and says a retry of a failed run costs nothing', async () => {
    const { conversationId: id } = await maya.start();
    const turn = await maya.send(id, { option: 'run:gen_maya_video' });
    const [reply] = botTexts(turn.messages);
    expect(botTexts(turn.messages)).toHaveLength(1);
    expect(reply?.length).toBeLessThan(300);
    expect(reply).toContain('Failed runs cost nothing; you pay only when one completes.');
  });

  it('the packet states only what the user did or said, and keeps the error, settings and duration they typed', async () => {
    const id = await conversationAt(anonymous, 'My 8 second video failed at 14:05, the error said "Model timed out"', 'still failing, now at 4k too', 'still_failing');
    const packet = await anonymous.send(id, { option: 'send_to_support' });
    const shown = botTexts(packet.messages).join('\n');
    expect(shown).toContain('• Settings: resolution 4k, 8 seconds long\n');
    expect(shown).toContain('• Error: “Model timed out”\n');
    expect(shown).toContain('• Already tried: retried and simplified\n');
    expect(shown).not.toContain('Credits page');
    const sent = await anonymous.send(id, { option: 'send' });
    expect(sent.packet).toMatchObject({
      errorMessage: 'Model timed out',
      settings: { resolution: '4k', durationSeconds: 8 },
      stepsTried: ['retry', 'simplify'],
      occurredAt: '2026-11-24T13:05:00.000Z',
    });
  });
});
