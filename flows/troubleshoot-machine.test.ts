import { describe, expect, it } from 'vitest';
import {
  anonymous, chose, findings, handOffResult, kbAnswer, maya, recentRuns, runs, said, send, startConversation,
} from './test-fakes.ts';
import { flowState, type TroubleshootEvent } from './troubleshoot-machine.ts';
import { MAX_MESSAGES } from './context.ts';
import { HandOffTakenError, NoAccountError } from './types.ts';

const lastText = (s: { context: { messages: { text: string }[] } }) => s.context.messages.at(-1)?.text ?? '';
const optionIds = (s: { context: { options: { id: string }[] } }) => s.context.options.map((o) => o.id);

/** Events that bring an identified user to each state (with gen_7, the failed 4k video). */
const toState: Record<string, TroubleshootEvent[]> = {
  greeting: [],
  waiting: [chose('run:gen_8')],
  retry: [chose('run:gen_7')],
  simplify: [chose('run:gen_7'), chose('still_failing')],
  findings: [chose('run:gen_7'), chose('still_failing'), chose('still_failing')],
  packet: [chose('run:gen_7'), chose('still_failing'), chose('still_failing'), chose('send_to_support')],
  handed_off: [chose('run:gen_7'), chose('still_failing'), chose('still_failing'), chose('send_to_support'), chose('send')],
};

async function at(state: string, plan = {}) {
  const conversation = await startConversation(maya, plan);
  for (const event of toState[state] ?? []) await send(conversation.actor, event);
  expect(flowState(conversation.actor.getSnapshot())).toBe(state);
  return conversation;
}

describe('greeting', () => {
  it('offers the recent problem runs, newest first, labelled in the user’s zone, plus other', async () => {
    const { actor, calls } = await startConversation(maya);
    const s = actor.getSnapshot();
    expect(calls.loadRecentRuns).toEqual([{ email: 'maya@example.com' }]);
    expect(optionIds(s)).toEqual(['run:gen_8', 'run:gen_7', 'run:gen_6', 'run:gen_5', 'run:gen_4', 'other']);
    expect(s.context.options[1]?.label).toBe('Video Studio · 14:05 · failed');
    expect(s.context.options[2]?.label).toBe('Music Studio · 13:00 · stuck');
    expect(s.context.options[4]?.label).toBe('Storyboard Studio · Mon 23 Nov 17:00 · canceled');
  });

  it('uses the account’s zone when the conversation has none, else UTC', async () => {
    const withAccountZone = await startConversation({ ...maya, timezone: null });
    expect(withAccountZone.actor.getSnapshot().context.options[1]?.label).toBe('Video Studio · 14:05 · failed');
    const utc = await startConversation({ ...maya, timezone: null }, { loadRecentRuns: [{ ...recentRuns, timezone: null }] });
    expect(utc.actor.getSnapshot().context.options[1]?.label).toBe('Video Studio · 13:05 · failed');
  });

  it('says so when there are no recent problem runs', async () => {
    const { actor } = await startConversation(maya, { loadRecentRuns: [{ runs: [], timezone: null }] });
    expect(lastText(actor.getSnapshot())).toMatch(/don’t see any failed or stuck runs/);
    expect(optionIds(actor.getSnapshot())).toEqual(['other']);
  });

  it('asks an anonymous user what happened; free text describing it moves on to retry', async () => {
    const { actor } = await startConversation(anonymous);
    expect(lastText(actor.getSnapshot())).toMatch(/Which studio were you using, and roughly when/);
    expect(optionIds(actor.getSnapshot())).toEqual(['other']);
    let s = await send(actor, said('hmm'));
    expect([flowState(s), lastText(s), optionIds(s)]).toEqual(['greeting', expect.stringMatching(/didn’t catch/), ['other']]);
    s = await send(actor, said('my video failed yesterday around 3pm'));
    expect(flowState(s)).toBe('retry');
    expect(s.context.details).toMatchObject({ studio: 'video', occurredAt: '2026-11-23T14:00:00.000Z' });
    expect(lastText(s)).toMatch(/Reload Video Studio.*Video and high-resolution jobs take longer/);
  });

  it('free text naming a listed run picks that run', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, said('the video one at 14:05'));
    expect([flowState(s), s.context.runId]).toEqual(['retry', 'gen_7']);
  });
});

describe('waiting and retry', () => {
  it('waits for a run still within its expected time', async () => {
    const { actor } = await startConversation(maya);
    let s = await send(actor, chose('run:gen_8'));
    expect(flowState(s)).toBe('waiting');
    expect(lastText(s)).toMatch(/Image Studio run from 14:25 is still processing.*up to 10 minutes.*about 14:35.*Library/);
    expect(optionIds(s)).toEqual(['arrived', 'still_stuck']);
    s = await send(actor, chose('still_stuck'));
    expect(flowState(s)).toBe('retry');
  });

  it('skips waiting for a stuck run', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, chose('run:gen_6'));
    expect(flowState(s)).toBe('retry');
    expect(lastText(s)).toMatch(/Reload Music Studio and try the same prompt again/);
    expect(lastText(s)).not.toMatch(/take longer/);
  });
});

