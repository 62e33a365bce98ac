import { assign, fromPromise, setup } from 'xstate';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import { creditsExplanation, findingsText, generalFindingsText, retryAdvice, simplifyAdvice } from './advice.ts';
import {
  append, detailsFromRun, initialContext, isPending, matchRun, MAX_RUNS, missingWords, noteDetails, say, toCaseDetails, zoneOf,
  type TroubleshootContext, type TroubleshootInput,
} from './context.ts';
import { runLabel } from './format.ts';
import * as reply from './replies.ts';
import { HandOffTakenError, NoAccountError } from './types.ts';
import type { CaseDetails, CheckFindingsInput, HandOffInput, HandOffResult, Intent, KbAnswer, RecentRun, RecentRunsResult, StepTried, Understanding } from './types.ts';

/** Events the conversation service sends: a chosen option, or free text it already interpreted. */
export type TroubleshootEvent =
  | { type: 'user.chose'; option: string }
  | { type: 'user.said'; text: string; understood: Understanding; answer: KbAnswer | null };

const notProvided = (name: string) => () => Promise.reject(new Error(`${name} not provided`));
const doneWords: ReadonlySet<string> = new Set(['worked', 'arrived', 'all_good']);

/** Free text without a knowledge answer and not saying "it worked": state-specific meaning applies. */
function plain(event: TroubleshootEvent): event is Extract<TroubleshootEvent, { type: 'user.said' }> {
  return event.type === 'user.said' && event.answer === null && !doneWords.has(event.understood.intent ?? '');
}

/** The recent run an event points at: a `run:<id>` option, or free text naming its studio/time. */
function runOf(context: TroubleshootContext, event: TroubleshootEvent): RecentRun | null {
  if (event.type === 'user.chose') return context.runs.find((r) => `run:${r.generationId}` === event.option) ?? null;
  return plain(event) ? matchRun(context.runs, event.understood) : null;
}

function describes(event: TroubleshootEvent): boolean {
  if (!plain(event)) return false;
  const u = event.understood;
  return Boolean(u.studio || u.occurredAt || u.prompt || u.errorMessage) || ['still_failing', 'still_stuck', 'other'].includes(u.intent ?? '');
}

/**
 * Types, placeholder actors, guards and actions of the troubleshooting statechart: every effect is a
 * named implementation, the actors throw until the service provides the real ones.
 */
