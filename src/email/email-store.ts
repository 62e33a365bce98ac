import type { Packet } from '../core/support-packet.ts';
import type { PacketEffects } from '../core/support-store.ts';

/** How the intake settled an inbound message. */
export type MessageStatus = 'accepted' | 'ignored';

/** An inbound message the intake has settled, by its Message-ID: each is settled once. */
export interface ProcessedMessage {
  messageId: string;
  /** lowercase sender address. */
  sender: string | null;
  status: MessageStatus;
  /** Why it was ignored (`auto_submitted`, `own_address`), null otherwise. */
  reason: string | null;
  packetRef: string | null;
  /** Whether this message was answered with the case's auto-reply. */
  autoReplied: boolean;
  receivedAt: number;
  finishedAt: number;
}

/** A message that could not become a report, kept with its reason for staff to look at. */
export interface DeadLetter {
  id: string;
  messageId: string | null;
  sender: string | null;
  /** `too_large`, `unparseable`, `no_sender`, … (EmailRejectReason). */
  reason: string;
  detail: string;
  /** Size of the whole message in bytes. */
  size: number;
  /** The first bytes of the message, base64; the rest is not kept (D1 rows are small). */
  rawBase64: string | null;
  rawTruncated: boolean;
  receivedAt: number;
}

/** A message's record was written, or the message had been settled already (by another delivery). */
export type RecordResult = { status: 'recorded' } | { status: 'duplicate'; message: ProcessedMessage };

/**
 * What the email intake keeps besides packets: the Message-IDs it has settled (each once) and the
 * messages it could not read. Implemented over drizzle (SQLite, D1); one contract suite for all.
 *
 * A message is settled with one write at the end, its record and everything it causes together:
 * nothing is held while it is being worked out. Two deliveries of one message may both work it
 * out; the first write wins and the other is told `duplicate`. A process that dies mid-way has
 * written nothing, so a redelivery is simply processed.
 */
export interface EmailStore {
  /**
   * Records a message settled without a packet (ignored). The first record of a Message-ID wins: a
   * later one writes nothing and answers `duplicate` with the first.
   */
  recordMessage(message: ProcessedMessage): Promise<RecordResult>;
  /**
   * Records a message filed into `packet` (its `packetRef`), writing the packet with its effects
   * (deliveries, audit, the auto-reply) in the same atomic write. A message settled already is a
   * `duplicate` and nothing is written; any other failure (a new packet losing the race for its
   * case, a full disk) throws and nothing is written either.
   */
  fileMessage(message: ProcessedMessage, packet: Packet, effects: PacketEffects): Promise<RecordResult>;
  getMessage(messageId: string): Promise<ProcessedMessage | null>;
  /** The messages filed into a packet, oldest first: the thread its replies answer. */
  listThread(packetRef: string): Promise<ProcessedMessage[]>;
  /** How many auto-replies went to this sender since `since` (a loop guard besides RFC 3834). */
  countAutoReplies(sender: string, since: number): Promise<number>;

  addDeadLetter(letter: DeadLetter): Promise<void>;
  /** Newest first. */
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
}