describe('simplify names the one change that suits the run', () => {
  it.each([
    ['run:gen_7', /lower the resolution from 4k to 1080p/],
    ['run:gen_5', /remove a reference image \(you used 2\)/],
    ['run:gen_4', /simplify the prompt — yours is 33 words long/],
    ['run:gen_6', /change one thing: simplify the prompt, then retry/],
  ])('%s', async (option, advice) => {
    const { actor } = await startConversation(maya);
    await send(actor, chose(option));
    const s = await send(actor, said('still failing'));
    expect(flowState(s)).toBe('simplify');
    expect(lastText(s)).toMatch(advice);
    expect(s.context.stepsTried).toEqual(['retry']);
  });
});

describe('credits and findings', () => {
  it('explains the Credits page, checks the account and states the verdict in Berlin time', async () => {
    const { actor, calls } = await at('findings');
    const s = actor.getSnapshot();
    const [credits, found] = s.context.messages.slice(-2).map((m) => m.text);
    expect(credits).toMatch(/Credits page from the sidebar.*balance and a history of spends.*one shared credit pool/i);
    expect(found).toContain('Your Video Studio run at 14:05 cost 40 credits and failed — you should not have been charged. 40 credits are due back to you.');
    expect(found).toContain('a Music Studio run at 14:12, maybe in another tab, used 10 credits');
    expect(calls.checkFindings).toEqual([{ email: 'maya@example.com', generationIds: ['gen_7'], studio: 'video', occurredAt: runs.failed4k.createdAt }]);
    expect(s.context.stepsTried).toEqual(['retry', 'simplify', 'checked_credits']);
    expect(optionIds(s)).toEqual(['send_to_support', 'all_good']);
  });

  it('gives anonymous users the general explanation and no account data', async () => {
    const { actor, calls } = await startConversation(anonymous);
    for (const e of [chose('other'), chose('still_failing'), chose('still_failing')]) await send(actor, e);
    const s = actor.getSnapshot();
    expect(flowState(s)).toBe('findings');
    expect(calls.checkFindings).toEqual([]);
    expect(s.context.findings).toBeNull();
    expect(lastText(s)).toMatch(/If your Credits history shows a charge for a run that produced nothing/);
  });
});

describe('"it worked" ends in resolved from every state', () => {
  const done: [string, TroubleshootEvent][] = [['“it works now”', said('it works now')], ['option worked', chose('worked')], ['“all good”', said('all good')]];
  it.each(Object.keys(toState).flatMap((state) => done.map(([name, event]) => [state, name, event] as const)))(
    '%s, then %s',
    async (state, _, event) => {
      const { actor } = await at(state);
      const s = await send(actor, event);
      expect(flowState(s)).toBe('resolved');
      expect(lastText(s)).toMatch(/glad it works now/);
    },
  );

  it('"it arrived" while waiting', async () => {
    const { actor } = await at('waiting');
    expect(flowState(await send(actor, chose('arrived')))).toBe('resolved');
  });
});

describe('a knowledge answer keeps the flow where it was', () => {
  it.each(Object.keys(toState))('%s', async (state) => {
    const { actor } = await at(state);
    const before = actor.getSnapshot();
    const s = await send(actor, said('were my credits charged?', kbAnswer));
    expect(s.value).toEqual(before.value);
    expect(lastText(s)).toBe('A failed generation should not cost credits. (from “A generation failed — what now, and were my credits charged?”)');
    expect(s.context.messages.at(-1)?.options ?? []).toEqual(before.context.options);
    expect(s.context.messages.at(-2)).toEqual({ from: 'user', text: 'were my credits charged?' });
  });
});

