import { z } from 'zod';
import type { OutboxRow, SupportStore } from '../core/support-store.ts';
import { type MessageKey, message } from '../i18n/messages.ts';
import type { DeliveryHandler, DeliveryResult } from '../outbox/outbox-relay.ts';
import type { EmailStore } from './email-store.ts';
import { domainOf, textToHtml } from './mail-format.ts';
import { packetMail } from './packet-mail.ts';

/** A message ready for any transport (nodemailer over SMTP on Node, the mail binding on Workers). */
export interface OutboundMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Derived from the outbox row: a retried delivery carries the same id, so receivers can drop the copy. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
}

/** Hands one message to the transport; an expected failure is a value (retryable or not). */
export type SendMail = (mail: OutboundMail) => Promise<DeliveryResult>;

const RefPayload = z.object({ ref: z.string() });
const ReplyPayload = z.object({ ref: z.string(), topic: z.string(), text: z.string(), from: z.string().nullable().optional() });
const UnreadPayload = ReplyPayload.extend({ conversationId: z.string(), messageId: z.string() });
const AutoReplyPayload = z.object({
  ref: z.string(),
  subject: z.string(),
  text: z.string(),
  // Queued before the HTML part was made at sending: kept as it was composed.
  html: z.string().optional(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
});

const IncidentPayload = z.object({ id: z.string(), subject: z.string(), text: z.string() });

/** The subject of staff's words to the user, by what they are about. */
const TOPICS: Record<string, MessageKey> = {
  refund: 'email.reply.subject.refund',
  question: 'email.reply.subject.question',
  reply: 'email.reply.subject.reply',
  resolved: 'email.reply.subject.resolved',
};

const badPayload = (row: OutboxRow, error: z.ZodError): DeliveryResult => ({
  status: 'failed',
  retryable: false,
  reason: `${row.kind} ${row.id}: bad payload: ${error.issues[0]?.message ?? 'invalid'}`,
});

/**
 * The outbox handlers of every email the desk sends: packets to the support inbox
 * ('email.packet', 'email.packet_update'), staff replies ('email.reply') and auto-replies
 * ('email.auto_reply') to users, all from `from`, each as text and HTML.
 */
export function createEmailDelivery(deps: { store: SupportStore; emailStore: EmailStore; send: SendMail; from: string }) {
  const base = (row: OutboxRow) => ({ from: deps.from, to: row.destination, messageId: `<${row.id}@${domainOf(deps.from)}>` });

  const packet = (update: boolean): DeliveryHandler => async (row) => {
    const payload = RefPayload.safeParse(row.payload);
    if (!payload.success) return badPayload(row, payload.error);
    const found = await deps.store.getPacket(payload.data.ref);
    if (!found) return { status: 'failed', retryable: false, reason: `no packet ${payload.data.ref}` };
    return deps.send({ ...base(row), ...packetMail(found, update), inReplyTo: null, references: [], headers: {} });
  };

  /**
   * Staff's words to the user, in the user's own thread (the messages they sent about this case),
   * the subject and the lines around them in the case's language.
   */
  async function reply(row: OutboxRow, { ref, topic, text, from }: z.infer<typeof ReplyPayload>, widgetHint: boolean): Promise<DeliveryResult> {
    const thread = (await deps.emailStore.listThread(ref)).map((m) => m.messageId).filter((id) => id.startsWith('<'));
    const locale = (await deps.store.getPacket(ref))?.locale ?? null;
    const lines = [
      text,
      '',
      `${from ? `${from}, ` : ''}${message(locale, 'email.reply.team')}`,
      message(locale, 'email.reply.keep_ref', { ref }),
      ...(widgetHint ? [message(locale, 'email.reply.in_widget')] : []),
    ];
    const body = lines.join('\n');
    return deps.send({
      ...base(row),
      subject: `[${ref}] ${message(locale, TOPICS[topic] ?? 'email.reply.subject.reply')}`,
      text: body,
      html: textToHtml(body),
      inReplyTo: thread.at(-1) ?? null,
      references: thread,
      headers: {},
    });
  }

  const handlers: Record<'email.packet' | 'email.packet_update' | 'email.reply' | 'email.unread' | 'email.auto_reply' | 'email.incident', DeliveryHandler> = {
    'email.packet': packet(false),
    'email.packet_update': packet(true),

    async 'email.reply'(row) {
      const payload = ReplyPayload.safeParse(row.payload);
      if (!payload.success) return badPayload(row, payload.error);
      return reply(row, payload.data, false);
    },

    /** A staff message written into the widget and still not given to it: the same words, by email. */
    async 'email.unread'(row) {
      const payload = UnreadPayload.safeParse(row.payload);
      if (!payload.success) return badPayload(row, payload.error);
      if (await deps.store.isRead(payload.data.conversationId, payload.data.messageId)) {
        return { status: 'unneeded', reason: 'read in the help widget' };
      }
      return reply(row, payload.data, true);
    },

    /** An incident a user asked about is resolved (src/incidents): told once, by the row's dedupe key. */
    async 'email.incident'(row) {
      const payload = IncidentPayload.safeParse(row.payload);
      if (!payload.success) return badPayload(row, payload.error);
      const body = `${payload.data.text}\n\nPrismPoster Support`;
      return deps.send({ ...base(row), subject: payload.data.subject, text: body, html: textToHtml(body), inReplyTo: null, references: [], headers: {} });
    },

    async 'email.auto_reply'(row) {
      const payload = AutoReplyPayload.safeParse(row.payload);
      if (!payload.success) return badPayload(row, payload.error);
      const { subject, text, html, inReplyTo, references } = payload.data;
      return deps.send({
        ...base(row),
        subject,
        text,
        html: html ?? textToHtml(text),
        inReplyTo,
        references,
        // RFC 3834: marks the answer as automatic, so that well-behaved auto-responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      });
    },
  };
  return handlers;
}
