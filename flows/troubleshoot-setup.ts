import { assign, fromPromise, setup } from 'xstate';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import { inState } from '../src/understanding/intents.ts';
import { dueOn, nearbySpends, runsToPresent } from './advice.ts';
import {
  type AdvisedStep, append, describesProblem, detailsFromRun, isRunning, matchRun, MAX_RUNS, missingFromCase,
  langOf, noteDetails, say, toCaseDetails, type TroubleshootContext, type TroubleshootInput, zoneOf,
} from './context.ts';
import { runLabel } from './format.ts';
import { incidentParts, renderParts, watchFailedParts, watchingParts, watchOption } from './incident-replies.ts';
import * as reply from './replies.ts';
import type { Closing } from './replies.ts';
import { HandOffTakenError, NoAccountError } from './types.ts';
import type {
  BotOption, CheckFindingsInput, FlowState, HandOffInput, HandOffResult, Intent, KbAnswer, RecentRun, RecentRunsResult, StepTried, TextPart, Understanding,
  WatchIncidentInput,
} from './types.ts';


/** Events the conversation service sends: a chosen option, or free text it already read (src/understanding) and looked up. */
export type TroubleshootEvent =
  | { type: 'user.chose'; option: string }
  | { type: 'user.said'; text: string; understood: Understanding; answer: KbAnswer | null };

type Said = Extract<TroubleshootEvent, { type: 'user.said' }>;

const notProvided = (name: string) => () => Promise.reject(new Error(`${name} not provided`));
const isSaid = (event: TroubleshootEvent): event is Said => event.type === 'user.said';

/** The confident reading of a message as said in `state` (null: below the threshold, or none). */
function meaning(event: TroubleshootEvent, state: FlowState | null): Intent | null {
  if (!isSaid(event) || event.understood.intent === null) return null;
  return inState(event.understood.intent, state);
}

/** Readings that say something about the run itself, which free text at the greeting may point at a run with. */
const aboutTheRun: ReadonlyArray<Intent | null> = ['report_problem', 'still_stuck', 'other', null];

/** Help articles about credits: a signed-in user's account may say otherwise. */
const creditArticles: ReadonlySet<string> = new Set(['how-credits-work', 'credits-page']);

/** The recent run an event points at: a `run:<id>` option, or free text naming its id, studio or time. */
function runOf(context: TroubleshootContext, event: TroubleshootEvent): RecentRun | null {
  if (event.type === 'user.chose') return context.runs.find((r) => `run:${r.generationId}` === event.option) ?? null;
  return matchRun(context.runs, event.understood.fields);
}

/** The case's run, when one was chosen. */
function caseRun(context: TroubleshootContext): RecentRun | null {
  return context.runs.find((r) => r.generationId === context.runId) ?? null;
}

/** Whether the advice has a step left that was not given yet (a stuck run is not simplified: it is retried, then reported). */
function needs(context: TroubleshootContext, step: AdvisedStep): boolean {
  if (context.advised.includes(step)) return false;
  return step === 'retry' || !context.details.stuck;
}

/** Runs of the case with credits due back, from the account check if it ran, else from the recent runs. */
function chargesDue(context: TroubleshootContext): reply.ChargedRun[] {
  const ids = context.details.generationIds;
  const ofCase = (r: { generationId: string; outstanding?: number }) => (r.outstanding ?? 0) > 0 && (ids.length === 0 || ids.includes(r.generationId));
  const runs: reply.ChargedRun[] = context.findings ? context.findings.runs.filter(ofCase) : context.runs.filter(ofCase);
  return runs.slice(0, 3);
}

function chargeSentences(context: TroubleshootContext): string[] {
  return chargesDue(context).map((run) => reply.runSentence(run, zoneOf(context), context.findings?.now ?? null, langOf(context)));
}

/** The options offered now, with `extra` added (once). */
const withOption = (current: readonly BotOption[], ...extra: reply.OptionId[]) => [
  ...current,
  ...reply.options(...extra).filter((o) => !current.some((c) => c.id === o.id)),
];

/** The second miss in a row: a person, with the step's buttons (at the packet, Send is the way to one). */
function offerPerson(context: TroubleshootContext) {
  const options = context.asking === 'send' ? context.options : withOption(context.options, 'human');
  return say(context, reply.offerPerson(context.asking), options);
}

