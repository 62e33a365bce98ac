import { type Snapshot, createActor, fromPromise, waitFor } from 'xstate';
import {
  type FlowState,
  type TroubleshootContext,
  type TroubleshootEvent,
  type TroubleshootSnapshot,
  flowState,
  isBusy,
  troubleshootMachine,
} from '../../flows/troubleshoot-machine.ts';
import { upgradeContext } from '../../flows/context.ts';
import type { BotOption, HandOffInput, HandOffResult, RecentRunsResult } from '../../flows/types.ts';
import { DeskError } from '../core/errors.ts';
import { maskSecrets } from '../core/mask-secrets.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import type { ConversationRecord, StoredMessage, SupportStore } from '../core/support-store.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { understand } from '../understanding/index.ts';
import { checkFindings, loadRecentRuns } from './account-lookups.ts';
import { DEFAULT_LOCALE } from '../i18n/locales.ts';
import { localizeChoice, localizeMessage } from './flow-texts.ts';
import type { Identity } from './identity.ts';
import type { IncidentService } from '../incidents/incident-service.ts';

export interface TurnRunnerDeps {
  store: SupportStore;
  platform: PlatformData;
  kb: KnowledgeBase;
  now: Clock;
  newId: (prefix: string) => string;
  stuckLimits?: StuckLimits;
  /** The flow's `handOff` (hand-off.ts). */
  handOff: (input: HandOffInput) => Promise<HandOffResult>;
  /** Idle conversations expire this long after their last turn. */
  ttlMs: number;
  /** How long a turn may wait on the platform before answering anyway. */
  turnTimeoutMs: number;
  /** Open incidents: a failed run of one is told so, and its user may ask to be told when it is fixed. */
  incidents?: Pick<IncidentService, 'matching' | 'watch'> | null;
}

export type UserInput = { text: string } | { option: string };

/** What a turn stored: the flow's state, the messages it added, the packet the case was handed off in. */
export interface TurnOutcome {
  state: FlowState;
  messages: StoredMessage[];
  packetRef: string | null;
}

/** What maskSecrets puts in place of a card number or a password. */
const MASKS = /\[card ending \d{4}\]|\[masked\]/g;

/** When a turn ended: its last message's time (messages are stamped one millisecond apart). */
const lastAt = (messages: readonly StoredMessage[], now: number) => messages.at(-1)?.at ?? now;

/**
 * Runs the troubleshooting flow one turn at a time over the store: each turn restores the flow's
 * snapshot as stored, applies the user's input, lets the flow's lookups and hand-off finish, and
 * stores the new snapshot with the turn's messages, so a server restarted between two messages
 * carries on where it stood.
 */
