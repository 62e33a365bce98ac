import { z } from 'zod';
import type { PacketDestinations, PacketService } from '../core/packet-service.ts';
import type { Clock, IdGenerator, PlatformData } from '../core/ports.ts';
import type { SupportStore } from '../core/support-store.ts';
import { composeAcknowledgement, composeAutoReply } from './auto-reply.ts';
import type { EmailStore, ProcessedMessage, RecordResult } from './email-store.ts';
import { DEFAULT_EMAIL_LIMITS, type EmailLimits, type EmailRejectReason, EmailRejectedError } from './email-report.ts';
import { type FiledEmail, emailLocale, fileEmailReport } from './file-email-report.ts';
import { type ParseOptions, type ParsedEmail, parseEmail, toBytes } from './parse-email.ts';
import { isTrustedSender } from './sender-trust.ts';

export interface EmailIntakeDeps {
  store: SupportStore;
  emailStore: EmailStore;
  platform: PlatformData;
  packets: PacketService;
  now: Clock;
  newId: IdGenerator;
  destinations: PacketDestinations;
  /** The desk's own sending address: mail from it is never filed or answered (loops). */
  supportFrom: string | null;
  /** `Authentication-Results` from this server (our MX) are the only ones believed. */
  trustedAuthservId: string | null;
  limits?: Partial<EmailLimits>;
  /** At most this many auto-replies to one sender a day, whatever their headers say. */
  maxAutoRepliesPerDay?: number;
  /**
   * At most this many auto-replies an hour to senders whose address is not verified, all of them
   * together (AUTO_REPLY_UNVERIFIED_PER_HOUR): forged From addresses cannot make the desk mail many
   * strangers. Counted by this intake (per process on Node, per isolate on Workers).
   */
  maxUnverifiedRepliesPerHour?: number;
  /**
   * `parseEmail`, or where it runs (a worker thread on Node): it answers a parsed message or an
   * `EmailRejectedError`; anything else it throws is a failure of ours, and the message is not
   * refused for it. It may take the bytes over: the intake reads them no more.
   */
  parse?: (bytes: Uint8Array, options: ParseOptions) => Promise<ParsedEmail>;
}

/** How the intake settled a message: expected outcomes, never exceptions. */
export type IntakeOutcome =
  | { status: 'accepted'; messageId: string; packetRef: string; joined: boolean; verified: boolean; autoReply: 'queued' | 'already_sent' | 'suppressed' }
  | { status: 'duplicate'; messageId: string; packetRef: string | null }
  | { status: 'ignored'; messageId: string; reason: 'auto_submitted' | 'own_address' }
  | { status: 'rejected'; reason: EmailRejectReason; detail: string; deadLetterId: string };

const Email = z.email();
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
const KEPT_RAW_BYTES = 256 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The email intake, one for Node (the inbound HTTP route) and Workers (`email()`): parses a raw
 * message, processes each Message-ID once, never answers machines, believes the sender only on our
 * own server's DMARC verdict, files the packet and queues one auto-reply per sender and case.
 * A message it cannot read is kept as a dead letter with its reason.
 */
