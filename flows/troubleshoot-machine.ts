import { and, not, or, type SnapshotFrom } from 'xstate';
import { initialContext, toHandOffInput } from './context.ts';
import { troubleshootSetup } from './troubleshoot-setup.ts';
import { type FlowState, flowStates, type Intent } from './types.ts';

export type { TroubleshootEvent } from './troubleshoot-setup.ts';
export type { TroubleshootContext, TroubleshootInput } from './context.ts';
export { type FlowState, flowStates } from './types.ts';

/** A confident reading of free text, as said in `state`. */
const said = (state: FlowState | null, ...intents: Intent[]) => ({ type: 'said', params: { state, intents } }) as const;
const chose = (...options: string[]) => ({ type: 'chose', params: { options } }) as const;
const needs = (step: 'retry' | 'simplify') => ({ type: 'needs', params: { step } }) as const;
const close = (reason: 'worked' | 'fine' | 'declined') => ({ type: 'close', params: { reason } }) as const;

type Guard = ReturnType<typeof said> | ReturnType<typeof chose>;
type Action = 'recordUser' | 'noteProblem' | 'markStuck' | 'markFailed';

/**
 * On to the next piece of advice not given yet: retry, then simplify (not for a stuck run), then
 * the account check and support. Never the same advice twice, so a conversation cannot loop.
 */
const nextStep = (guard: Guard, actions: Action[]) =>
  [
    { guard: and([guard, needs('retry')]), target: '#troubleshoot.retry', actions },
    { guard: and([guard, needs('simplify')]), target: '#troubleshoot.simplify', actions },
    { guard, target: '#troubleshoot.credits', actions },
  ] as const;

/**
 * The troubleshooting statechart: pure (no I/O, no clock, no knowledge base), JSON-serializable
 * context. Async work is four invoked actors the service provides with `machine.provide`
 * (`loadRecentRuns`, `checkFindings`, `handOff`, `watchIncident`); states tagged `busy` are waiting on one.
 *
 * Free text arrives read (src/understanding): a reading below the confidence threshold never ends
 * the conversation, sends a packet or withholds one — only a confident reading or a button does;
 * it is confirmed in one line with the step's buttons, and a second miss in a row offers a person.
 * A charge or refund concern, a request for a person, small talk and a run described as stuck are
 * acted on in any state (the root's handlers, reached when a state gives the text no meaning).
 */
