import { describe, expect, it } from 'vitest';
import {
  anonymous, chose, findings, handOffResult, kbAnswer, maya, read, recentRuns, runs, said, send, startConversation,
} from './test-fakes.ts';
import { flowState, type TroubleshootEvent } from './troubleshoot-machine.ts';
import { MAX_MESSAGES } from './context.ts';
import { HandOffTakenError, NoAccountError, type KbAnswer } from './types.ts';

type Snap = { context: { messages: { from: string; text: string }[]; options: { id: string }[]; messageCount: number } };
const lastText = (s: Snap) => s.context.messages.at(-1)?.text ?? '';
const optionIds = (s: Snap) => s.context.options.map((o) => o.id);
/** The bot's messages since `before` messages were appended. */
const botSince = (s: Snap, before: number) => s.context.messages.slice(-(s.context.messageCount - before)).filter((m) => m.from === 'bot').map((m) => m.text);

/** Events that bring an identified user to each state (with gen_7, the failed 4k video charged 40 credits). */
const toState: Record<string, TroubleshootEvent[]> = {
  greeting: [],
  waiting: [chose('run:gen_8')],
  retry: [chose('run:gen_7')],
  simplify: [chose('run:gen_7'), chose('still_failing')],
  findings: [chose('run:gen_7'), chose('still_failing'), chose('still_failing')],
  packet: [chose('run:gen_7'), chose('still_failing'), chose('still_failing'), chose('send_to_support')],
  handed_off: [chose('run:gen_7'), chose('still_failing'), chose('still_failing'), chose('send_to_support'), chose('send')],
};

async function at(state: string, plan = {}, input = maya) {
  const conversation = await startConversation(input, plan);
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

  it('asks an anonymous user what happened; text without a reading is not caught, with buttons; a description moves on to retry', async () => {
    const { actor } = await startConversation(anonymous);
    expect(lastText(actor.getSnapshot())).toMatch(/Which studio were you using, and roughly when/);
    expect(optionIds(actor.getSnapshot())).toEqual(['other']);
    let s = await send(actor, said('banana'));
    expect([flowState(s), lastText(s), optionIds(s)]).toEqual([
      'greeting',
      'Sorry, I didn’t catch that. Which studio were you using, and roughly when did it happen?',
      ['other'],
    ]);
    s = await send(actor, said('my video failed yesterday around 3pm'));
    expect(flowState(s)).toBe('retry');
    expect(s.context.details).toMatchObject({ studio: 'video', occurredAt: '2026-11-23T14:00:00.000Z' });
    expect(lastText(s)).toMatch(/Reload Video Studio and run the same prompt again/);
  });

  it('free text naming a listed run picks that run', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, said('the video one at 14:05'));
    expect([flowState(s), s.context.runId]).toEqual(['retry', 'gen_7']);
  });

  it('"videostudio keeps erroring out on me" is the Video Studio run, retried', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, said('videostudio keeps erroring out on me'));
    expect([flowState(s), s.context.runId]).toEqual(['retry', 'gen_7']);
  });
});

describe('the first reply after picking a run', () => {
  it('is short, says a retry of a failed run costs nothing and what this one was charged; the details are a tap away', async () => {
    const { actor } = await startConversation(maya);
    let s = await send(actor, chose('run:gen_7'));
    const first = lastText(s);
    expect(first.length).toBeLessThan(300);
    expect(first).toBe(
      'It stopped with “Model timed out”. Reload Video Studio and run the same prompt again: a second attempt usually goes through. Failed runs cost nothing; you pay only when one completes. This one was charged 40 credits anyway: that is due back to you. Did it work this time?',
    );
    expect(optionIds(s)).toEqual(['worked', 'still_failing', 'more']);
    s = await send(actor, chose('more'));
    expect(flowState(s)).toBe('retry');
    expect(lastText(s)).toMatch(/^Video and high-resolution runs take longer.*Library.*connection/);
    expect(optionIds(s)).toEqual(['worked', 'still_failing']);
  });

  it('for a run not charged says only that failed runs cost nothing', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, chose('run:gen_5'));
    expect(lastText(s)).toContain('Failed runs cost nothing; you pay only when one completes.');
    expect(lastText(s)).not.toMatch(/charged|take longer/);
  });
});

