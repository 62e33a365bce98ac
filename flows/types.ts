import type { Verdict } from '../src/core/reconcile-account.ts';
import type { GenerationSettings, GenerationStatus, Studio } from '../src/core/platform-types.ts';
import type { Understanding as FullUnderstanding } from '../src/understanding/index.ts';

export type { Studio } from '../src/core/platform-types.ts';
export type { Intent } from '../src/understanding/index.ts';

/** The top-level states of chat-api.md, in flow order. */
export const flowStates = ['greeting', 'incident', 'waiting', 'retry', 'simplify', 'credits', 'findings', 'packet', 'handed_off', 'resolved'] as const;
export type FlowState = (typeof flowStates)[number];

/**
 * One recent run of the signed-in account, as the conversation service hands it to the flow
 * (runs of the last 7 days that did not complete, already reconciled).
 */
export interface RecentRun {
  generationId: string;
  studio: Studio;
  status: GenerationStatus;
  prompt: string;
  settings: GenerationSettings;
  error: { code?: string | null; message: string } | null;
  /** ISO 8601, UTC. */
  createdAt: string;
  finishedAt: string | null;
  /** Queued or processing for longer than `expectedMinutes`. */
  stuck: boolean;
  verdict: Verdict;
  /** Credits charged for it, and how many of them are still due back (0 unless `refund_due`). */
  charged: number;
  outstanding: number;
  /** The stuck limit of this run (its studio's limit, doubled for high resolution), in minutes. */
  expectedMinutes: number;
  /** The open incident this failed run belongs to (src/incidents), when there is one. */
  incident?: RunIncident | null;
}

/** What the flow tells of an open incident a run belongs to. */
export interface RunIncident {
  /** `INC-…` */
  id: string;
  studio: Studio;
  /** Its error: the code, else the normalised message. */
  error: string;
  /** ISO 8601, UTC: its first failure. */
  since: string;
}

/** Input of the `watchIncident` actor: who asks to be told when the incident is fixed. */
export interface WatchIncidentInput {
  incidentId: string;
  conversationId: string | null;
  /** A verified user's email, else null. */
  email: string | null;
}

/**
 * A piece of a bot message by its catalogue key (knowledge/messages), for texts made of facts that
 * are written in the conversation's language (src/chat/flow-texts.ts); `studio` fills `{studio}`
 * with the studio's name in that language.
 */
export interface TextPart {
  key: string;
  params?: Record<string, string | number>;
  studio?: Studio;
}

/**
 * What src/understanding made of one free-text message, as the flow reads it: the intent to act on
 * (null below the confidence threshold), the readings to confirm with buttons otherwise, and the
 * report's fields the message gives.
 */
export type Understanding = Pick<FullUnderstanding, 'intent' | 'confidence' | 'candidates' | 'fields'>;

/** An answer from the knowledge base, with the article it came from. */
export interface KbAnswer {
  articleId: string;
  title: string;
  text: string;
}

/** A step the user already took, as support-packet.md names them. */
export type StepTried = 'retry' | 'simplify' | 'checked_credits';

/** What the flow knows about the case when it is handed to support (the input of `handOff`). */
export interface CaseDetails {
  accountEmail: string | null;
  /** True only for an identified (hash-verified) user. */
  verified: boolean;
  studio: Studio | null;
  prompt: string | null;
  settings: GenerationSettings | null;
  errorMessage: string | null;
  occurredAt: string | null;
  /** IANA zone the user sees times in. */
  timezone: string;
  generationIds: string[];
  stepsTried: StepTried[];
}

/**
 * The input of `handOff`: the case, and where it came from — the stored conversation at the version
 * the turn began from (the hand-off claims it there) and the turn's own messages, not stored yet
 * (the end of the packet's transcript).
 */
export type HandOffInput = CaseDetails & { conversationId: string | null; version: number; turnMessages: BotMessage[] };

/** The outcome of handing a case to support. */
export interface HandOffResult {
  /** `PKT-…`, quoted in every message about the case. */
  ref: string;
  /** Packet fields still unknown (e.g. `accountEmail`, `prompt`). */
  missing: string[];
  /** A refund issued automatically, if any. */
  refund: { amount: number } | null;
  /** Credits proposed to staff for refund (0 when none). */
  proposedRefund: number;
}

/** A choice offered under a bot message; ids are the public contract of chat-api.md. */
export interface BotOption {
  id: string;
  label: string;
}

/** A message of the conversation; the service stamps ids and times. */
export interface BotMessage {
  from: 'bot' | 'user';
  text: string;
  options?: BotOption[];
  /** The text by its catalogue keys, when it is written in the user's language from them. */
  parts?: TextPart[];
}

/** Output of the `loadRecentRuns` actor. */
export interface RecentRunsResult {
  runs: RecentRun[];
  /** The account's own zone, used when the conversation has none. */
  timezone: string | null;
}

/**
 * What `checkFindings` fails with when the signed-in email has no account on the platform: the
 * user is told so, rather than that the history could not be reached.
 */
export class NoAccountError extends Error {
  override readonly name = 'NoAccountError';
  constructor(readonly email: string) {
    super(`no account with email ${email}`);
  }
}

/**
 * What `handOff` fails with when another request is handing the same conversation off: the flow
 * does not answer it (the turn fails with it), and the service reads the conversation again.
 */
export class HandOffTakenError extends Error {
  override readonly name = 'HandOffTakenError';
  constructor() {
    super('the conversation is being handed off by another request');
  }
}

/** Input of the `checkFindings` actor. */
export interface CheckFindingsInput {
  email: string;
  generationIds: string[];
  studio: Studio | null;
  occurredAt: string | null;
}