export const troubleshootMachine = troubleshootSetup.createMachine({
  id: 'troubleshoot',
  context: ({ input }) => initialContext(input),
  initial: 'greeting',
  on: {
    'user.said': [
      // A charge: the account is checked at once and its facts stated (anonymous: what signing in would let the bot check).
      { guard: said(null, 'refund'), target: '.credits', actions: ['recordUser', 'noteProblem'] },
      { guard: said(null, 'human'), target: '.packet', actions: ['recordUser', 'noteProblem'] },
      { guard: 'answersAgainstAccount', actions: ['recordUser', 'noteProblem', 'answerAgainstAccount'] },
      { guard: 'answers', actions: ['recordUser', 'noteProblem', 'answer'] },
      { guard: said(null, 'worked'), target: '.resolved', actions: ['recordUser', close('worked')] },
      { guard: said(null, 'all_good'), target: '.resolved', actions: ['recordUser', close('fine')] },
      // Still queued, processing or "spinning": the waiting path, never "failed again".
      { guard: said(null, 'still_stuck'), target: '.waiting', actions: ['recordUser', 'noteProblem', 'markStuck'] },
      { guard: 'notesDetails', actions: ['recordUser', 'acknowledge'] },
      { guard: said(null, 'greeting'), actions: ['recordUser', 'smallTalk'] },
      { guard: said(null, 'question'), actions: ['recordUser', 'noArticle'] },
      { guard: 'unclear', actions: ['recordMiss', 'confirm'] },
      { actions: ['recordMiss', 'didntCatch'] },
    ],
    'user.chose': [
      { guard: chose('human', 'send_to_support'), target: '.packet', actions: 'recordUser' },
      { guard: chose('worked', 'arrived'), target: '.resolved', actions: ['recordUser', close('worked')] },
      { guard: chose('all_good'), target: '.resolved', actions: ['recordUser', close('fine')] },
      { guard: chose('dont_send'), target: '.resolved', actions: ['recordUser', close('declined')] },
      { guard: chose('more'), actions: ['recordUser', 'showMore'] },
      ...nextStep(chose('troubleshoot'), ['recordUser']),
      // An option not on offer (an old button): the step's question again.
      { actions: ['recordMiss', 'didntCatch'] },
    ],
  },
  states: {
    greeting: {
      initial: 'start',
      states: {
        start: { always: [{ guard: 'identified', target: 'loading' }, { target: 'choosing', actions: 'greetAnonymous' }] },
        loading: {
          tags: ['busy'],
          invoke: {
            id: 'loadRecentRuns',
            src: 'loadRecentRuns',
            input: ({ context }) => ({ email: context.identity?.email ?? '' }),
            onDone: { target: 'choosing', actions: { type: 'storeRuns', params: ({ event }) => event.output } },
            onError: { target: 'choosing', actions: 'runsUnavailable' },
          },
        },
        choosing: {},
      },
      on: {
        'user.chose': [
          { guard: 'pointsAtIncident', target: 'incident', actions: ['recordUser', 'selectRun'] },
          // A run still queued or processing (within its time or stuck past it) is waited for, not retried as failed.
          { guard: { type: 'pointsAtRun', params: { running: true } }, target: 'waiting', actions: ['recordUser', 'selectRun'] },
          { guard: { type: 'pointsAtRun', params: { running: false } }, target: 'retry', actions: ['recordUser', 'selectRun'] },
          { guard: chose('other'), target: 'retry', actions: 'recordUser' },
        ],
        'user.said': [
          { guard: 'pointsAtIncident', target: 'incident', actions: ['recordUser', 'selectRun', 'noteProblem'] },
          { guard: { type: 'pointsAtRun', params: { running: true } }, target: 'waiting', actions: ['recordUser', 'selectRun', 'noteProblem'] },
          { guard: { type: 'pointsAtRun', params: { running: false } }, target: 'retry', actions: ['recordUser', 'selectRun', 'noteProblem'] },
          { guard: 'describes', target: 'retry', actions: ['recordUser', 'noteProblem'] },
        ],
      },
    },
    // A failed run of an open incident: told it is known, what it cost, and offered to be told when it is fixed.
    incident: {
      entry: 'tellIncident',
      initial: 'offered',
      states: {
        offered: {
          on: { 'user.chose': { guard: chose('watch_incident'), target: 'watching', actions: 'recordUser' } },
        },
        watching: {
          tags: ['busy'],
          invoke: {
            id: 'watchIncident',
            src: 'watchIncident',
            input: ({ context }) => ({
              incidentId: context.runs.find((r) => r.generationId === context.runId)?.incident?.id ?? '',
              conversationId: context.conversationId,
              email: context.identity?.email ?? null,
            }),
            onDone: { target: 'watched', actions: 'confirmWatch' },
            onError: { target: 'offered', actions: 'watchFailed' },
          },
        },
        watched: {},
      },
    },
    waiting: {
      entry: 'describeWaiting',
      on: {
        'user.chose': [...nextStep(chose('still_stuck'), ['recordUser', 'markStuck'])],
        'user.said': [
          { guard: said('waiting', 'yes'), target: 'resolved', actions: ['recordUser', close('worked')] },
          ...nextStep(said('waiting', 'still_stuck', 'no'), ['recordUser', 'noteProblem', 'markStuck']),
          ...nextStep(said('waiting', 'still_failing'), ['recordUser', 'noteProblem', 'markFailed']),
        ],
      },
    },
    retry: {
      entry: 'adviseRetry',
      on: {
        'user.chose': {
          guard: chose('still_failing'),
          target: 'simplify',
          actions: ['recordUser', { type: 'markStep', params: { step: 'retry' } }, 'markFailed'],
        },
        'user.said': [
          {
            guard: said('retry', 'still_failing', 'no'),
            target: 'simplify',
            actions: ['recordUser', 'noteProblem', { type: 'markStep', params: { step: 'retry' } }, 'markFailed'],
          },
          { guard: said('retry', 'yes'), target: 'resolved', actions: ['recordUser', close('worked')] },
        ],
      },
    },
    simplify: {
      entry: 'adviseSimplify',
      on: {
        'user.chose': {
          guard: chose('still_failing'),
          target: 'credits',
          actions: ['recordUser', { type: 'markStep', params: { step: 'simplify' } }],
        },
        'user.said': [
          {
            guard: said('simplify', 'still_failing', 'no'),
            target: 'credits',
            actions: ['recordUser', 'noteProblem', { type: 'markStep', params: { step: 'simplify' } }],
          },
          { guard: said('simplify', 'yes'), target: 'resolved', actions: ['recordUser', close('worked')] },
        ],
      },
    },
    credits: {
      initial: 'start',
      states: {
        start: { always: [{ guard: 'identified', target: 'checking' }, { target: '#troubleshoot.findings' }] },
        checking: {
          tags: ['busy'],
          invoke: {
            id: 'checkFindings',
            src: 'checkFindings',
            input: ({ context }) => ({
              email: context.identity?.email ?? '',
              generationIds: context.details.generationIds,
              studio: context.details.studio,
              occurredAt: context.details.occurredAt,
            }),
            onDone: { target: '#troubleshoot.findings', actions: { type: 'storeFindings', params: ({ event }) => event.output } },
            onError: { target: '#troubleshoot.findings', actions: 'findingsUnavailable' },
          },
        },
      },
    },
    findings: {
      entry: 'presentFindings',
      on: {
        'user.said': [
          { guard: said('findings', 'send', 'yes'), target: 'packet', actions: 'recordUser' },
          { guard: said('findings', 'dont_send', 'no'), target: 'resolved', actions: ['recordUser', close('declined')] },
          // Asked again about the charge: the facts again, from the check already made.
          { guard: said('findings', 'refund'), actions: ['recordUser', 'presentFindings'] },
          // Still stuck with no advice left: support is the next step (the root's waiting path otherwise).
          { guard: and([said('findings', 'still_stuck'), not('stepsRemain')]), actions: ['recordUser', 'markStuck', 'confirm'] },
        ],
      },
    },
    packet: {
      entry: 'showPacket',
      initial: 'ready',
      states: {
        ready: {
          on: {
            'user.chose': { guard: chose('send'), target: 'sending', actions: 'recordUser' },
            'user.said': [
              { guard: said('packet', 'send', 'yes'), target: 'sending', actions: ['recordUser', 'fillPacket'] },
              { guard: said('packet', 'dont_send', 'no'), target: '#troubleshoot.resolved', actions: ['recordUser', close('declined')] },
              { guard: said('packet', 'refund'), actions: ['recordUser', 'chargeInPacket'] },
              { guard: said('packet', 'human'), actions: ['recordUser', 'showPacket'] },
              { guard: said('packet', 'still_stuck'), actions: ['recordUser', 'markStuck', 'confirm'] },
              // "All good" to a report ready to go may mean "looks good" as well as "no need": asked, not guessed.
              { guard: said('packet', 'all_good'), actions: ['recordMiss', 'confirm'] },
              { guard: 'fillsPacket', actions: ['recordUser', 'fillPacket', 'showPacket'] },
            ],
          },
        },
        sending: {
          tags: ['busy'],
          invoke: {
            id: 'handOff',
            src: 'handOff',
            input: ({ context }) => toHandOffInput(context),
            onDone: { target: '#troubleshoot.handed_off', actions: { type: 'storeHandOff', params: ({ event }) => event.output } },
            // Another request handing the conversation off is not this flow's to answer: the flow fails with it.
            onError: { guard: not('handOffTaken'), target: 'ready', actions: 'handOffFailed' },
          },
        },
      },
    },
    handed_off: {
      on: {
        'user.chose': { guard: not(chose('worked', 'arrived', 'all_good')), actions: ['recordUser', 'remindRef'] },
        'user.said': { actions: ['recordUser', 'remindRef'] },
      },
    },
    resolved: {
      on: {
        'user.chose': { actions: ['recordUser', 'stillClosed'] },
        'user.said': [
          // A new problem after all: the advice starts over.
          { guard: said('resolved', 'report_problem', 'still_failing'), target: 'retry', actions: ['recordUser', 'startOver', 'noteProblem', 'markFailed'] },
          // A charge, a person, a stuck run or a question are the root's.
          { guard: not(or([said(null, 'refund', 'human', 'still_stuck'), 'answers'])), actions: ['recordUser', 'stillClosed'] },
        ],
      },
    },
  },
});

/** A snapshot of the troubleshooting machine. */
export type TroubleshootSnapshot = SnapshotFrom<typeof troubleshootMachine>;

/** The chat-api.md state of a snapshot (its top-level state). */
export function flowState(snapshot: TroubleshootSnapshot): FlowState {
  // The machine's top-level states are the flow states, none parallel: the active one is the state
  // value itself or its only key (`matches` for each would build a state value per call).
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  return flowStates.find((state) => state === top) ?? 'greeting';
}

/** True while an invoked actor is running: wait for it before persisting or answering. */
export function isBusy(snapshot: TroubleshootSnapshot): boolean {
  return snapshot.hasTag('busy');
}
