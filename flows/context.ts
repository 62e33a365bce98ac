import type { GenerationSettings } from '../src/core/platform-types.ts';
import type { ReconciliationResult } from '../src/core/reconcile-account.ts';
import { DEFAULT_LOCALE, isLocale, type Locale } from '../src/i18n/locales.ts';
import type { UnderstoodFields } from '../src/understanding/index.ts';
import type { BotMessage, BotOption, CaseDetails, HandOffInput, HandOffResult, RecentRun, StepTried, Studio } from './types.ts';
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
  /** The run is still queued or processing, or the user says it is: the waiting path, never "failed again". */
  stuck: boolean;
}

/** Advice the bot has given, so that the next step is never the same one again. */
export type AdvisedStep = 'retry' | 'simplify';

/** The question the bot's last message asked: what a short confirmation asks again. */
export type Asking = 'which_run' | 'what_happened' | 'arrived' | 'retried' | 'simplified' | 'send_to_support' | 'send';

/** Input of the troubleshooting machine. */
export interface TroubleshootInput {
  /** Null for anonymous users; an identity here has been verified by the service. */
  identity: { email: string } | null;
  /** IANA zone the user sees times in; null = unknown (the account's zone, else UTC). */
  timezone: string | null;
  /** The conversation this flow runs in, handed to `handOff` so it can attach the transcript. */
  conversationId?: string | null;
  /** The conversation's language (src/i18n/locales.ts); null = English until it is known. */
  locale?: string | null;
}

/** The machine's context: JSON-serializable and bounded. */
export interface TroubleshootContext {
  conversationId: string | null;
  /**
   * The version of the stored conversation the current turn began from, for `handOff`'s claim: a
   * conversation is stored first at 0, and the service sets it each time it restores the snapshot.
   */
  version: number;
  /** The conversation's language, set by the service each turn (it can change between turns); absent = English. */
  locale?: string | null;
  identity: { email: string } | null;
  timezone: string | null;
  runs: RecentRun[];
  /** The run the conversation is about, when one was chosen. */
  runId: string | null;
  details: ProblemDetails;
  /** Only what the user did or said they did: what the packet's "Already tried" lists. */
  stepsTried: StepTried[];
  advised: AdvisedStep[];
  /** Messages in a row the bot could not read: the second one offers a person. */
  misses: number;
  asking: Asking | null;
  findings: ReconciliationResult | null;
  handOff: HandOffResult | null;
  /** The options currently offered (those of the last bot message that had any). */
  options: BotOption[];
  /** The last MAX_MESSAGES messages. */
  messages: BotMessage[];
  /** How many messages were ever appended: new messages of a turn = the difference. */
  messageCount: number;
}

const emptyDetails: ProblemDetails = {
  studio: null, prompt: null, settings: null, errorMessage: null, occurredAt: null, email: null, generationIds: [], stuck: false,
};

/**
 * A stored context as this version of the flow reads it: a conversation stored by an earlier
 * version (without the fields added since) goes on with their defaults.
 */
export function upgradeContext(context: TroubleshootContext): TroubleshootContext {
  return {
    ...context,
    details: { ...emptyDetails, ...context.details },
    advised: context.advised ?? [],
    misses: context.misses ?? 0,
    asking: context.asking ?? null,
  };
}

/** The context a conversation starts with. */
export function initialContext(input: TroubleshootInput): TroubleshootContext {
  return {
    conversationId: input.conversationId ?? null,
    version: 0,
    locale: input.locale ?? null,
    identity: input.identity,
    timezone: input.timezone,
    runs: [],
    runId: null,
    details: emptyDetails,
    stepsTried: [],
    advised: [],
    misses: 0,
    asking: null,
    findings: null,
    handOff: null,
    options: [],
    messages: [],
    messageCount: 0,
  };
}