describe('waiting: a run still queued or processing, or described as stuck', () => {
  it('waits for a run still within its expected time; still stuck, it is started again', async () => {
    const { actor } = await startConversation(maya);
    let s = await send(actor, chose('run:gen_8'));
    expect(flowState(s)).toBe('waiting');
    expect(lastText(s)).toBe(
      'Your Image Studio run from 14:25 is still processing. Runs like it can take up to 10 minutes, so it should be done by about 14:35 (Europe/Berlin time). Has it arrived in your Library?',
    );
    expect(optionIds(s)).toEqual(['arrived', 'still_stuck']);
    s = await send(actor, chose('still_stuck'));
    expect(flowState(s)).toBe('retry');
    expect(lastText(s)).toMatch(/^Then start it again: reload Image Studio.*A run that never finishes costs nothing/);
  });

  it('a run stuck for hours is waited on, told to start again, then goes to support — never "failed again"', async () => {
    const { actor, calls } = await startConversation(maya);
    const before = actor.getSnapshot().context.messageCount;
    let s = await send(actor, chose('run:gen_6'));
    expect(flowState(s)).toBe('waiting');
    expect(lastText(s)).toMatch(/^Your Music Studio run from 13:00 is still processing, past the usual 15 minutes: it’s stuck, not slow\. Start it again/);
    s = await send(actor, said('its been hours and its still spinning'));
    expect(flowState(s)).toBe('findings');
    expect(calls.checkFindings).toHaveLength(1);
    expect(s.context.stepsTried).toEqual([]);
    for (const text of botSince(s, before)) expect(text).not.toMatch(/failed again|Since it failed/);
  });

  it('"its been hours and its still spinning" after the retry advice is the waiting path, not "Since it failed again…"', async () => {
    const { actor } = await at('retry');
    let s = await send(actor, said('its been hours and its still spinning'));
    expect(flowState(s)).toBe('waiting');
    expect(lastText(s)).toMatch(/^A run still spinning long after it should have finished is stuck, not slow\./);
    expect(lastText(s)).not.toMatch(/failed/);
    s = await send(actor, said('still stuck'));
    // Started again and still stuck: no simplifying a stuck run, the account and support come next.
    expect(flowState(s)).toBe('findings');
    expect(lastText(s)).not.toMatch(/failed again/);
  });

  it('an anonymous user describing a stuck run is waited on', async () => {
    const { actor } = await startConversation(anonymous);
    const s = await send(actor, said('my video is still processing after 2 hours'));
    expect(flowState(s)).toBe('waiting');
    expect(s.context.details).toMatchObject({ studio: 'video', stuck: true });
  });
});

describe('simplify names the one change that suits the run', () => {
  it.each([
    ['run:gen_7', /lower the resolution from 4k to 1080p/],
    ['run:gen_5', /remove a reference image \(you used 2\)/],
    ['run:gen_4', /simplify the prompt — yours is 33 words long/],
  ])('%s', async (option, advice) => {
    const { actor } = await startConversation(maya);
    await send(actor, chose(option));
    const s = await send(actor, said('still failing'));
    expect(flowState(s)).toBe('simplify');
    expect(lastText(s)).toMatch(advice);
    expect(lastText(s)).toMatch(/^Since it failed again, change one thing/);
    expect(s.context.stepsTried).toEqual(['retry']);
  });

  it('without a run, any of the three', async () => {
    const { actor } = await startConversation(anonymous);
    await send(actor, chose('other'));
    const s = await send(actor, said("didn't help at all"));
    expect(lastText(s)).toMatch(/change one thing: simplify the prompt, lower the resolution, or remove a reference image, then retry/);
  });

  it.each(["it's still giving me the same capacity error", 'still getting an error after retrying', '…failed twice with some timeout message. I really need this fixed.'])(
    '"%s" after the retry is still failing',
    async (text) => {
      const { actor } = await at('retry');
      expect(flowState(await send(actor, said(text)))).toBe('simplify');
    },
  );
});

