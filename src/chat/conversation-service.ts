import { type Snapshot, createActor, fromPromise, waitFor } from 'xstate';
import {
  type FlowState,
  type TroubleshootSnapshot,
  flowState,
  flowStates,
  isBusy,
  troubleshootMachine,
} from '../../flows/troubleshoot-machine.ts';
import type { HandOffInput, HandOffResult } from '../../flows/types.ts';
import { understand } from '../../flows/understand.ts';
import { DeskError } from '../core/errors.ts';
import { maskSecrets } from '../core/mask-secrets.ts';
import type { PacketService } from '../core/packet-service.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import { type Packet, Report } from '../core/support-packet.ts';
import type { ConversationRecord, StoredMessage, SupportStore } from '../core/support-store.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { checkFindings, loadRecentRuns } from './account-lookups.ts';
import type { Identity } from './identity.ts';
import { type AutoRefundResult, issueAutoRefunds } from './auto-refund.ts';

export interface ConversationServiceDeps {
  store: SupportStore;
  platform: PlatformData;
  packets: PacketService;
  kb: KnowledgeBase;
  now: Clock;
  newId: (prefix: string) => string;
  /** Idle conversations expire after this long (default 24 h). */
  ttlMs?: number;
  /** Refunds up to this many credits per account over `autoRefundWindowMs` are issued without staff (0: never). */
  autoRefundLimit?: number;
  /** The rolling window of the automatic refund limit (default 24 h). */
  autoRefundWindowMs?: number;
  stuckLimits?: StuckLimits;
  /** How long a turn may wait on the platform before answering anyway. */
  turnTimeoutMs?: number;
  /** Flow actors kept running between turns, for the conversations most recently active (default 256; ≈ 12 KB each with their recent messages; 0: every turn restores its snapshot). */
  maxLiveActors?: number;
}

/** What a turn answers (chat-api.md). */
export interface TurnView {
  conversationId: string;
  state: FlowState;
  messages: ChatMessage[];
  packet?: Packet;
}

export interface ChatMessage {
  id: string;
  from: 'bot' | 'user' | 'agent';
  text: string;
  options?: { id: string; label: string }[];
  at: string;
}

export type UserInput = { text: string } | { option: string };

const toChat = (m: StoredMessage): ChatMessage => ({
  id: m.id,
  from: m.from,
  text: m.text,
  ...(m.options && { options: m.options }),
  at: new Date(m.at).toISOString(),
});

/** A turn replays on top of another process's write this many times at most. */
const MAX_TURN_ATTEMPTS = 8;
/** How long a hand-off claim holds if its process dies before writing the turn. */
const HAND_OFF_LEASE_MS = 30_000;

/** When a turn ended: its last message's time (messages are stamped one millisecond apart). */
const lastAt = (messages: readonly StoredMessage[], now: number) => messages.at(-1)?.at ?? now;

const isValidZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Conversations of the help widget: restores the flow's snapshot, applies one user turn, lets the
 * flow's lookups finish, and stores the snapshot with the new messages — every turn, so a server
 * restarted between two messages carries on where it stood.
 */
