import type { Clock } from './ports.ts';
import type { Packet } from './support-packet.ts';
import type { SupportStore } from './support-store.ts';

export interface UserNotice {
  /** What the notice is about, for the email subject and the audit trail. */
  topic: 'refund' | 'question' | 'reply' | 'resolved';
  text: string;
  /** Who wrote it (staff name), shown to the user. */
  from?: string;
  /** Distinguishes notices of one packet: the same key is delivered once. */
  key: string;
}

export type NoticeRoute = 'widget' | 'email' | 'none';

/**
 * Tells the user about their case by the channel they came through: in their help-widget
 * conversation while it is kept, otherwise (and for email reports) by an email queued in the outbox.
 */
export function createUserNotifier(deps: {
  store: SupportStore;
  now: Clock;
  newId: (prefix: string) => string;
  /** How long a conversation stays after staff wrote in it. */
  ttlMs: number;
  /** A message the user's widget has not been given after this long is mailed to a verified user (0: never). */
  unreadMailMs?: number;
}) {
  const unreadMailMs = deps.unreadMailMs ?? 0;
  return {
    async notify(packet: Packet, notice: UserNotice): Promise<NoticeRoute> {
      const now = deps.now();
      if (packet.channel === 'widget') {
        const conversation = await deps.store.findConversationByPacketRef(packet.ref);
        if (conversation && conversation.expiresAt > now) {
          const message = {
            id: deps.newId('msg'),
            from: 'agent' as const,
            text: notice.from ? `${notice.from}: ${notice.text}` : notice.text,
            ...(notice.from && { author: notice.from }),
            at: now,
          };
          // Written with the message: mailed later only if the widget has not been given it by then (email-delivery.ts).
          const unread =
            unreadMailMs > 0 && conversation.ownerEmail
              ? [
                  {
                    id: deps.newId('out'),
                    kind: 'email.unread',
                    destination: conversation.ownerEmail,
                    payload: { ref: packet.ref, conversationId: conversation.id, messageId: message.id, topic: notice.topic, text: notice.text, from: notice.from ?? null },
                    dedupeKey: `unread:${message.id}`,
                    packetRef: packet.ref,
                    notBefore: now + unreadMailMs,
                  },
                ]
              : [];
          await deps.store.appendMessages(conversation.id, [message], { outbox: unread, now });
          return 'widget';
        }
      }
      // Staff's own words go to the address the report came from; no account data is added to them.
      if (!packet.accountEmail) return 'none';
      await deps.store.savePacket(packet, {
        outbox: [
          {
            id: deps.newId('out'),
            kind: 'email.reply',
            destination: packet.accountEmail,
            payload: { ref: packet.ref, topic: notice.topic, text: notice.text, from: notice.from ?? null },
            dedupeKey: `${packet.ref}:notice:${notice.key}`,
            packetRef: packet.ref,
          },
        ],
        audit: [],
        now,
      });
      return 'email';
    },
  };
}

export type UserNotifier = ReturnType<typeof createUserNotifier>;