export function createTurnRunner(deps: TurnRunnerDeps) {
  const incidents = deps.incidents ?? null;

  /** The recent runs, each failed one with the open incident it belongs to. */
  async function withIncidents(result: RecentRunsResult): Promise<RecentRunsResult> {
    if (!incidents) return result;
    const runs = [];
    for (const run of result.runs) {
      const found = run.status === 'failed' ? await incidents.matching(run) : null;
      runs.push(found ? { ...run, incident: { id: found.id, studio: found.studio, error: found.error, since: new Date(found.since).toISOString() } } : run);
    }
    return { ...result, runs };
  }

  // Built once: providing a machine builds all its state nodes again, several times what a turn costs.
  const machine = troubleshootMachine.provide({
    actors: {
      loadRecentRuns: fromPromise(async ({ input }) => withIncidents(await loadRecentRuns(deps.platform, input.email, deps.now(), deps.stuckLimits))),
      checkFindings: fromPromise(({ input }) => checkFindings(deps.platform, input.email, deps.now(), deps.stuckLimits)),
      handOff: fromPromise(({ input }) => deps.handOff(input)),
      watchIncident: fromPromise(async ({ input }) => {
        if (!incidents) throw new Error('no incidents on this desk');
        await incidents.watch(input.incidentId, { conversationId: input.conversationId, email: input.email });
      }),
    },
  });
  type FlowActor = ReturnType<typeof createActor<typeof machine>>;

  /** Runs the actor until no lookup is under way; answers the settled snapshot. */
  async function settle(actor: FlowActor): Promise<TroubleshootSnapshot> {
    // Most turns start no lookup: no deadline timer and no subscription for those.
    const now = actor.getSnapshot();
    if (!isBusy(now)) return now;
    try {
      return await waitFor(actor, (s) => !isBusy(s), { timeout: deps.turnTimeoutMs });
    } catch (error) {
      // The flow failed (it answers no HandOffTakenError): the turn fails with its error.
      if (actor.getSnapshot().status === 'error') throw error;
      // A lookup still under way at the deadline: nothing of this turn is stored, the user sends again.
      throw new DeskError('platform_unavailable', `the account lookup took longer than ${Math.round(deps.turnTimeoutMs / 1000)} s; send the message again`);
    }
  }

  /**
   * Starts the actor, sends it the user's event (if any), lets it settle and stops it: the settled
   * snapshot, and that snapshot as stored. The flow's recent messages are left out of the stored one
   * (the store keeps the transcript, and a turn reads only the messages it added): every turn would
   * read, parse and write them for nothing, and persisting would look through them for actors.
   */
  async function play(actor: FlowActor, event: TroubleshootEvent | null) {
    actor.start();
    try {
      if (event) actor.send(event);
      const snapshot = await settle(actor);
      // Persisted while running: a stopped snapshot would restore as stopped.
      const persisted = machine.getPersistedSnapshot({ ...snapshot, context: { ...snapshot.context, messages: [] } }) as Snapshot<unknown>;
      return { snapshot, persisted };
    } finally {
      actor.stop();
    }
  }

  /**
   * The messages the flow added since it had `before`, stamped from `at` on, in the conversation's
   * language: the bot's, and the user's line for the option they pressed (`chosen`, as the flow labels it).
   */
  function newMessages(before: number, snapshot: TroubleshootSnapshot, at: number, locale: string | null, chosen?: BotOption): StoredMessage[] {
    const { messages, messageCount } = snapshot.context;
    const fresh = messages
      .slice(Math.max(0, messages.length - (messageCount - before)))
      .map((m) => (chosen && m.from === 'user' && m.text === chosen.label ? { ...m, text: localizeChoice(chosen, locale) } : localizeMessage(m, locale)));
    return fresh.map((m, i) => ({
      id: deps.newId('msg'),
      from: m.from,
      text: m.text,
      ...(m.options && { options: m.options }),
      // Strictly increasing within a turn, so the transcript keeps its order.
      at: at + i,
    }));
  }

  /** The flow's event for what the user sent, read in the conversation's language (else the one it is written in). */
  function eventOf(input: UserInput, context: TroubleshootContext, locale: string | null): TroubleshootEvent {
    if ('option' in input) return { type: 'user.chose', option: input.option };
    // Card numbers and passwords never reach the snapshot, the stored messages or the packet.
    const text = maskSecrets(input.text);
    // The masks are the desk's own words, not the user's: "[card ending 1111]" must not read as "all good".
    const readable = text.replace(MASKS, ' ');
    // Without a language yet, the service's guess at this very text was not sure: English, not a second guess.
    const understood = understand(readable, { now: deps.now(), timezone: context.timezone ?? 'UTC', locale: locale ?? DEFAULT_LOCALE });
    const { intent, confidence, candidates, fields } = understood;
    // The articles are searched for a question, or for text read as nothing else that looks like one,
    // in the language the text was read in: the answer comes from that language's article.
    const lang = locale ?? understood.locale;
    const asks = intent === 'question' || (intent === null && deps.kb.isQuestion(text, lang));
    return { type: 'user.said', text, understood: { intent, confidence, candidates, fields }, answer: asks ? deps.kb.answer(text, lang) : null };
  }

  return {
    /** A new conversation's first turn (the greeting, after the account's recent runs), stored at version 0. */
    async begin(id: string, identity: Identity, timezone: string | null, locale: string | null = null): Promise<TurnOutcome> {
      const email = identity.kind === 'verified' ? identity.email : null;
      const actor = createActor(machine, { input: { identity: email === null ? null : { email }, timezone, conversationId: id, locale } });
      const { snapshot, persisted } = await play(actor, null);
      const now = deps.now();
      const messages = newMessages(0, snapshot, now, locale);
      const state = flowState(snapshot);
      await deps.store.createConversation(
        {
          id,
          ...(locale && { locale }),
          channel: 'widget',
          ownerEmail: email,
          ownerToken: null,
          state,
          snapshot: persisted,
          packetRef: null,
          version: 0,
          createdAt: now,
          updatedAt: lastAt(messages, now),
          expiresAt: now + deps.ttlMs,
        },
        messages,
      );
      return { state, messages, packetRef: null };
    },

    /**
     * One user turn on the conversation as read, saved only if it is still at the version read
     * ('conflict' when another writer saved first: nothing of this turn is stored). Fails with
     * HandOffTakenError when another request is handing the conversation off.
     */
    async run(record: ConversationRecord, input: UserInput): Promise<TurnOutcome | 'conflict'> {
      // Our own snapshot, written by this runner; its context is told the version read, for the hand-off's claim.
      const stored = record.snapshot as Snapshot<unknown> & { context: TroubleshootContext };
      // …and the conversation's language now (the user may have switched since the last turn).
      const context = { ...upgradeContext(stored.context), version: record.version, locale: record.locale ?? null };
      const snapshot: typeof stored = { ...stored, context };
      const actor = createActor(machine, { snapshot, input: { identity: null, timezone: null } });
      const { locale } = context;
      const played = await play(actor, eventOf(input, context, locale));
      const now = deps.now();
      // After the last turn's messages even within the same millisecond: times keep the order.
      const chosen = 'option' in input ? context.options.find((o) => o.id === input.option) : undefined;
      const messages = newMessages(context.messageCount, played.snapshot, Math.max(now, record.updatedAt + 1), locale, chosen);
      const state = flowState(played.snapshot);
      const packetRef = played.snapshot.context.handOff?.ref ?? record.packetRef;
      const saved = await deps.store.saveTurn(
        { id: record.id, state, snapshot: played.persisted, packetRef, updatedAt: lastAt(messages, now), expiresAt: now + deps.ttlMs },
        record.version,
        messages,
      );
      return saved.status === 'conflict' ? 'conflict' : { state, messages, packetRef };
    },
  };
}
