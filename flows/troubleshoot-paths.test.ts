import { createActor, fromPromise, getNextSnapshot } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TroubleshootInput } from './context.ts';
import { anonymous, expectedOptionIds, findings, handOffResult, kbAnswer, maya, recentRuns, recentRunsDuringIncident, said, chose } from './test-fakes.ts';
import { flowState, flowStates, isBusy, troubleshootMachine, type TroubleshootEvent, type TroubleshootSnapshot } from './troubleshoot-machine.ts';
import type { CheckFindingsInput, HandOffInput, HandOffResult, RecentRunsResult, WatchIncidentInput } from './types.ts';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';

// Graph traversal runs no actors; it feeds their done/error events itself. The replay below runs
// the same path on a live actor whose fake actors answer as the path says.
const actorIds = ['loadRecentRuns', 'checkFindings', 'handOff', 'watchIncident'] as const;
type ActorId = (typeof actorIds)[number];
// The recent runs are those of the case at hand (with or without an open incident): set by each case below.
const outputs: Record<ActorId, unknown> = { loadRecentRuns: recentRuns, checkFindings: findings, handOff: handOffResult, watchIncident: null };
const asEvent = (event: object) => event as TroubleshootEvent; // done/error events are not user events
const busyActor = (s: TroubleshootSnapshot): ActorId | null =>
  s.matches({ greeting: 'loading' })
    ? 'loadRecentRuns'
    : s.matches({ credits: 'checking' })
      ? 'checkFindings'
      : s.matches({ packet: 'sending' })
        ? 'handOff'
        : s.matches({ incident: 'watching' })
          ? 'watchIncident'
          : null;

function actorEvents(s: TroubleshootSnapshot): TroubleshootEvent[] {
  const id = busyActor(s);
  if (!id) return [];
  return [asEvent({ type: `xstate.done.actor.${id}`, output: outputs[id] }), asEvent({ type: `xstate.error.actor.${id}`, error: new Error(`${id} down`) })];
}

/** Every option offered, plus free text of each kind, plus the actors' outcomes. */
function allEvents(s: TroubleshootSnapshot): TroubleshootEvent[] {
  if (isBusy(s)) return actorEvents(s);
  return [
    ...s.context.options.map((o) => chose(o.id)),
    said('it worked'),
    said('still failing'),
    said('yes'),
    said('hmm'),
    said('How do I check my credits?', kbAnswer),
    said('Video Studio at 14:05'),
    said('maya@example.com "a fox"'),
    // The intents acted on in any state, and readings not to act on.
    said('I want a refund'),
    said('can I talk to a human?'),
    said('its been hours and its still spinning'),
    said("don't send it, I'll just try again later"),
    said('go ahead'),
    said('banana'),
    said('what?'),
  ];
}

/** Only the options (their details aside) and "it worked": the routes through the flow. */
function routeEvents(s: TroubleshootSnapshot): TroubleshootEvent[] {
  return isBusy(s) ? actorEvents(s) : [...s.context.options.filter((o) => o.id !== 'more').map((o) => chose(o.id)), said('it worked')];
}

const lastBotText = (s: TroubleshootSnapshot) => s.context.messages.at(-1)?.text ?? '';
// What decides where the flow goes next: the state, the options, the advice given, a stuck run, misses in a row.
const fine = (s: TroubleshootSnapshot) =>
  JSON.stringify([s.value, s.context.options.map((o) => o.id), s.context.advised, s.context.details.stuck, Math.min(s.context.misses, 2)]);
const coarse = (s: TroubleshootSnapshot) => JSON.stringify([s.value, s.context.runId, s.context.options.map((o) => o.id)]);

function expectOptionsOfTable(s: TroubleshootSnapshot) {
  const state = flowState(s);
  const ids = s.context.options.map((o) => o.id);
  expect(ids, `options in ${state}`).toEqual(expectedOptionIds(state, s.context));
  const last = s.context.messages.at(-1);
  expect(last?.from, `last message in ${state}`).toBe('bot');
  expect((last?.options ?? []).map((o) => o.id)).toEqual(ids);
}