describe('actor failures', () => {
  it('history unreachable at the greeting: says so and offers other', async () => {
    const { actor } = await startConversation(maya, { loadRecentRuns: [new Error('platform down')] });
    expect(lastText(actor.getSnapshot())).toMatch(/couldn’t reach your account’s history just now, so I can’t .*confirm charges/);
    expect(optionIds(actor.getSnapshot())).toEqual(['other']);
  });

  it('findings unreachable: says what could not be checked and goes on without account data', async () => {
    const { actor } = await at('findings', { checkFindings: [new Error('timeout')] });
    const texts = actor.getSnapshot().context.messages.slice(-2).map((m) => m.text);
    expect(texts[0]).toBe('I couldn’t reach your account’s history just now, so I can’t confirm charges.');
    expect(texts[1]).not.toMatch(/credits are due back/);
  });

  it('no platform account for the signed-in email: says so, naming the address, and goes on without account data', async () => {
    const { actor } = await at('findings', { checkFindings: [new NoAccountError('maya@example.com')] });
    const texts = actor.getSnapshot().context.messages.slice(-2).map((m) => m.text);
    expect(texts[0]).toMatch(/^I can’t find a PrismPoster account for maya@example\.com, the address you’re signed in with/);
    expect(texts[0]).not.toMatch(/couldn’t reach/);
    expect(texts[1]).not.toMatch(/credits are due back/);
  });

  it('hand-off failure stays in packet offering send again; a second send goes through', async () => {
    const { actor, calls } = await at('packet', { handOff: [new Error('queue down'), handOffResult] });
    let s = await send(actor, chose('send'));
    expect([flowState(s), optionIds(s), lastText(s)]).toEqual(['packet', ['send'], expect.stringMatching(/wasn’t sent yet/)]);
    s = await send(actor, said('send it'));
    expect(flowState(s)).toBe('handed_off');
    expect(calls.handOff).toHaveLength(2);
  });

  it('answers no hand-off another request is making: the flow fails with it, saying nothing', async () => {
    const { actor } = await at('packet', { handOff: [new HandOffTakenError()] });
    const before = actor.getSnapshot().context.messageCount;
    const error = await send(actor, chose('send')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandOffTakenError);
    expect(actor.getSnapshot()).toMatchObject({ status: 'error', context: { messageCount: before + 1 } });
  });
});

describe('packet and hand-off', () => {
  it('asks an anonymous user only for what is missing, fills it from free text, then hands off', async () => {
    const { actor, calls } = await startConversation(anonymous, { handOff: [{ ...handOffResult, refund: { amount: 40 }, missing: ['errorMessage'] }] });
    for (const e of [said('Video Studio around 2pm'), chose('still_failing'), chose('still_failing'), chose('send_to_support')]) await send(actor, e);
    let s = actor.getSnapshot();
    expect(lastText(s)).toMatch(/Studio: Video Studio[\s\S]*When: Tue 24 Nov 14:00 \(Europe\/Berlin time\)/);
    expect(lastText(s)).toMatch(/still needs your account email \(the one you sign in with\) and the prompt, in quotes\./);
    s = await send(actor, said('I sign in with maya@example.com and typed "a fox in snow"'));
    expect(lastText(s)).toMatch(/Account: maya@example.com\n[\s\S]*Prompt: “a fox in snow”[\s\S]*Press Send/);
    expect(lastText(s)).not.toMatch(/still needs/);
    s = await send(actor, chose('send'));
    expect(calls.handOff[0]).toEqual({
      accountEmail: 'maya@example.com', verified: false, studio: 'video', prompt: 'a fox in snow', settings: null, errorMessage: null,
      occurredAt: '2026-11-24T13:00:00.000Z', timezone: 'Europe/Berlin', generationIds: [], stepsTried: ['retry', 'simplify', 'checked_credits'], conversationId: null,
      version: 0, turnMessages: [{ from: 'user', text: 'Send' }],
    });
    expect(flowState(s)).toBe('handed_off');
    expect(lastText(s)).toMatch(/PKT-7QX2M9.*A refund of 40 credits was issued automatically.*the exact error message/);
  });

  it('quotes the ref, what was found and the proposed refund', async () => {
    const { actor, calls } = await at('handed_off');
    expect(calls.handOff[0]).toMatchObject({ accountEmail: 'maya@example.com', verified: true, generationIds: ['gen_7'], settings: { resolution: '4k' } });
    expect(lastText(actor.getSnapshot())).toBe(
      'Sent! Your reference is PKT-7QX2M9; quote it in any message about this case. What I found: 40 credits charged for work you never received. I’ve proposed a refund of 40 credits to the support team; they’ll confirm it.',
    );
    const s = await send(actor, said('thanks'));
    expect([flowState(s), lastText(s)]).toEqual(['handed_off', expect.stringContaining('PKT-7QX2M9')]);
  });
});

describe('context', () => {
  it('records every user message, stays JSON-serializable and bounded', async () => {
    const { actor } = await startConversation(maya);
    for (let i = 0; i < 120; i++) await send(actor, said(`hmm ${i}`));
    const { context } = actor.getSnapshot();
    expect(context.messages).toHaveLength(MAX_MESSAGES);
    expect(context.messageCount).toBe(1 + 240);
    expect(context.messages.at(-2)).toEqual({ from: 'user', text: 'hmm 119' });
    expect(JSON.parse(JSON.stringify(context))).toEqual(context);
    expect(findings.runs).toHaveLength(1); // the fixture is not mutated by the flow
  });
});