describe('credits and findings', () => {
  it('checks the account and states its facts in Berlin time, the other spends a tap away; it marks no step the user did not take', async () => {
    const { actor, calls } = await at('findings');
    let s = actor.getSnapshot();
    expect(lastText(s)).toBe('Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you. Shall I send this to support?');
    expect(calls.checkFindings).toEqual([{ email: 'maya@example.com', generationIds: ['gen_7'], studio: 'video', occurredAt: runs.failed4k.createdAt }]);
    expect(s.context.stepsTried).toEqual(['retry', 'simplify']);
    expect(optionIds(s)).toEqual(['send_to_support', 'all_good', 'more']);
    s = await send(actor, chose('more'));
    expect(lastText(s)).toBe('Other spends from your shared credit pool around then: a Music Studio run at 14:12, maybe in another tab, used 10 credits. Your balance is 120 credits.');
    expect(optionIds(s)).toEqual(['send_to_support', 'all_good']);
  });

  it('gives anonymous users what signing in would let it check, and no account data', async () => {
    const { actor, calls } = await startConversation(anonymous);
    for (const e of [chose('other'), chose('still_failing'), chose('still_failing')]) await send(actor, e);
    const s = actor.getSnapshot();
    expect(flowState(s)).toBe('findings');
    expect(calls.checkFindings).toEqual([]);
    expect(s.context.findings).toBeNull();
    expect(lastText(s)).toMatch(/^Without a signed-in account I can’t see your history.*Sign in to PrismPoster/);
    expect(optionIds(s)).toEqual(['send_to_support', 'all_good']);
  });

  it('marks the Credits page checked only when the user says so', async () => {
    const { actor } = await at('retry');
    const s = await send(actor, said('I retried twice and checked my credits page'));
    expect(s.context.stepsTried).toEqual(['retry', 'checked_credits']);
  });
});

describe('a charge or refund concern, in any state', () => {
  it.each(['where did my 40 credits go??', 'I want a refund', 'just give me my credits back'])(
    '"%s" as the first message: the account’s facts in one reply, then support or more troubleshooting',
    async (text) => {
      const { actor, calls } = await startConversation(maya);
      const before = actor.getSnapshot().context.messageCount;
      let s = await send(actor, said(text));
      expect(flowState(s)).toBe('findings');
      expect(calls.checkFindings).toHaveLength(1);
      expect(botSince(s, before)).toEqual([
        'Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you. Shall I send it to support? Or we can keep troubleshooting.',
      ]);
      expect(optionIds(s)).toEqual(['send_to_support', 'troubleshoot', 'more']);
      // The charged run is the case now.
      expect([s.context.runId, s.context.details.generationIds]).toEqual(['gen_7', ['gen_7']]);
      s = await send(actor, chose('troubleshoot'));
      expect(flowState(s)).toBe('retry');
      expect(lastText(s)).toMatch(/^It stopped with “Model timed out”/);
    },
  );

  it('mid-troubleshooting, then again at the findings and at the packet: the facts, from one check', async () => {
    const { actor, calls } = await at('simplify');
    let s = await send(actor, said('charged for nothing'));
    expect(flowState(s)).toBe('findings');
    s = await send(actor, said('I want a refund'));
    expect([flowState(s), lastText(s)]).toEqual(['findings', expect.stringMatching(/^Your Video Studio run at 14:05 failed and was charged 40 credits/)]);
    s = await send(actor, chose('send_to_support'));
    s = await send(actor, said('I want a refund'));
    expect([flowState(s), lastText(s)]).toEqual(['packet', expect.stringMatching(/charged 40 credits: that is due back to you\. It’s in your report: press Send/)]);
    expect(calls.checkFindings).toHaveLength(1);
  });

  it('an anonymous user is told what signing in would let the bot check, and can send it to support', async () => {
    const { actor, calls } = await startConversation(anonymous);
    let s = await send(actor, said('where did my 40 credits go??'));
    expect(flowState(s)).toBe('findings');
    expect(calls.checkFindings).toEqual([]);
    expect(lastText(s)).toMatch(/Sign in to PrismPoster and open this chat again/);
    s = await send(actor, chose('send_to_support'));
    expect(lastText(s)).toMatch(/support still needs your account email \(the one you sign in with\)/);
  });
});