export const troubleshootSetup = setup({
  types: { context: {} as TroubleshootContext, events: {} as TroubleshootEvent, input: {} as TroubleshootInput },
  actors: {
    loadRecentRuns: fromPromise<RecentRunsResult, { email: string }>(notProvided('loadRecentRuns')),
    checkFindings: fromPromise<ReconciliationResult, CheckFindingsInput>(notProvided('checkFindings')),
    handOff: fromPromise<HandOffResult, HandOffInput>(notProvided('handOff')),
  },
  guards: {
    identified: ({ context }) => context.identity !== null,
    hasAnswer: ({ event }) => event.type === 'user.said' && event.answer !== null,
    chose: ({ event }, params: { option: string }) => event.type === 'user.chose' && event.option === params.option,
    said: ({ event }, params: { intents: Intent[] }) =>
      plain(event) && event.understood.intent !== null && params.intents.includes(event.understood.intent),
    saysDone: ({ event }) =>
      event.type === 'user.chose' ? doneWords.has(event.option) : event.answer === null && doneWords.has(event.understood.intent ?? ''),
    pointsAtRun: ({ context, event }, params: { pending: boolean }) => {
      const run = runOf(context, event);
      return run !== null && isPending(run) === params.pending;
    },
    describes: ({ event }) => describes(event),
    notesDetails: ({ context, event }) => plain(event) && noteDetails(context, event.understood, false).noted.length > 0,
    fillsPacket: ({ context, event }) => plain(event) && noteDetails(context, event.understood, true).noted.length > 0,
    plainText: ({ event }) => plain(event),
    handOffTaken: ({ event }) => 'error' in event && event.error instanceof HandOffTakenError,
  },
  actions: {
    recordUser: assign(({ context, event }) => {
      const text = event.type === 'user.said' ? event.text : (context.options.find((o) => o.id === event.option)?.label ?? event.option);
      return append(context, { from: 'user', text });
    }),
    answer: assign(({ context, event }) =>
      event.type === 'user.said' && event.answer ? say(context, reply.kbAnswerText(event.answer), context.options) : {},
    ),
    didntCatch: assign(({ context }) => say(context, reply.didntCatch, context.options)),
    acknowledge: assign(({ context, event }) => {
      if (event.type !== 'user.said') return {};
      const { details, noted } = noteDetails(context, event.understood, false);
      return { details, ...say(context, reply.notedText(noted), context.options) };
    }),
    fillPacket: assign(({ context, event }) => (event.type === 'user.said' ? { details: noteDetails(context, event.understood, true).details } : {})),
    greetAnonymous: assign(({ context }) => say(context, reply.greetings.anonymous, reply.options('other'))),
    storeRuns: assign(({ context }, output: RecentRunsResult) => {
      const runs = output.runs
        .filter((r) => r.status !== 'completed')
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .slice(0, MAX_RUNS);
      const next = { ...context, runs, timezone: context.timezone ?? output.timezone };
      const newest = runs[0]?.createdAt ?? null;
      const choices = runs.map((r) => ({ id: `run:${r.generationId}`, label: runLabel(r, zoneOf(next), newest) }));
      const text = runs.length > 0 ? reply.greetings.runs : reply.greetings.noRuns;
      return { runs, timezone: next.timezone, ...say(next, text, [...choices, ...reply.options('other')]) };
    }),
    runsUnavailable: assign(({ context }) => say(context, reply.greetings.unavailable, reply.options('other'))),
    selectRun: assign(({ context, event }) => {
      const run = runOf(context, event);
      return run ? { runId: run.generationId, details: detailsFromRun(run, context.details.email) } : {};
    }),
    noteProblem: assign(({ context, event }) => (event.type === 'user.said' ? { details: noteDetails(context, event.understood, false).details } : {})),
    markStep: assign(({ context }, params: { step: StepTried }) =>
      context.stepsTried.includes(params.step) ? {} : { stepsTried: [...context.stepsTried, params.step] },
    ),
    describeWaiting: assign(({ context }) => {
      const run = context.runs.find((r) => r.generationId === context.runId);
      return run ? say(context, reply.waitingText(run, zoneOf(context)), reply.options('arrived', 'still_stuck')) : {};
    }),
    adviseRetry: assign(({ context }) => say(context, retryAdvice(context.details), reply.options('worked', 'still_failing'))),
    adviseSimplify: assign(({ context }) => say(context, simplifyAdvice(context.details), reply.options('worked', 'still_failing'))),
    explainCredits: assign(({ context }) => say(context, creditsExplanation(context.identity !== null), [])),
    storeFindings: assign((_, result: ReconciliationResult) => ({
      // Only what the conversation can talk about, so that the context stays small.
      findings: { ...result, runs: result.runs.slice(0, 20), otherSpends: result.otherSpends.slice(0, 20) },
    })),
    findingsUnavailable: assign(({ context, event }) => {
      const error = 'error' in event ? event.error : null;
      return say(context, error instanceof NoAccountError ? reply.findingsNoAccount(error.email) : reply.findingsUnavailable, []);
    }),
    presentFindings: assign(({ context }) => {
      const found = context.findings ? findingsText(context.findings, context.details.generationIds, zoneOf(context)) : generalFindingsText();
      return say(context, `${found} ${reply.askToSend}`, reply.options('send_to_support', 'all_good'));
    }),
    showPacket: assign(({ context }) => say(context, reply.packetText(toCaseDetails(context), missingWords(context)), reply.options('send'))),
    handOffFailed: assign(({ context }) => say(context, reply.handOffFailed, reply.options('send'))),
    storeHandOff: assign(({ context }, result: HandOffResult) => ({
      handOff: result,
      ...say(context, reply.handedOffText(result, context.findings, context.details.generationIds), []),
    })),
    remindRef: assign(({ context }) => say(context, reply.afterHandOffText(context.handOff?.ref ?? ''), [])),
    close: assign(({ context }) => say(context, reply.closing, [])),
    stillClosed: assign(({ context }) => say(context, reply.stillClosed, [])),
  },
});