export function createConversationService(deps: ConversationServiceDeps) {
  const ttlMs = deps.ttlMs ?? 24 * 60 * 60 * 1000;
  const turnTimeoutMs = deps.turnTimeoutMs ?? 20_000;
  const maxLiveActors = deps.maxLiveActors ?? 256;
  /** Turns of one conversation run one after another inside this process. */
  const queues = new Map<string, Promise<unknown>>();

  function serially<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return next;
  }

  // Built once: providing a machine builds its state nodes, too slow to repeat on every turn.
  const machine = troubleshootMachine.provide({
    actors: {
      loadRecentRuns: fromPromise(({ input }) => loadRecentRuns(deps.platform, input.email, deps.now(), deps.stuckLimits)),
      checkFindings: fromPromise(({ input }) => checkFindings(deps.platform, input.email, deps.now(), deps.stuckLimits)),
      handOff: fromPromise(({ input }) => handOff(input)),
    },
  });

  type FlowActor = ReturnType<typeof createActor<typeof machine>>;
  /** The turn under way in each conversation: its actor and how many messages it had before. */
  const turns = new Map<string, Turn>();
  interface Turn {
    actor: FlowActor;
    before: number;
    /** The conversation's version this turn read: its hand-off is claimed at that version. */
    version: number;
    /** Another process is handing the conversation off: this turn is dropped and read again. */
    lostHandOff: boolean;
  }

  /**
   * The actors of recent turns, still running, by conversation, with the version their turn saved:
   * the next turn goes on from its actor while the stored conversation is still at that version
   * (restoring a snapshot builds an actor system and revives the context, a tenth of a turn). Any
   * other writer changes the version, and the turn then restores from the store as after a restart.
   */
  const live = new Map<string, { actor: FlowActor; version: number }>();

  /** The conversation's kept actor, kept no longer: the caller goes on from it or stops it. */
  function take(id: string): { actor: FlowActor; version: number } | undefined {
    const kept = live.get(id);
    live.delete(id);
    return kept;
  }

  function resume(id: string, record: ConversationRecord): FlowActor {
    const kept = take(id);
    if (kept?.version === record.version) return kept.actor;
    kept?.actor.stop();
    const actor = createActor(machine, {
      // Our own snapshot, written by this service on the previous turn.
      snapshot: record.snapshot as Snapshot<unknown>,
      input: { identity: null, timezone: null },
    });
    actor.start();
    return actor;
  }

  function keep(id: string, actor: FlowActor, version: number): void {
    live.set(id, { actor, version });
    if (live.size <= maxLiveActors) return;
    // The conversation idle longest makes room (a Map iterates in insertion order).
    const oldest = live.entries().next();
    if (oldest.done) return;
    live.delete(oldest.value[0]);
    oldest.value[1].actor.stop();
  }

  async function handOff(details: HandOffInput): Promise<HandOffResult> {
    const id = details.conversationId;
    // The stored history, then what this turn has said so far (the user's "Send" included): the
    // turn is stored only once the flow settles, after the packet is made.
    const turn = id ? turns.get(id) : undefined;
    // One process files the case: a Send in another tab answered by another process waits for it.
    if (id && turn && !(await deps.store.claimHandOff(id, turn.version, deps.now(), HAND_OFF_LEASE_MS))) {
      turn.lostHandOff = true;
      throw new DeskError('conflict', 'the conversation is being handed off by another request');
    }
    const unsaved = turn ? newMessages(turn.before, turn.actor.getSnapshot(), deps.now()) : [];
    const transcript = [...(id ? await deps.store.listMessages(id) : []), ...unsaved].map((m) => ({
      from: m.from,
      text: m.text,
      at: new Date(m.at).toISOString(),
    }));
    // `verified` is the identity the service checked when the conversation began (only its owner reaches it).
    const identity: Identity =
      details.verified && details.accountEmail ? { kind: 'verified', email: details.accountEmail } : { kind: 'anonymous' };
    const verified = identity.kind === 'verified';
    // An address the user typed that the packet would refuse ("maya.@example.com") is left to the
    // transcript: refusing the whole report would fail every Send, and support asks for it anyway.
    const typed = Report.shape.accountEmail.safeParse(details.accountEmail);
    const { packet } = await deps.packets.file({
      channel: 'widget',
      accountEmail: verified ? identity.email : typed.success ? typed.data : null,
      verified,
      studio: details.studio,
      prompt: details.prompt,
      settings: details.settings,
      errorMessage: details.errorMessage,
      occurredAt: details.occurredAt,
      timezone: details.timezone,
      generationIds: details.generationIds,
      stepsTried: details.stepsTried,
      transcript,
    });
    const refund = verified ? await refundOrPropose(packet) : { issued: 0, proposed: 0, packet };
    return {
      ref: packet.ref,
      missing: packet.missing,
      refund: refund.issued > 0 ? { amount: refund.issued } : null,
      proposedRefund: refund.issued > 0 ? 0 : refund.proposed,
    };
  }

  /*
   * The packet is filed and its deliveries queued by now: a refund the platform fails to write is
   * left to staff (proposed, and logged), not reported as a hand-off that failed, which would have
   * the user send the case again.
   */
  async function refundOrPropose(packet: Packet): Promise<AutoRefundResult> {
    try {
      return await issueAutoRefunds(deps, packet, { limit: deps.autoRefundLimit ?? 0, windowMs: deps.autoRefundWindowMs ?? 24 * 60 * 60 * 1000 });
    } catch (error) {
      await deps.store
        .appendAudit({
          at: deps.now(),
          actor: 'policy:auto-refund',
          action: 'refund.failed',
          packetRef: packet.ref,
          evidence: { limit: deps.autoRefundLimit ?? 0, refundDue: packet.findings?.refundDue ?? 0, reason: error instanceof Error ? error.message : String(error) },
        })
        .catch(() => undefined);
      return { issued: 0, proposed: packet.findings?.refundDue ?? 0, packet };
    }
  }

  /** Runs the actor until no lookup is under way; answers the settled snapshot. */
  async function settle(actor: FlowActor): Promise<TroubleshootSnapshot> {
    // Most turns start no lookup: no deadline timer and no subscription for those.
    const now = actor.getSnapshot();
    if (!isBusy(now)) return now;
    try {
      return await waitFor(actor, (s) => !isBusy(s), { timeout: turnTimeoutMs });
    } catch (error) {
      // A lookup still under way at the deadline: nothing of this turn is stored, the user sends again.
      if (isBusy(actor.getSnapshot())) {
        actor.stop();
        throw new DeskError('platform_unavailable', `the account lookup took longer than ${Math.round(turnTimeoutMs / 1000)} s; send the message again`);
      }
      throw error;
    }
  }

  /**
   * The snapshot as stored: without the flow's recent messages. The store keeps the transcript and
   * a turn reads only the messages it added (`newMessages`), so they would only make every turn
   * read, parse and write two thirds more (the snapshot was 3.7 KB, 2.5 KB of it messages). They
   * are left out before persisting, which looks through the whole context for actor references.
   */
  function forStorage(actor: FlowActor): Snapshot<unknown> {
    const snapshot = actor.getSnapshot();
    return machine.getPersistedSnapshot({ ...snapshot, context: { ...snapshot.context, messages: [] } }) as Snapshot<unknown>;
  }

  function newMessages(before: number, snapshot: TroubleshootSnapshot, at: number): StoredMessage[] {
    const { messages, messageCount } = snapshot.context;
    const fresh = messages.slice(Math.max(0, messages.length - (messageCount - before)));
    return fresh.map((m, i) => ({
      id: deps.newId('msg'),
      from: m.from,
      text: m.text,
      ...(m.options && { options: m.options }),
      // Strictly increasing within a turn, so the transcript keeps its order.
      at: at + i,
    }));
  }

  async function packetOf(record: Pick<ConversationRecord, 'packetRef'>): Promise<Packet | undefined> {
    return record.packetRef ? ((await deps.store.getPacket(record.packetRef)) ?? undefined) : undefined;
  }

  /** The conversation, if this identity started it and it has not expired; else 404. */
  async function owned(id: string, identity: Identity): Promise<ConversationRecord> {
    const record = await deps.store.getConversation(id);
    const owner = identity.kind === 'verified' ? identity.email : null;
    if (!record || record.ownerEmail !== owner || record.expiresAt <= deps.now()) {
      throw new DeskError('not_found', 'no such conversation');
    }
    return record;
  }

  /** One turn on the conversation's actor, saved at the version it was read at. */
  async function applyTurn(
    actor: FlowActor,
    record: ConversationRecord,
    input: UserInput,
  ): Promise<{ view: TurnView; version: number } | 'conflict' | 'lost_hand_off'> {
    const id = record.id;
    const before = actor.getSnapshot().context.messageCount;
    const zone = actor.getSnapshot().context.timezone ?? 'UTC';
    const turn: Turn = { actor, before, version: record.version, lostHandOff: false };
    turns.set(id, turn);
    if ('option' in input) actor.send({ type: 'user.chose', option: input.option });
    else {
      // Card numbers and passwords never reach the snapshot, the stored messages or the packet.
      const text = maskSecrets(input.text);
      actor.send({
        type: 'user.said',
        text,
        understood: understand(text, { now: deps.now(), timezone: zone }),
        answer: deps.kb.isQuestion(text) ? deps.kb.answer(text) : null,
      });
    }
    const snapshot = await settle(actor).finally(() => turns.delete(id));
    if (turn.lostHandOff) return 'lost_hand_off';
    const persisted = forStorage(actor);
    const now = deps.now();
    // After the last turn's messages even within the same millisecond: times keep the order.
    const messages = newMessages(before, snapshot, Math.max(now, record.updatedAt + 1));
    const packetRef = snapshot.context.handOff?.ref ?? record.packetRef;
    const state = flowState(snapshot);
    const saved = await deps.store.saveTurn(
      { id, state, snapshot: persisted, packetRef, updatedAt: lastAt(messages, now), expiresAt: now + ttlMs },
      record.version,
      messages,
    );
    if (saved.status === 'conflict') return 'conflict';
    const packet = await packetOf({ packetRef });
    const view = { conversationId: id, state, messages: messages.map(toChat), ...(packet && { packet }) };
    return { view, version: saved.version };
  }

  return {
    async start(identity: Identity, options: { timezone?: string | null } = {}): Promise<TurnView> {
      const timezone = options.timezone && isValidZone(options.timezone) ? options.timezone : null;
      const id = deps.newId('conv');
      const actor = createActor(machine, {
        input: { identity: identity.kind === 'verified' ? { email: identity.email } : null, timezone, conversationId: id },
      });
      actor.start();
      const snapshot = await settle(actor);
      // Persist while running: a stopped snapshot would restore as stopped.
      const persisted = forStorage(actor);
      actor.stop();
      const now = deps.now();
      const messages = newMessages(0, snapshot, now);
      await deps.store.createConversation(
        {
          id,
          channel: 'widget',
          ownerEmail: identity.kind === 'verified' ? identity.email : null,
          ownerToken: null,
          state: flowState(snapshot),
          snapshot: persisted,
          packetRef: null,
          version: 0,
          createdAt: now,
          updatedAt: lastAt(messages, now),
          expiresAt: now + ttlMs,
        },
        messages,
      );
      return { conversationId: id, state: flowState(snapshot), messages: messages.map(toChat) };
    },

    async send(id: string, identity: Identity, input: UserInput): Promise<TurnView> {
      return serially(id, async () => {
        for (let attempt = 0; attempt < MAX_TURN_ATTEMPTS; attempt++) {
          const record = await owned(id, identity).catch((error: unknown) => {
            take(id)?.actor.stop();
            throw error;
          });
          const actor = resume(id, record);
          const outcome = await applyTurn(actor, record, input).catch((error: unknown) => {
            actor.stop();
            throw error;
          });
          if (typeof outcome === 'string') {
            // A turn that saved nothing leaves no actor behind.
            actor.stop();
            // Another process is handing it off: read it again once that is written (it is then handed off).
            if (outcome === 'lost_hand_off') await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
            // Either way the turn runs again on what is stored (after a conflict, on top of the other turn).
            continue;
          }
          keep(id, actor, outcome.version);
          return outcome.view;
        }
        throw new DeskError('conflict', 'the conversation changed while answering; send the message again');
      });
    },

    async get(id: string, identity: Identity): Promise<TurnView> {
      const record = await owned(id, identity);
      const [messages, packet] = await Promise.all([deps.store.listMessages(id), packetOf(record)]);
      const state = flowStates.find((s) => s === record.state) ?? 'greeting';
      return { conversationId: id, state, messages: messages.map(toChat), ...(packet && { packet }) };
    },

    /** Deletes conversations idle past their expiry. */
    expire(): Promise<number> {
      return deps.store.deleteExpiredConversations(deps.now());
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
