import { not, type SnapshotFrom } from 'xstate';
import { initialContext, toHandOffInput } from './context.ts';
import { troubleshootSetup } from './troubleshoot-setup.ts';

export type { TroubleshootEvent } from './troubleshoot-setup.ts';
export type { TroubleshootContext, TroubleshootInput } from './context.ts';

/** The top-level states of chat-api.md, in flow order. */
export const flowStates = ['greeting', 'waiting', 'retry', 'simplify', 'credits', 'findings', 'packet', 'handed_off', 'resolved'] as const;
export type FlowState = (typeof flowStates)[number];

/**
 * The troubleshooting statechart: pure (no I/O, no clock, no knowledge base), JSON-serializable
 * context. Async work is three invoked actors the service provides with `machine.provide`
 * (`loadRecentRuns`, `checkFindings`, `handOff`); states tagged `busy` are waiting on one.
 */
export const troubleshootMachine = troubleshootSetup.createMachine({
  id: 'troubleshoot',
  context: ({ input }) => initialContext(input),
  initial: 'greeting',
  on: {
    // Reached when the current state gives an event no meaning of its own.
    'user.said': [
      { guard: 'hasAnswer', actions: ['recordUser', 'answer'] },
      { guard: 'saysDone', target: '.resolved', actions: 'recordUser' },
      { guard: 'notesDetails', actions: ['recordUser', 'acknowledge'] },
      { actions: ['recordUser', 'didntCatch'] },
    ],
    'user.chose': [
      { guard: 'saysDone', target: '.resolved', actions: 'recordUser' },
      { actions: ['recordUser', 'didntCatch'] },
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
          { guard: { type: 'pointsAtRun', params: { pending: true } }, target: 'waiting', actions: ['recordUser', 'selectRun'] },
          { guard: { type: 'pointsAtRun', params: { pending: false } }, target: 'retry', actions: ['recordUser', 'selectRun'] },
          { guard: { type: 'chose', params: { option: 'other' } }, target: 'retry', actions: 'recordUser' },
        ],
        'user.said': [
          { guard: { type: 'pointsAtRun', params: { pending: true } }, target: 'waiting', actions: ['recordUser', 'selectRun', 'noteProblem'] },
          { guard: { type: 'pointsAtRun', params: { pending: false } }, target: 'retry', actions: ['recordUser', 'selectRun', 'noteProblem'] },
          { guard: 'describes', target: 'retry', actions: ['recordUser', 'noteProblem'] },
        ],
      },
    },
    waiting: {
      entry: 'describeWaiting',
      on: {
        'user.chose': { guard: { type: 'chose', params: { option: 'still_stuck' } }, target: 'retry', actions: 'recordUser' },
        'user.said': [
          { guard: { type: 'said', params: { intents: ['still_stuck', 'still_failing', 'no'] } }, target: 'retry', actions: 'recordUser' },
          { guard: { type: 'said', params: { intents: ['yes'] } }, target: 'resolved', actions: 'recordUser' },
        ],
      },
    },
    retry: {
      entry: 'adviseRetry',
      on: {
        'user.chose': {
          guard: { type: 'chose', params: { option: 'still_failing' } },
          target: 'simplify',
          actions: ['recordUser', { type: 'markStep', params: { step: 'retry' } }],
        },
        'user.said': [
          {
            guard: { type: 'said', params: { intents: ['still_failing', 'still_stuck', 'no'] } },
            target: 'simplify',
            actions: ['recordUser', { type: 'markStep', params: { step: 'retry' } }],
          },
          { guard: { type: 'said', params: { intents: ['yes'] } }, target: 'resolved', actions: 'recordUser' },
        ],
      },
    },
    simplify: {
      entry: 'adviseSimplify',
      on: {
        'user.chose': {
          guard: { type: 'chose', params: { option: 'still_failing' } },
          target: 'credits',
          actions: ['recordUser', { type: 'markStep', params: { step: 'simplify' } }],
        },
        'user.said': [
          {
            guard: { type: 'said', params: { intents: ['still_failing', 'still_stuck', 'no'] } },
            target: 'credits',
            actions: ['recordUser', { type: 'markStep', params: { step: 'simplify' } }],
          },
          { guard: { type: 'said', params: { intents: ['yes'] } }, target: 'resolved', actions: 'recordUser' },
        ],
      },
    },
    credits: {
      entry: [{ type: 'markStep', params: { step: 'checked_credits' } }, 'explainCredits'],
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
        'user.chose': { guard: { type: 'chose', params: { option: 'send_to_support' } }, target: 'packet', actions: 'recordUser' },
        'user.said': { guard: { type: 'said', params: { intents: ['send', 'yes'] } }, target: 'packet', actions: 'recordUser' },
      },
    },
    packet: {
      entry: 'showPacket',
      initial: 'ready',
      states: {
        ready: {
          on: {
            'user.chose': { guard: { type: 'chose', params: { option: 'send' } }, target: 'sending', actions: 'recordUser' },
            'user.said': [
              { guard: { type: 'said', params: { intents: ['send', 'yes'] } }, target: 'sending', actions: ['recordUser', 'fillPacket'] },
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
        'user.chose': { guard: not('saysDone'), actions: ['recordUser', 'remindRef'] },
        'user.said': { guard: 'plainText', actions: ['recordUser', 'remindRef'] },
      },
    },
    resolved: {
      entry: 'close',
      on: {
        'user.chose': { actions: ['recordUser', 'stillClosed'] },
        'user.said': { guard: not('hasAnswer'), actions: ['recordUser', 'stillClosed'] },
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
