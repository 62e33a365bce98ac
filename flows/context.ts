import type { GenerationSettings } from '../src/core/platform-types.ts';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import { formatClock, studioName } from './format.ts';
import type { BotMessage, BotOption, CaseDetails, HandOffInput, HandOffResult, RecentRun, StepTried, Studio, Understanding } from './types.ts';
import { safeZone } from './zoned-time.ts';

/** Messages kept in context: only the latest turns (the store keeps the transcript; a small snapshot keeps turns fast). */
export const MAX_MESSAGES = 12;
/** Recent runs offered at the greeting. */
export const MAX_RUNS = 10;

/** What the user told us, or what the chosen run says, about the problem. */
export interface ProblemDetails {
  studio: Studio | null;
  prompt: string | null;
  settings: GenerationSettings | null;
  errorMessage: string | null;
  occurredAt: string | null;
  /** The sign-in email an anonymous user typed (identified users' email is `identity.email`). */
  email: string | null;
  generationIds: string[];
}

/** Input of the troubleshooting machine. */
export interface TroubleshootInput {
  /** Null for anonymous users; an identity here has been verified by the service. */
  identity: { email: string } | null;
  /** IANA zone the user sees times in; null = unknown (the account's zone, else UTC). */
  timezone: string | null;
  /** The conversation this flow runs in, handed to `handOff` so it can attach the transcript. */
  conversationId?: string | null;
}

/** The machine's context: JSON-serializable and bounded. */
export interface TroubleshootContext {
  conversationId: string | null;
  /**
   * The version of the stored conversation the current turn began from, for `handOff`'s claim: a
   * conversation is stored first at 0, and the service sets it each time it restores the snapshot.
   */
  version: number;
  identity: { email: string } | null;
  timezone: string | null;
  runs: RecentRun[];
  /** The run the conversation is about, when one was chosen. */
  runId: string | null;
  details: ProblemDetails;
  stepsTried: StepTried[];
  findings: ReconciliationResult | null;
  handOff: HandOffResult | null;
  /** The options currently offered (those of the last bot message that had any). */
  options: BotOption[];
  /** The last MAX_MESSAGES messages. */
  messages: BotMessage[];
  /** How many messages were ever appended: new messages of a turn = the difference. */
  messageCount: number;
}

/** The context a conversation starts with. */
export function initialContext(input: TroubleshootInput): TroubleshootContext {
  return {
    conversationId: input.conversationId ?? null,
    version: 0,
    identity: input.identity,
    timezone: input.timezone,
    runs: [],
    runId: null,
    details: { studio: null, prompt: null, settings: null, errorMessage: null, occurredAt: null, email: null, generationIds: [] },
    stepsTried: [],
    findings: null,
    handOff: null,
    options: [],
    messages: [],
    messageCount: 0,
  };
}

/** The zone times are shown in. */
export function zoneOf(context: TroubleshootContext): string {
  return safeZone(context.timezone);
}

/** Appends messages, keeping the list bounded. */
export function append(context: TroubleshootContext, ...messages: BotMessage[]) {
  return {
    messages: [...context.messages, ...messages].slice(-MAX_MESSAGES),
    messageCount: context.messageCount + messages.length,
  };
}

/** A bot message offering `options` (which become the current options). */
export function say(context: TroubleshootContext, text: string, options: BotOption[]) {
  const message: BotMessage = options.length > 0 ? { from: 'bot', text, options } : { from: 'bot', text };
  return { ...append(context, message), options };
}

/** A run that is still within its expected time (as opposed to stuck, failed or canceled). */
export function isPending(run: RecentRun): boolean {
  return (run.status === 'queued' || run.status === 'processing') && !run.stuck;
}

/** The problem details a chosen run gives. */
export function detailsFromRun(run: RecentRun, email: string | null): ProblemDetails {
  return {
    studio: run.studio,
    prompt: run.prompt || null,
    settings: run.settings,
    errorMessage: run.error?.message ?? null,
    occurredAt: run.createdAt,
    email,
    generationIds: [run.generationId],
  };
}

/** The recent run that free text points at: same studio, created within 90 minutes of the time. */
export function matchRun(runs: readonly RecentRun[], u: Understanding): RecentRun | null {
  if (u.studio === null && u.occurredAt === null) return null;
  const candidates = runs.filter((r) => u.studio === null || r.studio === u.studio);
  if (u.occurredAt === null) return candidates.length === 1 ? (candidates[0] ?? null) : null;
  const at = Date.parse(u.occurredAt);
  const distance = (r: RecentRun) => Math.abs(Date.parse(r.createdAt) - at);
  const nearest = [...candidates].sort((a, b) => distance(a) - distance(b))[0];
  return nearest && distance(nearest) <= 90 * 60_000 ? nearest : null;
}

/**
 * Takes what free text says into the details: fills unknown fields, or replaces them when
 * `overwrite` (the packet step, where the user corrects what will be sent). Returns what changed.
 */
export function noteDetails(context: TroubleshootContext, u: Understanding, overwrite: boolean) {
  const details = { ...context.details };
  const noted: string[] = [];
  const take = <K extends 'studio' | 'prompt' | 'errorMessage' | 'occurredAt' | 'email'>(key: K, value: ProblemDetails[K], word: string) => {
    if (value === null || value === details[key] || (details[key] !== null && !overwrite)) return;
    details[key] = value;
    noted.push(word);
  };
  if (context.identity === null) take('email', u.email, `your email ${u.email ?? ''}`);
  take('studio', u.studio, u.studio ? studioName(u.studio) : '');
  take('occurredAt', u.occurredAt, u.occurredAt ? `${formatClock(u.occurredAt, zoneOf(context))} (${zoneOf(context)})` : '');
  take('prompt', u.prompt, 'the prompt');
  take('errorMessage', u.errorMessage, 'the error message');
  return { details, noted };
}

/** The case as it will be handed to support. */
export function toCaseDetails(context: TroubleshootContext): CaseDetails {
  const { details } = context;
  return {
    accountEmail: context.identity?.email ?? details.email,
    verified: context.identity !== null,
    studio: details.studio,
    prompt: details.prompt,
    settings: details.settings,
    errorMessage: details.errorMessage,
    occurredAt: details.occurredAt,
    timezone: zoneOf(context),
    generationIds: details.generationIds,
    stepsTried: context.stepsTried,
  };
}

/**
 * The case with where it came from: the conversation at the version the turn began from, and the
 * turn's messages (every turn begins with the user's), which are stored only once the turn settles.
 */
export function toHandOffInput(context: TroubleshootContext): HandOffInput {
  const turnStart = context.messages.findLastIndex((m) => m.from === 'user');
  return {
    ...toCaseDetails(context),
    conversationId: context.conversationId,
    version: context.version,
    turnMessages: turnStart < 0 ? [] : context.messages.slice(turnStart),
  };
}

/** What support still needs from the user, in words (only what is unknown). */
export function missingWords(context: TroubleshootContext): string[] {
  const c = toCaseDetails(context);
  return [
    c.accountEmail === null ? 'your account email (the one you sign in with)' : '',
    c.studio === null ? 'which studio you used' : '',
    c.prompt === null ? 'the prompt, in quotes' : '',
    c.occurredAt === null ? 'roughly when it happened' : '',
  ].filter(Boolean);
}
