/** How the intake settled an inbound message. */
export type MessageStatus = 'processing' | 'accepted' | 'ignored';

/** An inbound message the intake has seen, by its Message-ID. */
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
  finishedAt: number | null;
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

export type ClaimResult = { status: 'claimed' } | { status: 'duplicate'; message: ProcessedMessage };

/**
 * What the email intake keeps besides packets: the Message-IDs it has processed (each once) and the
 * messages it could not read. Implemented over drizzle (SQLite, D1); one contract suite for all.
 */
export interface EmailStore {
  /**
   * Takes a message for processing. The first claim of an id wins; a later one is a duplicate,
   * unless the earlier claim was never finished and its lease ran out (the process died mid-way).
   */
  claimMessage(messageId: string, claim: { sender: string | null; now: number; leaseMs: number }): Promise<ClaimResult>;
  /** Records how a claimed message was settled. */
  finishMessage(
    messageId: string,
    outcome: { status: 'accepted' | 'ignored'; reason: string | null; packetRef: string | null; autoReplied: boolean; now: number },
  ): Promise<void>;
  /** Gives a claim back after an unexpected failure, so that a retry of the same message is processed. */
  releaseMessage(messageId: string): Promise<void>;
  getMessage(messageId: string): Promise<ProcessedMessage | null>;
  /** The messages filed into a packet, oldest first: the thread its replies answer. */
  listThread(packetRef: string): Promise<ProcessedMessage[]>;
  /** How many auto-replies went to this sender since `since` (a loop guard besides RFC 3834). */
  countAutoReplies(sender: string, since: number): Promise<number>;

  addDeadLetter(letter: DeadLetter): Promise<void>;
  /** Newest first. */
  listDeadLetters(limit?: number): Promise<DeadLetter[]>;
}
