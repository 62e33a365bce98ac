/**
 * Test doubles of the flow's ports (fixed data, fake actors) and helpers to drive the machine.
 * Used by the flows/*.test.ts files only.
 */
import { createActor, fromPromise, waitFor } from 'xstate';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import type { TroubleshootInput } from './context.ts';
import { isBusy, troubleshootMachine, type TroubleshootEvent } from './troubleshoot-machine.ts';
import { understand } from '../src/understanding/index.ts';
import type { TroubleshootContext } from './context.ts';
import type { CheckFindingsInput, HandOffInput, HandOffResult, KbAnswer, RecentRun, RecentRunsResult, Understanding } from './types.ts';

/** Tuesday 24 Nov 2026, 14:30 in Berlin. */
export const NOW = Date.parse('2026-11-24T13:30:00Z');
export const BERLIN = 'Europe/Berlin';

const base = { finishedAt: null, stuck: false, error: null, verdict: 'not_charged', charged: 0, outstanding: 0, expectedMinutes: 10 } as const;
/** Recent runs of maya@example.com, one of each kind the flow treats differently. */
export const runs = {
  failed4k: { ...base, generationId: 'gen_7', studio: 'video', status: 'failed', prompt: 'a fox running through snow', settings: { resolution: '4k' },
    error: { code: 'model_timeout', message: 'Model timed out' }, createdAt: '2026-11-24T13:05:00.000Z', finishedAt: '2026-11-24T13:07:00.000Z',
    verdict: 'refund_due', charged: 40, outstanding: 40, expectedMinutes: 120 },
  pending: { ...base, generationId: 'gen_8', studio: 'image', status: 'processing', prompt: 'a red kite', settings: { resolution: '1024x1024' },
    createdAt: '2026-11-24T13:25:00.000Z', verdict: 'in_progress' },
  stuck: { ...base, generationId: 'gen_6', studio: 'music', status: 'processing', prompt: 'calm piano', settings: {},
    createdAt: '2026-11-24T12:00:00.000Z', stuck: true, expectedMinutes: 15 },
  withRefs: { ...base, generationId: 'gen_5', studio: 'image', status: 'failed', prompt: 'my cat as a knight', settings: { resolution: '1024x1024', referenceImages: 2 },
    createdAt: '2026-11-24T11:00:00.000Z' },
  longPrompt: { ...base, generationId: 'gen_4', studio: 'storyboard', status: 'canceled', settings: {}, createdAt: '2026-11-23T16:00:00.000Z',
    prompt: 'A six panel storyboard of a lighthouse keeper who finds a message in a bottle, walks to the village at dawn, asks the baker, the fisherman and the teacher, and finally sails away' },
} satisfies Record<string, RecentRun>;

export const recentRuns: RecentRunsResult = { runs: Object.values(runs), timezone: BERLIN };

/** The same runs while Video Studio's timeouts are an open incident: gen_7 belongs to it. */
export const recentRunsDuringIncident: RecentRunsResult = {
  runs: Object.values(runs).map((r) =>
    r.generationId === 'gen_7' ? { ...r, incident: { id: 'INC-7QX2M9AB', studio: 'video', error: 'model_timeout', since: '2026-11-24T12:55:00.000Z' } } : r,
  ),
  timezone: BERLIN,
};

/** The reconciliation of gen_7: 40 credits charged and not refunded; a Music Studio spend at 14:12. */
export const findings: ReconciliationResult = {
  account: { id: 'acc_1', email: 'maya@example.com' },
  window: { from: '2026-11-24T11:05:00.000Z', to: '2026-11-24T13:30:00.000Z' },
  now: '2026-11-24T13:30:00.000Z',
  balance: 120,
  runs: [{ generationId: 'gen_7', studio: 'video', status: 'failed', createdAt: '2026-11-24T13:05:00.000Z', finishedAt: '2026-11-24T13:07:00.000Z',
    error: { code: 'model_timeout', message: 'Model timed out' }, stuck: false, charged: 40, refunded: 0, outstanding: 40,
    chargeEvidence: 'linked', verdict: 'refund_due', spendIds: ['led_9'], refundIds: [] }],
  otherSpends: [{ ledgerId: 'led_3', amount: -10, createdAt: '2026-11-24T13:12:00.000Z', generationId: 'gen_2', studio: 'music' }],
  totals: { refundDue: 40, failedRuns: 1, stuckRuns: 0 },
};

export const handOffResult: HandOffResult = { ref: 'PKT-7QX2M9', missing: [], refund: null, proposedRefund: 40 };

export const maya: TroubleshootInput = { identity: { email: 'maya@example.com' }, timezone: BERLIN };
export const anonymous: TroubleshootInput = { identity: null, timezone: BERLIN };

export const kbAnswer: KbAnswer = {
  articleId: 'failed-generation',
  title: 'A generation failed — what now, and were my credits charged?',
  text: 'A failed generation should not cost credits.',
};