/** Runs the path on a live actor; fake actors answer in the order the path's done/error events say. */
async function replay(
  path: StatePath<TroubleshootSnapshot, TroubleshootEvent>,
  input: TroubleshootInput,
  serialize: (s: TroubleshootSnapshot) => string,
) {
  const plan: Record<ActorId, unknown[]> = { loadRecentRuns: [], checkFindings: [], handOff: [], watchIncident: [] };
  for (const { event } of path.steps) {
    const id = actorIds.find((a) => event.type.endsWith(`.actor.${a}`));
    if (id) plan[id].push(event.type.startsWith('xstate.done') ? outputs[id] : new Error('down'));
  }
  const next = (id: ActorId) => {
    const outcome = plan[id].shift();
    return outcome instanceof Error || outcome === undefined ? Promise.reject(outcome ?? new Error('unplanned')) : Promise.resolve(outcome);
  };
  const machine = troubleshootMachine.provide({
    actors: {
      loadRecentRuns: fromPromise<RecentRunsResult, { email: string }>(() => next('loadRecentRuns') as Promise<RecentRunsResult>),
      checkFindings: fromPromise<ReconciliationResult, CheckFindingsInput>(() => next('checkFindings') as Promise<ReconciliationResult>),
      handOff: fromPromise<HandOffResult, HandOffInput>(() => next('handOff') as Promise<HandOffResult>),
      watchIncident: fromPromise<void, WatchIncidentInput>(async () => {
        await next('watchIncident');
      }),
    },
  });
  const actor = createActor(machine, { input }).start();
  const settled = async () => {
    for (let i = 0; i < 20 && isBusy(actor.getSnapshot()); i++) await new Promise((r) => setTimeout(r, 0));
    return actor.getSnapshot();
  };
  for (const step of path.steps) {
    if (!step.event.type.startsWith('xstate.')) actor.send(step.event);
    if (isBusy(step.state)) continue;
    const live = await settled();
    // Paths share vertices, so only what the serialization keeps is the same as the graph's state.
    expect(serialize(live)).toBe(serialize(step.state));
    expectOptionsOfTable(live);
  }
  actor.stop();
}

describe.each([
  ['identified', maya, recentRuns],
  ['anonymous', anonymous, recentRuns],
  // A failed run of an open incident: told so, offered to be told when it is fixed, never retried.
  ['identified, during an incident', maya, recentRunsDuringIncident],
])('every path of the flow (%s)', (_, input, runs) => {
  const duringIncident = runs === recentRunsDuringIncident;
  beforeEach(() => {
    outputs.loadRecentRuns = runs;
  });

  it('reaches every state, each settled one offering the options of chat-api.md', async () => {
    const paths = getShortestPaths(troubleshootMachine, { input, events: allEvents, serializeState: fine });
    const reached = new Set(paths.map((p) => flowState(p.state)));
    const expected = input.identity
      ? ['greeting', 'waiting', 'retry', 'simplify', 'credits', 'findings', 'packet', 'handed_off', 'resolved', ...(duringIncident ? ['incident'] : [])]
      : ['greeting', 'waiting', 'retry', 'simplify', 'findings', 'packet', 'handed_off', 'resolved'];
    expect([...reached].sort()).toEqual(expected.sort());
    // The user who asked is told they will hear of the fix; a failed ask offers it again.
    if (duringIncident) expect(paths.some((p) => p.state.matches({ incident: 'watched' }))).toBe(true);
    for (const path of paths) {
      // The flow state read from the state value is the one state it matches.
      expect(flowStates.filter((state) => path.state.matches(state))).toEqual([flowState(path.state)]);
      if (!isBusy(path.state)) expectOptionsOfTable(path.state);
      expect(JSON.parse(JSON.stringify(path.state.context))).toEqual(path.state.context);
    }
    for (const path of paths) await replay(path, input, fine);
  });

  it('every simple route ends the same on a live actor', async () => {
    const paths = getSimplePaths(troubleshootMachine, {
      input,
      events: routeEvents,
      serializeState: coarse,
      toState: (s) => s.matches('handed_off') || s.matches('resolved'),
    });
    const ends = new Set(paths.map((p) => flowState(p.state)));
    expect([...ends].sort()).toEqual(['handed_off', 'resolved']);
    // Each state the flow passes through has a route to "it worked".
    const before = new Set(paths.filter((p) => p.state.matches('resolved')).map((p) => flowState(p.steps.at(-2)?.state ?? p.state)));
    expect([...before].sort()).toEqual(
      input.identity
        ? ['findings', 'greeting', ...(duringIncident ? ['incident'] : []), 'packet', 'retry', 'simplify', 'waiting']
        : ['findings', 'greeting', 'packet', 'retry', 'simplify'],
    );
    for (const path of paths) await replay(path, input, coarse);
  });
});

