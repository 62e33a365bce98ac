import { type FlowState, flowStates } from '../../flows/troubleshoot-machine.ts';
import { HandOffTakenError } from '../../flows/types.ts';
import { DeskError } from '../core/errors.ts';
import type { PacketService } from '../core/packet-service.ts';
import type { Clock, PlatformData } from '../core/ports.ts';
import type { StuckLimits } from '../core/reconcile-account.ts';
import type { Packet } from '../core/support-packet.ts';
import type { ConversationRecord, StoredMessage, SupportStore } from '../core/support-store.ts';
import { DEFAULT_LOCALE, type Locale, isLocale } from '../i18n/locales.ts';
import type { IncidentService } from '../incidents/incident-service.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import { guessLocale } from '../understanding/index.ts';
import { createHandOff } from './hand-off.ts';
import type { Identity } from './identity.ts';
import { createSerialQueue } from './serial-queue.ts';
import { type TurnOutcome, type UserInput, createTurnRunner } from './turn-runner.ts';

export type { UserInput } from './turn-runner.ts';

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
  /** Open incidents, told to users whose failed run belongs to one (turn-runner.ts). */
  incidents?: Pick<IncidentService, 'matching' | 'watch'> | null;
}

/** What a turn answers (chat-api.md). */
export interface TurnView {
  conversationId: string;
  state: FlowState;
  /** The language the bot writes in (chat-api.md). */
  locale: Locale;
  messages: ChatMessage[];
  packet?: Packet;
}

export interface ChatMessage {
  id: string;
  from: 'bot' | 'user' | 'agent';
  text: string;
  options?: { id: string; label: string }[];
  /** The staff member who wrote an 'agent' message. */
  author?: string;
  at: string;
}

const toChat = (m: StoredMessage): ChatMessage => ({
  id: m.id,
  from: m.from,
  text: m.text,
  ...(m.options && { options: m.options }),
  ...(m.author && { author: m.author }),
  at: new Date(m.at).toISOString(),
});

/** A turn is run again on top of another process's write this many times at most. */
const MAX_TURN_ATTEMPTS = 8;

/** What the bot writes in: the conversation's language, English until one is set. */
const localeOf = (record: { locale?: string | null }): Locale => (isLocale(record.locale) ? record.locale : DEFAULT_LOCALE);

const isValidZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * Conversations of the help widget: who may see one, and its turns in order. Turns of one
 * conversation never interleave: one after another within this process (the serial queue), and
 * across processes each turn is saved only at the version it read, else run again on what is stored.
 */
export function createConversationService(deps: ConversationServiceDeps) {
  const turns = createTurnRunner({
    ...deps,
    handOff: createHandOff(deps),
    ttlMs: deps.ttlMs ?? 24 * 60 * 60 * 1000,
    turnTimeoutMs: deps.turnTimeoutMs ?? 20_000,
  });
  const serially = createSerialQueue();

  async function view(conversationId: string, outcome: TurnOutcome, locale: Locale): Promise<TurnView> {
    const packet = await packetOf(outcome);
    return { conversationId, state: outcome.state, locale, messages: outcome.messages.map(toChat), ...(packet && { packet }) };
  }

  /**
   * The conversation's language for this turn: a conversation without one takes the language of the
   * user's words once it is sure of it (guessLocale: a few words at least, a clear lead), and keeps it.
   */
  async function fixLocale(record: ConversationRecord, input: UserInput): Promise<ConversationRecord> {
    if (isLocale(record.locale) || !('text' in input)) return record;
    const guessed = guessLocale(input.text);
    if (!guessed) return record;
    return { ...record, locale: await deps.store.setConversationLocale(record.id, guessed, { onlyIfUnset: true }) };
  }

  async function packetOf(record: { packetRef: string | null }): Promise<Packet | undefined> {
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

  /** The turn run on the conversation as stored, again after another process wrote it first. */
  async function turn(id: string, identity: Identity, input: UserInput): Promise<TurnView> {
    for (let attempt = 1; attempt <= MAX_TURN_ATTEMPTS; attempt++) {
      const record = await fixLocale(await owned(id, identity), input);
      const outcome = await turns.run(record, input).catch(async (error: unknown) => {
        if (!(error instanceof HandOffTakenError)) throw error;
        // Another process is handing it off: read it again once that is stored (it is then handed off).
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
        return 'conflict' as const;
      });
      if (outcome !== 'conflict') return view(id, outcome, localeOf(record));
    }
    throw new DeskError('conflict', 'the conversation changed while answering; send the message again');
  }

  return {
    async start(identity: Identity, options: { timezone?: string | null; locale?: Locale | null } = {}): Promise<TurnView> {
      const timezone = options.timezone && isValidZone(options.timezone) ? options.timezone : null;
      const id = deps.newId('conv');
      // Stored with the conversation, and its greeting already in that language.
      return view(id, await turns.begin(id, identity, timezone, options.locale ?? null), options.locale ?? DEFAULT_LOCALE);
    },

    send(id: string, identity: Identity, input: UserInput): Promise<TurnView> {
      return serially(id, () => turn(id, identity, input));
    },

    async get(id: string, identity: Identity): Promise<TurnView> {
      const record = await owned(id, identity);
      const [messages, packet] = await Promise.all([deps.store.listMessages(id), packetOf(record)]);
      const last = messages.at(-1);
      // The widget fetched them: staff's messages among them are read, and will not be mailed.
      if (last) await deps.store.markRead(id, last.id);
      const state = flowStates.find((s) => s === record.state) ?? 'greeting';
      return { conversationId: id, state, locale: localeOf(record), messages: messages.map(toChat), ...(packet && { packet }) };
    },

    /** The user's choice of language: from the bot's next message on, whatever was asked or told before. */
    switchLocale(id: string, identity: Identity, locale: Locale): Promise<{ conversationId: string; locale: Locale }> {
      return serially(id, async () => {
        await owned(id, identity);
        return { conversationId: id, locale: localeOf({ locale: await deps.store.setConversationLocale(id, locale, { onlyIfUnset: false }) }) };
      });
    },

    /**
     * Where a stream of the conversation's new messages starts (404 as `get`): after `lastEventId`
     * when the client resumes, else after the conversation's last message.
     */
    async follow(id: string, identity: Identity, lastEventId: string | null): Promise<string | null> {
      await owned(id, identity);
      if (lastEventId) return lastEventId;
      return (await deps.store.listMessages(id)).at(-1)?.id ?? null;
    },

    /** The messages after `afterId` (all of them from null), for a stream that `follow` opened. */
    async after(id: string, afterId: string | null): Promise<ChatMessage[]> {
      return (await deps.store.listMessagesAfter(id, afterId)).map(toChat);
    },

    /** The widget was given the messages up to this one: staff's messages among them are read. */
    read(id: string, messageId: string): Promise<void> {
      return deps.store.markRead(id, messageId);
    },

    /** Deletes conversations idle past their expiry. */
    expire(): Promise<number> {
      return deps.store.deleteExpiredConversations(deps.now());
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