type Outcome<T> = T | Error;
/** What each fake actor answers, in order of calls (the last answer repeats). */
export interface FakePlan {
  loadRecentRuns?: Outcome<RecentRunsResult>[];
  checkFindings?: Outcome<ReconciliationResult>[];
  handOff?: Outcome<HandOffResult>[];
}

/** The inputs each fake actor was called with. */
export interface FakeCalls {
  loadRecentRuns: { email: string }[];
  checkFindings: CheckFindingsInput[];
  handOff: HandOffInput[];
}

function answer<T>(plan: Outcome<T>[], call: number): Promise<T> {
  const outcome = plan[Math.min(call, plan.length - 1)];
  if (outcome === undefined) return Promise.reject(new Error('no answer planned'));
  return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
}

/** The machine with fake actors that answer from `plan` (default: the fixtures above). */
export function fakeMachine(plan: FakePlan = {}) {
  const calls: FakeCalls = { loadRecentRuns: [], checkFindings: [], handOff: [] };
  const machine = troubleshootMachine.provide({
    actors: {
      loadRecentRuns: fromPromise<RecentRunsResult, { email: string }>(({ input }) =>
        answer(plan.loadRecentRuns ?? [recentRuns], calls.loadRecentRuns.push(input) - 1)),
      checkFindings: fromPromise<ReconciliationResult, CheckFindingsInput>(({ input }) =>
        answer(plan.checkFindings ?? [findings], calls.checkFindings.push(input) - 1)),
      handOff: fromPromise<HandOffResult, HandOffInput>(({ input }) => answer(plan.handOff ?? [handOffResult], calls.handOff.push(input) - 1)),
    },
  });
  return { machine, calls };
}

type Actor = ReturnType<typeof createActor<ReturnType<typeof fakeMachine>['machine']>>;

/** Waits until no invoked actor runs, as the conversation service does after each event. */
export async function settle(actor: Actor) {
  return waitFor(actor, (s) => !isBusy(s));
}

/** Starts a conversation with fake actors and waits for the greeting. */
export async function startConversation(input: TroubleshootInput, plan: FakePlan = {}) {
  const { machine, calls } = fakeMachine(plan);
  const actor = createActor(machine, { input }).start();
  await settle(actor);
  return { actor, calls, machine };
}

/** Sends an event and waits until the machine settles; returns the snapshot. */
export async function send(actor: Actor, event: TroubleshootEvent) {
  actor.send(event);
  return settle(actor);
}

/** A `user.chose` event. */
export const chose = (option: string): TroubleshootEvent => ({ type: 'user.chose', option });

const readings = new Map<string, Understanding>();

/** What src/understanding reads in `text` at NOW in Berlin (read once: the path tests send the same texts in every state). */
export function read(text: string): Understanding {
  let u = readings.get(text);
  if (!u) {
    const { intent, confidence, candidates, fields } = understand(text, { now: NOW, timezone: BERLIN });
    u = { intent, confidence, candidates, fields };
    readings.set(text, u);
  }
  return u;
}

/** A `user.said` event read as the service would (at NOW, in Berlin). */
export function said(text: string, kb: KbAnswer | null = null): TroubleshootEvent {
  return { type: 'user.said', text, understood: read(text), answer: kb };
}

/**
 * chat-api.md's table: the option ids a settled state offers. `more` where the step has details a
 * tap away (until shown); `troubleshoot` at the findings while advice remains (after a question
 * about a charge), else `all_good`; a person offered after two unclear messages in a row.
 */
export function expectedOptionIds(state: string, context: Pick<TroubleshootContext, 'runs' | 'options' | 'findings'>): string[] {
  const offered = new Set(context.options.map((o) => o.id));
  const more = offered.has('more') ? ['more'] : [];
  const findingsIds = ['send_to_support', offered.has('troubleshoot') ? 'troubleshoot' : 'all_good', ...(context.findings ? more : [])];
  const table: Record<string, string[]> = {
    greeting: [...context.runs.map((r) => `run:${r.generationId}`), 'other'],
    waiting: ['arrived', 'still_stuck'],
    retry: ['worked', 'still_failing', ...more],
    simplify: ['worked', 'still_failing', ...more],
    findings: findingsIds,
    packet: ['send', 'dont_send'],
    handed_off: [],
    resolved: [],
    // Told of the incident, the offer to be told when it is fixed (gone once asked); a person always.
    incident: [...(offered.has('watch_incident') ? ['watch_incident'] : []), 'human'],
  };
  const ids = table[state] ?? [];
  // Offered on top of a step's own options: a person after two misses, support after an answer the account contradicts.
  const extra = ['send_to_support', 'human'].filter((id) => offered.has(id) && !ids.includes(id));
  return [...ids, ...extra];
}