/** The language the flow's texts of the account's facts are written in. */
export function langOf(context: Pick<TroubleshootContext, 'locale'>): Locale {
  return isLocale(context.locale) ? context.locale : DEFAULT_LOCALE;
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

/**
 * A bot message offering `options` (which become the current options); `asking` is the question it
 * asks, when it asks a new one.
 */
export function say(context: TroubleshootContext, text: string, options: BotOption[], asking?: Asking | null) {
  const message: BotMessage = options.length > 0 ? { from: 'bot', text, options } : { from: 'bot', text };
  return { ...append(context, message), options, ...(asking !== undefined && { asking }) };
}

/** A run that is still within its expected time (as opposed to stuck, failed or canceled). */
export function isPending(run: RecentRun): boolean {
  return isRunning(run) && !run.stuck;
}

/** A run still queued or processing, within its expected time or stuck past it. */
export function isRunning(run: Pick<RecentRun, 'status'>): boolean {
  return run.status === 'queued' || run.status === 'processing';
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
    stuck: isRunning(run),
  };
}

/**
 * The recent run that free text points at: one it names by id, else the same studio created
 * within 90 minutes of the time it gives (or the only run of that studio).
 */
export function matchRun(runs: readonly RecentRun[], fields: UnderstoodFields): RecentRun | null {
  const named = runs.find((r) => fields.generationIds.includes(r.generationId));
  if (named) return named;
  if (fields.studio === null && fields.occurredAt === null) return null;
  const candidates = runs.filter((r) => fields.studio === null || r.studio === fields.studio);
  if (fields.occurredAt === null) return candidates.length === 1 ? (candidates[0] ?? null) : null;
  const at = Date.parse(fields.occurredAt);
  const distance = (r: RecentRun) => Math.abs(Date.parse(r.createdAt) - at);
  const nearest = [...candidates].sort((a, b) => distance(a) - distance(b))[0];
  return nearest && distance(nearest) <= 90 * 60_000 ? nearest : null;
}

/** What a message added to the case, as replies.notedText names it. */
export type Noted = 'email' | 'studio' | 'occurredAt' | 'prompt' | 'errorMessage' | 'settings' | 'generationIds' | 'stepsTried';

/** True when the fields say something about the problem itself (not only who the user is). */
export function describesProblem(fields: UnderstoodFields): boolean {
  return Boolean(fields.studio || fields.occurredAt || fields.prompt || fields.errorMessage || fields.settings || fields.generationIds.length > 0);
}

/**
 * Takes what free text says into the case: fills unknown fields, or replaces them when `overwrite`
 * (the packet step, where the user corrects what will be sent); settings key by key; the steps the
 * user says they took. Returns the new details and steps, and what changed.
 */
export function noteDetails(context: TroubleshootContext, fields: UnderstoodFields, overwrite: boolean) {
  const details = { ...context.details };
  const noted: Noted[] = [];
  const take = <K extends 'studio' | 'prompt' | 'errorMessage' | 'occurredAt' | 'email'>(key: K, value: ProblemDetails[K]) => {
    if (value === null || value === details[key] || (details[key] !== null && !overwrite)) return;
    details[key] = value;
    noted.push(key);
  };
  if (context.identity === null) take('email', fields.accountEmail?.toLowerCase() ?? null);
  take('studio', fields.studio);
  take('occurredAt', fields.occurredAt);
  take('prompt', fields.prompt);
  take('errorMessage', fields.errorMessage);
  const typed = Object.entries(fields.settings ?? {}).filter(([key, value]) => {
    const known = details.settings?.[key];
    return value !== known && (known === undefined || overwrite);
  });
  if (typed.length > 0) {
    details.settings = { ...details.settings, ...Object.fromEntries(typed) };
    noted.push('settings');
  }
  if (details.generationIds.length === 0 && fields.generationIds.length > 0) {
    details.generationIds = fields.generationIds.slice(0, 5);
    noted.push('generationIds');
  }
  const steps = fields.stepsTried.filter((step) => !context.stepsTried.includes(step));
  if (steps.length > 0) noted.push('stepsTried');
  return { details, stepsTried: [...context.stepsTried, ...steps], noted };
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

/** What support still needs from the user (only what is unknown), as replies.missingText names it. */
export type Missing = 'accountEmail' | 'studio' | 'prompt' | 'occurredAt';

export function missingFromCase(context: TroubleshootContext): Missing[] {
  const c = toCaseDetails(context);
  const missing: Missing[] = [];
  if (c.accountEmail === null) missing.push('accountEmail');
  if (c.studio === null) missing.push('studio');
  if (c.prompt === null) missing.push('prompt');
  if (c.occurredAt === null) missing.push('occurredAt');
  return missing;
}