describe('a person, small talk', () => {
  it('"can I talk to a human?" prepares the packet and offers it', async () => {
    const { actor } = await at('retry');
    const s = await send(actor, said('can I talk to a human?'));
    expect(flowState(s)).toBe('packet');
    expect(lastText(s)).toMatch(/^Here’s what I’ll send to support:/);
    expect(optionIds(s)).toEqual(['send', 'dont_send']);
  });

  it('"hello?" gets one short line of what the bot can do, with the step’s buttons', async () => {
    const { actor } = await startConversation(maya);
    const s = await send(actor, said('hello?'));
    expect(flowState(s)).toBe('greeting');
    expect(lastText(s)).toBe(
      'Hi! I can help when a run fails or gets stuck, check what a run cost you, or pass your case to a person. Which run is it about? Pick one below, or tell me what happened.',
    );
    expect(optionIds(s)).toEqual(['run:gen_8', 'run:gen_7', 'run:gen_6', 'run:gen_5', 'run:gen_4', 'other']);
  });
});

describe('no guess in the costly direction', () => {
  it('a reading below the threshold is confirmed in one line with buttons; a second miss offers a person', async () => {
    const { actor } = await at('retry');
    expect(read('i thought it worked but it failed again').intent).toBeNull();
    let s = await send(actor, said('i thought it worked but it failed again'));
    expect([flowState(s), lastText(s), optionIds(s)]).toEqual(['retry', 'Did it go through this time?', ['worked', 'still_failing', 'more']]);
    s = await send(actor, said('i thought it worked but it failed again'));
    expect(flowState(s)).toBe('retry');
    expect(lastText(s)).toMatch(/a person on the support team/);
    expect(optionIds(s)).toEqual(['worked', 'still_failing', 'more', 'human']);
    s = await send(actor, chose('human'));
    expect(flowState(s)).toBe('packet');
  });

  it.each(["it's fine, dont send anything", "don't send it, I'll just try again later"])('"%s" at the findings withholds the packet', async (text) => {
    const { actor, calls } = await at('findings');
    const s = await send(actor, said(text));
    expect([flowState(s), lastText(s)]).toEqual(['resolved', expect.stringMatching(/^OK, I won’t send anything/)]);
    expect(calls.handOff).toEqual([]);
  });

  it('"don\'t send it" at the packet, or its button, withholds it', async () => {
    for (const event of [said("don't send it, I'll just try again later"), chose('dont_send')]) {
      const { actor, calls } = await at('packet');
      const s = await send(actor, event);
      expect(flowState(s)).toBe('resolved');
      expect(calls.handOff).toEqual([]);
    }
  });

  it('"go ahead" at the findings prepares the packet; "Sounds right. Please submit it." sends it', async () => {
    const { actor, calls } = await at('findings');
    let s = await send(actor, said('go ahead'));
    expect(flowState(s)).toBe('packet');
    s = await send(actor, said('Sounds right. Please submit it.'));
    expect(flowState(s)).toBe('handed_off');
    expect(calls.handOff).toHaveLength(1);
  });
});

describe('"it worked" ends in resolved', () => {
  const done: [string, TroubleshootEvent, RegExp][] = [
    ['“it works now”', said('it works now'), /glad it works now/],
    ['option worked', chose('worked'), /glad it works now/],
    ['“it’s not failing anymore”', said("it's not failing anymore"), /glad it works now/],
    ['“no more error, it finished 👍”', said('no more error, it finished 👍'), /glad it works now/],
    ['“ok thanks, all good”', said('ok thanks, all good'), /glad it’s fine/],
  ];
  const states = Object.keys(toState).filter((state) => state !== 'handed_off');
  const cases = states.flatMap((state) => done.map(([name, event, closing]) => [state, name, event, closing] as const));
  // At the packet, "all good" may mean "looks good, send it" as well: it is asked, below.
  it.each(cases.filter(([state, name]) => !(state === 'packet' && name.includes('all good'))))(
    '%s, then %s',
    async (state, _, event, closing) => {
      const { actor } = await at(state);
      const s = await send(actor, event);
      expect(flowState(s)).toBe('resolved');
      expect(lastText(s)).toMatch(closing);
    },
  );

  it('"all good" at the packet is asked about, not taken as either', async () => {
    const { actor, calls } = await at('packet');
    const s = await send(actor, said('ok thanks, all good'));
    expect([flowState(s), lastText(s), optionIds(s)]).toEqual(['packet', 'Shall I send it to support now?', ['send', 'dont_send']]);
    expect(calls.handOff).toEqual([]);
  });

  it('"it arrived" while waiting', async () => {
    const { actor } = await at('waiting');
    expect(flowState(await send(actor, chose('arrived')))).toBe('resolved');
  });

  it('after the hand-off, text gets the reference again: the case is with support', async () => {
    const { actor } = await at('handed_off');
    const s = await send(actor, said('it works now'));
    expect([flowState(s), lastText(s)]).toEqual(['handed_off', expect.stringContaining('PKT-7QX2M9')]);
  });
});