export function createEmailIntake(deps: EmailIntakeDeps) {
  const limits = { ...DEFAULT_EMAIL_LIMITS, ...deps.limits };
  const maxReplies = deps.maxAutoRepliesPerDay ?? 5;
  const parse = deps.parse ?? parseEmail;
  /** When the auto-replies to unverified senders of the last hour were queued (or are being written). */
  const unverifiedReplies: number[] = [];
  const maxUnverified = deps.maxUnverifiedRepliesPerHour ?? 20;

  /** Takes one of the hour's auto-replies to unverified senders, if one is left; `release` gives it back (nothing was queued). */
  function takeUnverifiedReply(): { release(): void } | null {
    const now = deps.now();
    while (unverifiedReplies.length > 0 && (unverifiedReplies[0] ?? 0) <= now - HOUR_MS) unverifiedReplies.shift();
    if (unverifiedReplies.length >= maxUnverified) return null;
    unverifiedReplies.push(now);
    return {
      release() {
        const at = unverifiedReplies.indexOf(now);
        if (at >= 0) unverifiedReplies.splice(at, 1);
      },
    };
  }

  /** Keeps a message as a dead letter: its reason, its size and `kept`, its first bytes. */
  async function reject(
    reason: EmailRejectReason,
    detail: string,
    kept: Uint8Array | null,
    size: number,
    known: { messageId: string | null; sender: string | null } = { messageId: null, sender: null },
  ): Promise<IntakeOutcome> {
    const id = deps.newId('dl');
    await deps.emailStore.addDeadLetter({
      id,
      ...known,
      reason,
      detail: detail.slice(0, 2000),
      size,
      rawBase64: kept ? toBase64(kept) : null,
      rawTruncated: !kept || kept.byteLength < size,
      receivedAt: deps.now(),
    });
    return { status: 'rejected', reason, detail, deadLetterId: id };
  }

  /**
   * The auto-reply to queue with the packet, unless this sender already had this case's (or too
   * many today, or the unverified senders too many this hour). A verified sender gets the full
   * answer; any other the fixed acknowledgement, which repeats nothing of the message.
   */
  async function autoReplyFor(filed: FiledEmail, parsed: ParsedEmail, sender: string, trusted: boolean) {
    const { packet } = filed;
    const none = (status: 'already_sent' | 'suppressed') => ({ status, items: [], release: () => undefined });
    const dedupeKey = `${packet.ref}:auto_reply:${sender}`;
    // Every auto-reply is recorded with the message it answered (and its outbox key makes it once).
    const sent = !filed.created && (await deps.emailStore.listThread(packet.ref)).some((m) => m.sender === sender && m.autoReplied);
    if (sent) return none('already_sent');
    if ((await deps.emailStore.countAutoReplies(sender, deps.now() - DAY_MS)) >= maxReplies) return none('suppressed');
    const taken = trusted ? null : takeUnverifiedReply();
    if (!trusted && !taken) return none('suppressed');
    // Answered in the language this message was written in (the case's, when this one does not tell).
    const locale = emailLocale(parsed) ?? packet.locale ?? null;
    const payload = trusted
      ? composeAutoReply({
          packet,
          accountFound: filed.accountFound,
          joined: !filed.created,
          name: parsed.fromName,
          subject: parsed.report.subject,
          inReplyTo: parsed.report.messageId,
          references: [...parsed.references, ...(parsed.report.messageId ? [parsed.report.messageId] : [])],
          locale,
        })
      : composeAcknowledgement(packet.ref, locale);
    const item = { id: deps.newId('out'), kind: 'email.auto_reply', destination: parsed.report.from, payload, dedupeKey, packetRef: packet.ref };
    return { status: 'queued' as const, items: [item], release: () => taken?.release() };
  }

  /** A message another delivery settled first: told as it was settled. */
  const duplicateOf = (message: ProcessedMessage): IntakeOutcome => ({ status: 'duplicate', messageId: message.messageId, packetRef: message.packetRef });

  async function file(parsed: ParsedEmail, messageId: string, sender: string, receivedAt: number): Promise<IntakeOutcome> {
    const trusted = isTrustedSender(parsed.headers, parsed.report.from, deps.trustedAuthservId);
    for (let attempt = 0; ; attempt++) {
      const filed = await fileEmailReport(deps, parsed, trusted, messageId);
      const reply = await autoReplyFor(filed, parsed, sender, trusted);
      const { packet } = filed;
      const message: ProcessedMessage = {
        messageId,
        sender,
        status: 'accepted',
        reason: null,
        packetRef: packet.ref,
        autoReplied: reply.status === 'queued',
        receivedAt,
        finishedAt: deps.now(),
      };
      let written: RecordResult;
      try {
        written = await deps.emailStore.fileMessage(message, packet, filed.effects(reply.items));
      } catch (error) {
        reply.release();
        // A new packet lost a race to another report of the same case: file again, joining it.
        if (filed.created && attempt === 0) continue;
        throw error;
      }
      if (written.status === 'duplicate') {
        reply.release();
        return duplicateOf(written.message);
      }
      return { status: 'accepted', messageId, packetRef: packet.ref, joined: !filed.created, verified: packet.verified, autoReply: reply.status };
    }
  }

  return {
    /** Takes one raw message (RFC 5322 bytes) through the intake; the bytes are the intake's from then on. */
    async receive(raw: ArrayBuffer | string | Uint8Array): Promise<IntakeOutcome> {
      const bytes = toBytes(raw);
      // What a dead letter keeps, taken first: the parser may take the bytes over (a thread does).
      const size = bytes.byteLength;
      const kept = bytes.slice(0, KEPT_RAW_BYTES);
      let parsed: ParsedEmail;
      try {
        parsed = await parse(bytes, { limits, receivedAt: deps.now() });
      } catch (error) {
        // Whatever the parser trips on is kept with its reason: never a crash, never dropped.
        if (error instanceof EmailRejectedError) return reject(error.reason, error.message, kept, size);
        throw error;
      }
      const sender = parsed.report.from.toLowerCase();
      const messageId = parsed.key;
      const receivedAt = deps.now();
      // A redelivery of a settled message is answered at once; one that overlaps with the first
      // delivery is worked out too, and told `duplicate` when it comes to write second.
      const settled = await deps.emailStore.getMessage(messageId);
      if (settled) return duplicateOf(settled);

      const ignored = parsed.report.autoSubmitted ? 'auto_submitted' : sender === deps.supportFrom?.toLowerCase() ? 'own_address' : null;
      if (ignored) {
        const message: ProcessedMessage = { messageId, sender, status: 'ignored', reason: ignored, packetRef: null, autoReplied: false, receivedAt, finishedAt: receivedAt };
        const written = await deps.emailStore.recordMessage(message);
        return written.status === 'duplicate' ? duplicateOf(written.message) : { status: 'ignored', messageId, reason: ignored };
      }
      if (!Email.safeParse(parsed.report.from).success) {
        // Nobody to answer (and nobody to trust): staff can read it among the dead letters.
        return reject('no_sender', `the From address cannot be answered: ${parsed.report.from}`, kept, size, { messageId, sender });
      }
      return file(parsed, messageId, sender, receivedAt);
    },

    /** Records a message refused before it was read (over the size cap at the HTTP edge). */
    async rejectUnread(reason: EmailRejectReason, detail: string, size: number): Promise<IntakeOutcome> {
      return reject(reason, detail, null, size);
    },
  };
}

export type EmailIntake = ReturnType<typeof createEmailIntake>;
