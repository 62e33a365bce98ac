import type { Channel, Packet, PacketStatus } from './support-packet.ts';

/** A message of a conversation, as the chat API shows it. */
export interface StoredMessage {
  id: string;
  from: 'bot' | 'user' | 'agent';
  text: string;
  options?: { id: string; label: string }[];
  /** The staff member who wrote an 'agent' message. */
  author?: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface ConversationRecord {
  id: string;
  channel: Channel;
  ownerEmail: string | null;
  ownerToken: string | null;
  state: string;
  snapshot: unknown;
  packetRef: string | null;
  /**
   * The conversation's language (a `Locale`): the one asked for at the start or switched to, else
   * the first sure guess from the user's words; null (or absent) until then.
   */
  locale?: string | null;
  /** How many turns have been written; a write must name the version it read. */
  version: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** A delivery waiting in the outbox (Slack post, email), written with the record that caused it. */
export interface OutboxItem {
  id: string;
  kind: string;
  destination: string;
  payload: unknown;
  /** One delivery per key, however often it is queued. */
  dedupeKey: string;
  packetRef: string | null;
  /** Not delivered before this time (epoch ms); default: at once. */
  notBefore?: number;
}

export interface OutboxRow extends OutboxItem {
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  externalId: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  packetRef: string | null;
  evidence: unknown;
}

/** What writing a packet brings with it, in the same atomic write: its deliveries and audit entries. */
export interface PacketEffects {
  /** Rows whose dedupe key exists already are left as they are. */
  outbox: OutboxItem[];
  audit: AuditEntry[];
  now: number;
}

/** Thrown (as a value of `saveTurn`) when another writer got there first. */
export type SaveTurnResult = { status: 'saved'; version: number } | { status: 'conflict' };

/**
 * The desk's own records. Every write that must land together (a packet with its outbox rows, a
 * refund decision with its audit entry) is one method, atomic on every implementation.
 */
export interface SupportStore {
  // conversations
  createConversation(record: ConversationRecord, messages: StoredMessage[]): Promise<void>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  listMessages(conversationId: string): Promise<StoredMessage[]>;
  /** Writes a turn if the conversation is still at `expectedVersion`. */
  saveTurn(
    update: Pick<ConversationRecord, 'id' | 'state' | 'snapshot' | 'packetRef' | 'updatedAt' | 'expiresAt'>,
    expectedVersion: number,
    messages: StoredMessage[],
  ): Promise<SaveTurnResult>;
  /**
   * Takes the conversation's hand-off for `leaseMs` if it is still at `version` and no other
   * process holds it: true when this caller may file the packet. The next `saveTurn` lets it go.
   */
  claimHandOff(id: string, version: number, now: number, leaseMs: number): Promise<boolean>;
  /**
   * Sets the conversation's language. `onlyIfUnset`: only when it has none yet (a guess from the
   * user's words never overrides one asked for, nor an earlier guess). Answers the language it has now.
   */
  setConversationLocale(id: string, locale: string, options: { onlyIfUnset: boolean }): Promise<string | null>;
  /**
   * Appends messages from outside the flow (support staff's replies) after the last one, with the
   * outbox rows they bring (rows whose dedupe key exists already are left as they are), atomically.
   */
  appendMessages(conversationId: string, messages: StoredMessage[], effects?: { outbox: OutboxItem[]; now: number }): Promise<void>;
  /**
   * The conversation's messages after `afterId`, in order; all of them when `afterId` is null or
   * not one of its messages (a client that resumes from an id it cannot have misses nothing).
   */
  listMessagesAfter(conversationId: string, afterId: string | null): Promise<StoredMessage[]>;
  /** Records that the user's widget was given the messages up to `messageId` (never moves back). */
  markRead(conversationId: string, messageId: string): Promise<void>;
  /** Whether the user's widget was given this message; false when it or its conversation is gone. */
  isRead(conversationId: string, messageId: string): Promise<boolean>;
  /** The conversation that handed off this packet, if it is still kept. */
  findConversationByPacketRef(ref: string): Promise<ConversationRecord | null>;
  /** Deletes conversations idle past their expiry; answers how many. */
  deleteExpiredConversations(now: number): Promise<number>;

  // packets
  getPacket(ref: string): Promise<Packet | null>;
  /** The newest packets first (the staff console's queue), of the given statuses (all when none). */
  listPackets(filter: { statuses?: readonly PacketStatus[]; limit: number }): Promise<Packet[]>;
  findPacketByCase(accountKey: string, runsKey: string): Promise<Packet | null>;
  /**
   * Writes a packet (new, or an update of the same ref) together with its outbox rows and audit
   * entries, all or nothing. Outbox rows whose dedupe key exists already are left as they are.
   */
  savePacket(packet: Packet, effects: PacketEffects): Promise<void>;

  // outbox
  /** Claims up to `limit` due rows for `leaseMs`; a claim that is not settled lapses. */
  claimOutbox(now: number, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  markDelivered(id: string, externalId: string | null, now: number): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAt: number | null): Promise<void>;
  outboxBacklog(now: number): Promise<{ pending: number; due: number; dead: number; oldestPendingAt: number | null }>;
  listOutbox(filter?: { packetRef?: string }): Promise<OutboxRow[]>;

  // audit
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(packetRef: string): Promise<(AuditEntry & { id: number })[]>;
}