describe('a knowledge answer keeps the flow where it was', () => {
  it.each(Object.keys(toState))('%s', async (state) => {
    const { actor } = await at(state);
    const before = actor.getSnapshot();
    const s = await send(actor, said('How do I check my credits?', kbAnswer));
    if (state === 'handed_off') {
      expect(lastText(s)).toContain('PKT-7QX2M9');
      return;
    }
    expect(s.value).toEqual(before.value);
    expect(lastText(s)).toBe('A failed generation should not cost credits. (from “A generation failed — what now, and were my credits charged?”)');
    expect(s.context.messages.at(-1)?.options ?? []).toEqual(before.context.options);
    expect(s.context.messages.at(-2)).toEqual({ from: 'user', text: 'How do I check my credits?' });
  });

  it('a credits article for a signed-in user whose account shows a charge: the account’s facts follow, and sending is a tap away', async () => {
    const credits: KbAnswer = { articleId: 'how-credits-work', title: 'How credits work', text: 'A run that fails should cost you nothing.' };
    const { actor } = await at('retry');
    const before = actor.getSnapshot().context.messageCount;
    let s = await send(actor, said('do I lose credits if a generation fails?', credits));
    expect(flowState(s)).toBe('retry');
    expect(botSince(s, before)).toEqual([
      'A run that fails should cost you nothing. (from “How credits work”)',
      'Your account shows a charge, though. Your Video Studio run at 14:05 failed and was charged 40 credits: that is due back to you. I can send it to support for you.',
    ]);
    expect(optionIds(s)).toEqual(['worked', 'still_failing', 'more', 'send_to_support']);
    s = await send(actor, chose('send_to_support'));
    expect(flowState(s)).toBe('packet');
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
    expect(texts[1]).toBe('Shall I send this to support?');
    expect(optionIds(actor.getSnapshot())).toEqual(['send_to_support', 'all_good']);
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
    expect([flowState(s), optionIds(s), lastText(s)]).toEqual(['packet', ['send', 'dont_send'], expect.stringMatching(/wasn’t sent yet/)]);
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
      occurredAt: '2026-11-24T13:00:00.000Z', timezone: 'Europe/Berlin', generationIds: [], stepsTried: ['retry', 'simplify'], conversationId: null,
      version: 0, turnMessages: [{ from: 'user', text: 'Send' }],
    });
    expect(flowState(s)).toBe('handed_off');
    expect(lastText(s)).toMatch(/PKT-7QX2M9.*A refund of 40 credits was issued automatically.*the exact error message/);
  });

  it('states only what the user did or said, and keeps the error, settings and duration they typed', async () => {
    const { actor, calls } = await startConversation(anonymous);
    for (const e of [said('My 8 second video failed at 14:05, the error said "Model timed out"'), said('still failing, now at 4k too'), chose('still_failing'), chose('send_to_support')]) {
      await send(actor, e);
    }
    const shown = lastText(actor.getSnapshot());
    expect(shown).toContain('• Settings: resolution 4k, 8 seconds long\n');
    expect(shown).toContain('• Error: “Model timed out”\n');
    expect(shown).toContain('• When: Tue 24 Nov 14:05 (Europe/Berlin time)\n');
    expect(shown).toContain('• Already tried: retried and simplified\n');
    expect(shown).not.toContain('Credits page');
    await send(actor, chose('send'));
    expect(calls.handOff[0]).toMatchObject({
      studio: 'video', errorMessage: 'Model timed out', settings: { durationSeconds: 8, resolution: '4k' }, stepsTried: ['retry', 'simplify'],
    });
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