/** Every settled state the flow reaches (one snapshot per vertex of the graph), with the input it started from. */
function settledStates(input: TroubleshootInput, runs: RecentRunsResult) {
  outputs.loadRecentRuns = runs;
  return getShortestPaths(troubleshootMachine, { input, events: allEvents, serializeState: fine })
    .map((p) => p.state)
    .filter((s) => !isBusy(s));
}

const after = (s: TroubleshootSnapshot, event: TroubleshootEvent) => getNextSnapshot(troubleshootMachine, s, event);
const added = (before: TroubleshootSnapshot, next: TroubleshootSnapshot) => next.context.messages.slice(-(next.context.messageCount - before.context.messageCount));

describe.each([
  ['identified', maya, recentRuns],
  ['anonymous', anonymous, recentRuns],
  ['identified, during an incident', maya, recentRunsDuringIncident],
])('the intents acted on in any state (%s)', (_, input, runs) => {
  const states = settledStates(input, runs);

  it('a charge or refund concern: the account is checked at once (anonymous: what signing in would let the bot check)', () => {
    for (const s of states) {
      const next = after(s, said('I want a refund'));
      const where = flowState(s);
      if (where === 'handed_off') expect(lastBotText(next)).toMatch(/is with support/);
      else if (where === 'findings' || where === 'packet') expect(flowState(next), where).toBe(where);
      else expect(flowState(next), where).toBe(input.identity ? 'credits' : 'findings');
      if (!input.identity && flowState(next) === 'findings' && where !== 'findings') expect(lastBotText(next)).toMatch(/Sign in to PrismPoster/);
    }
  });

  it('a person: the packet is prepared and offered (after the hand-off, the reference again)', () => {
    for (const s of states) {
      const next = after(s, said('can I talk to a human?'));
      expect(flowState(next), flowState(s)).toBe(flowState(s) === 'handed_off' ? 'handed_off' : 'packet');
      if (flowState(next) === 'packet') expect(next.context.options.map((o) => o.id)).toEqual(['send', 'dont_send']);
    }
  });

  it('small talk: one short line of what the bot can do, the step’s buttons kept', () => {
    for (const s of states) {
      if (['handed_off', 'resolved'].includes(flowState(s))) continue;
      const next = after(s, said('hello?'));
      expect(next.value).toEqual(s.value);
      expect(lastBotText(next)).toMatch(/^Hi! I can help when a run fails or gets stuck/);
      expect(lastBotText(next).length).toBeLessThan(220);
      expect(next.context.options).toEqual(s.context.options);
    }
  });

  it('a run described as stuck follows the waiting path, never "failed again"', () => {
    for (const s of states) {
      if (flowState(s) === 'handed_off') continue;
      const next = after(s, said('its been hours and its still spinning'));
      // From the findings with no advice left, or the packet, support is the next step: the flow stays there.
      expect(['waiting', 'retry', 'credits', 'findings', 'packet'], flowState(s)).toContain(flowState(next));
      if (flowState(next) === 'packet') expect(flowState(s)).toBe('packet');
      expect(next.context.details.stuck).toBe(true);
      for (const m of added(s, next)) expect(m.text).not.toMatch(/failed again/);
    }
  });

  it('no reading, or one below the threshold: the step’s question in one line with its buttons; the second miss offers a person', () => {
    for (const s of states) {
      if (['handed_off', 'resolved'].includes(flowState(s))) continue;
      for (const text of ['banana', 'what?']) {
        const once = after(s, said(text));
        expect(once.value, `${flowState(s)}: ${text}`).toEqual(s.value);
        expect(added(s, once).map((m) => m.from)).toEqual(['user', 'bot']);
        expect(once.context.options.length).toBeGreaterThan(0);
        expect(lastBotText(once).startsWith('Sorry, I didn’t catch that.')).toBe(text === 'banana' && s.context.misses === 0);
        const twice = after(once, said(text));
        expect(twice.value).toEqual(s.value);
        expect(twice.context.options.map((o) => o.id)).toContain(flowState(s) === 'packet' ? 'send' : 'human');
        expect(lastBotText(twice)).toMatch(/a person on the support team/);
      }
    }
  });

  it('resolves, sends or withholds only on a confident reading or a button', () => {
    const costly = ['resolved', 'handed_off'];
    for (const s of states) {
      if (costly.includes(flowState(s))) continue;
      for (const text of ['banana', 'what?', 'i thought it worked but it failed again', 'hmm']) {
        const next = after(s, said(text));
        expect(costly, `${flowState(s)}: ${text}`).not.toContain(flowState(next));
        expect(next.matches({ packet: 'sending' })).toBe(false);
      }
    }
  });
});