/** A bot message written from catalogue keys (English here; the conversation's language in flow-texts.ts). */
function sayParts(context: TroubleshootContext, parts: TextPart[], options: BotOption[]) {
  const message = { from: 'bot' as const, text: renderParts(parts, 'en'), parts, ...(options.length > 0 && { options }) };
  return { ...append(context, message), options, asking: null };
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
    watchIncident: fromPromise<void, WatchIncidentInput>(notProvided('watchIncident')),
  },
  guards: {
    identified: ({ context }) => context.identity !== null,
    chose: ({ event }, params: { options: string[] }) => event.type === 'user.chose' && params.options.includes(event.option),
    /** A confident reading, as said in `state` (inState: "it failed" after advice is still_failing). */
    said: ({ event }, params: { state: FlowState | null; intents: Intent[] }) => {
      const intent = meaning(event, params.state);
      return intent !== null && params.intents.includes(intent);
    },
    /** A question the help articles answer (a confident "question", or no confident reading at all). */
    answers: ({ event }) => isSaid(event) && event.answer !== null && [null, 'question'].includes(event.understood.intent),
    /** …about credits, while the signed-in account shows credits due back. */
    answersAgainstAccount: ({ context, event }) =>
      isSaid(event) && event.answer !== null && creditArticles.has(event.answer.articleId) && context.identity !== null && chargesDue(context).length > 0,
    pointsAtRun: ({ context, event }, params: { running: boolean }) => {
      if (isSaid(event) && !aboutTheRun.includes(meaning(event, 'greeting'))) return false;
      const run = runOf(context, event);
      return run !== null && isRunning(run) === params.running;
    },
    /** A failed run that belongs to an open incident: told so, not troubleshot. */
    pointsAtIncident: ({ context, event }) => {
      if (isSaid(event) && !aboutTheRun.includes(meaning(event, 'greeting'))) return false;
      const run = runOf(context, event);
      return run !== null && run.status === 'failed' && Boolean(run.incident);
    },
    describes: ({ event }) => {
      if (!isSaid(event)) return false;
      const intent = meaning(event, 'greeting');
      return intent === 'report_problem' || intent === 'other' || (intent === null && describesProblem(event.understood.fields));
    },
    needs: ({ context }, params: { step: AdvisedStep }) => needs(context, params.step),
    stepsRemain: ({ context }) => needs(context, 'retry') || needs(context, 'simplify'),
    notesDetails: ({ context, event }) => isSaid(event) && noteDetails(context, event.understood.fields, false).noted.length > 0,
    fillsPacket: ({ context, event }) => isSaid(event) && noteDetails(context, event.understood.fields, true).noted.length > 0,
    /** Some reading, just not one to act on here: confirmed with the step's buttons. */
    unclear: ({ event }) => isSaid(event) && (event.understood.intent !== null || event.understood.candidates.some((c) => c.score >= 0.2)),
    handOffTaken: ({ event }) => 'error' in event && event.error instanceof HandOffTakenError,
  },
  actions: {
    recordUser: assign(({ context, event }) => {
      const text = event.type === 'user.said' ? event.text : (context.options.find((o) => o.id === event.option)?.label ?? event.option);
      return { ...append(context, { from: 'user', text }), misses: 0 };
    }),
    /** The user's message, which the bot could not act on: the second in a row offers a person. */
    recordMiss: assign(({ context, event }) => {
      const text = event.type === 'user.said' ? event.text : (context.options.find((o) => o.id === event.option)?.label ?? event.option);
      return { ...append(context, { from: 'user', text }), misses: context.misses + 1 };
    }),
    answer: assign(({ context, event }) => (isSaid(event) && event.answer ? say(context, reply.kbAnswerText(event.answer), context.options) : {})),
    answerAgainstAccount: assign(({ context, event }) => {
      if (!isSaid(event) || !event.answer) return {};
      const answered = { ...context, ...say(context, reply.kbAnswerText(event.answer), []) };
      return say(answered, reply.accountSaysOtherwise(chargeSentences(context), langOf(context)), withOption(context.options, 'send_to_support'));
    }),
    confirm: assign(({ context }) =>
      context.misses >= 2 ? offerPerson(context) : say(context, reply.confirm(context.asking), context.options),
    ),
    didntCatch: assign(({ context }) =>
      context.misses >= 2 ? offerPerson(context) : say(context, reply.didntCatch(context.asking), context.options),
    ),
    noArticle: assign(({ context }) => say(context, reply.noArticle, withOption(context.options, 'human'))),
    smallTalk: assign(({ context }) => say(context, reply.smallTalk(context.asking), context.options)),
    acknowledge: assign(({ context, event }) => {
      if (!isSaid(event)) return {};
      const { details, stepsTried, noted } = noteDetails(context, event.understood.fields, false);
      return { details, stepsTried, ...say(context, reply.notedText(noted, details, zoneOf(context), context.asking, langOf(context)), context.options) };
    }),
    noteProblem: assign(({ context, event }) => {
      if (!isSaid(event)) return {};
      const { details, stepsTried } = noteDetails(context, event.understood.fields, false);
      return { details, stepsTried };
    }),
    fillPacket: assign(({ context, event }) => {
      if (!isSaid(event)) return {};
      const { details, stepsTried } = noteDetails(context, event.understood.fields, true);
      return { details, stepsTried };
    }),
    greetAnonymous: assign(({ context }) => say(context, reply.greetings.anonymous, reply.options('other'), 'what_happened')),
    storeRuns: assign(({ context }, output: RecentRunsResult) => {
      const runs = output.runs
        .filter((r) => r.status !== 'completed')
        .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
        .slice(0, MAX_RUNS);
      const next = { ...context, runs, timezone: context.timezone ?? output.timezone };
      const newest = runs[0]?.createdAt ?? null;
      const choices = runs.map((r) => ({ id: `run:${r.generationId}`, label: runLabel(r, zoneOf(next), newest) }));
      const [text, asking] = runs.length > 0 ? [reply.greetings.runs, 'which_run' as const] : [reply.greetings.noRuns, 'what_happened' as const];
      return { runs, timezone: next.timezone, ...say(next, text, [...choices, ...reply.options('other')], asking) };
    }),
    runsUnavailable: assign(({ context }) => say(context, reply.greetings.unavailable, reply.options('other'), 'what_happened')),
    selectRun: assign(({ context, event }) => {
      const run = runOf(context, event);
      return run ? { runId: run.generationId, details: detailsFromRun(run, context.details.email) } : {};
    }),
    markStep: assign(({ context }, params: { step: StepTried }) =>
      context.stepsTried.includes(params.step) ? {} : { stepsTried: [...context.stepsTried, params.step] },
    ),
    /**
     * The case's run belongs to an open incident: a known problem, what it cost, the offer to be told
     * when it is fixed. Retrying or simplifying cannot help: that advice counts as given.
     */
    tellIncident: assign(({ context }) => {
      const run = caseRun(context);
      if (!run?.incident) return {};
      return {
        advised: ['retry' as const, 'simplify' as const],
        ...sayParts(context, incidentParts(run, run.incident, zoneOf(context)), [watchOption, ...reply.options('human')]),
      };
    }),
    confirmWatch: assign(({ context }) => sayParts(context, watchingParts(context.identity?.email ?? null), reply.options('human'))),
    watchFailed: assign(({ context }) => sayParts(context, watchFailedParts, [watchOption, ...reply.options('human')])),
    markStuck: assign(({ context }) => ({ details: { ...context.details, stuck: true } })),
    markFailed: assign(({ context }) => ({ details: { ...context.details, stuck: false } })),
    /** A new problem after the conversation was closed: the advice starts over. */
    startOver: assign({ advised: [], findings: null }),
    describeWaiting: assign(({ context }) => {
      const restarted = context.advised.includes('retry');
      // The chosen run as the greeting saw it, until the user was told to start it again.
      const chosen = caseRun(context);
      const run = chosen && isRunning(chosen) && !restarted ? chosen : null;
      // A run past its time (or one only described as stuck) is told to be started again: that advice is given.
      const restart = !restarted && (run === null || run.stuck);
      return {
        ...(restart && { advised: [...context.advised, 'retry' as const] }),
        ...say(context, reply.waitingText(run, zoneOf(context), restarted, langOf(context)), reply.options('arrived', 'still_stuck'), 'arrived'),
      };
    }),
    adviseRetry: assign(({ context }) => ({
      advised: context.advised.includes('retry') ? context.advised : [...context.advised, 'retry' as const],
      ...say(
        context,
        reply.retryAdvice(context.details, { stuck: context.details.stuck, due: dueOn(chargesDue(context)) }, langOf(context)),
        reply.options('worked', 'still_failing', 'more'),
        'retried',
      ),
    })),
    adviseSimplify: assign(({ context }) => ({
      advised: context.advised.includes('simplify') ? context.advised : [...context.advised, 'simplify' as const],
      ...say(context, reply.simplifyAdvice(context.details, { stuck: context.details.stuck }, langOf(context)), reply.options('worked', 'still_failing', 'more'), 'simplified'),
    })),
    /** The details of the step, a tap away; the option goes once they are shown. */
    showMore: assign(({ context }) => {
      const rest = context.options.filter((o) => o.id !== 'more');
      const { findings } = context;
      const text =
        context.asking === 'retried'
          ? reply.retryMore(context.details, langOf(context))
          : context.asking === 'simplified'
            ? reply.simplifyMore
            : context.asking === 'send_to_support' && findings
              ? reply.findingsMore(nearbySpends(findings, runsToPresent(findings, context.details.generationIds)), findings.balance, zoneOf(context), findings.now, langOf(context))
              : reply.confirm(context.asking);
      return say(context, text, rest);
    }),
    storeFindings: assign(({ context }, result: ReconciliationResult) => {
      // Only what the conversation can talk about, so that the context stays small.
      const findings = { ...result, runs: result.runs.slice(0, 20), otherSpends: result.otherSpends.slice(0, 20) };
      if (context.details.generationIds.length > 0) return { findings };
      // A case about no run yet (a question about a charge): the runs with credits due back are the case.
      const due = findings.runs.filter((r) => r.outstanding > 0).slice(0, 3);
      const first = due[0];
      if (!first) return { findings };
      const recent = context.runs.find((r) => r.generationId === first.generationId);
      const details = due.length === 1 && recent
        ? detailsFromRun(recent, context.details.email)
        : {
          ...context.details,
          studio: context.details.studio ?? first.studio,
          occurredAt: context.details.occurredAt ?? first.createdAt,
          errorMessage: context.details.errorMessage ?? first.error?.message ?? null,
          generationIds: due.map((r) => r.generationId),
        };
      return { findings, details, runId: due.length === 1 ? first.generationId : context.runId };
    }),
    findingsUnavailable: assign(({ context, event }) => {
      const error = 'error' in event ? event.error : null;
      return say(context, error instanceof NoAccountError ? reply.findingsNoAccount(error.email, langOf(context)) : reply.findingsUnavailable, []);
    }),
    presentFindings: assign(({ context }) => {
      const { findings } = context;
      const remain = needs(context, 'retry') || needs(context, 'simplify');
      const facts = findings
        ? reply.findingsText(runsToPresent(findings, context.details.generationIds), zoneOf(context), findings.now, langOf(context))
        : context.identity === null
          ? reply.anonymousFindingsIn(langOf(context))
          : '';
      const text = [facts, reply.askToSend(remain, langOf(context))].filter(Boolean).join(' ');
      const ids: reply.OptionId[] = ['send_to_support', remain ? 'troubleshoot' : 'all_good', ...(findings ? ['more' as const] : [])];
      return say(context, text, reply.options(...ids), 'send_to_support');
    }),
    chargeInPacket: assign(({ context }) => say(context, reply.chargeInPacket(chargeSentences(context), langOf(context)), context.options)),
    showPacket: assign(({ context }) => say(context, reply.packetText(toCaseDetails(context), missingFromCase(context), langOf(context)), reply.options('send', 'dont_send'), 'send')),
    handOffFailed: assign(({ context }) => say(context, reply.handOffFailed, reply.options('send', 'dont_send'))),
    storeHandOff: assign(({ context }, result: HandOffResult) => {
      const ids = context.details.generationIds;
      const runs = context.findings?.runs.filter((r) => ids.length === 0 || ids.includes(r.generationId)) ?? [];
      const found = context.findings ? { due: dueOn(runs.filter((r) => r.verdict === 'refund_due')) } : null;
      return { handOff: result, ...say(context, reply.handedOffText(result, found, langOf(context)), [], null) };
    }),
    remindRef: assign(({ context }) => say(context, reply.afterHandOffText(context.handOff?.ref ?? '', langOf(context)), [])),
    close: assign(({ context }, params: { reason: Closing }) => say(context, reply.closing(params.reason), [], null)),
    stillClosed: assign(({ context }) => say(context, reply.stillClosed, [])),
  },
});
