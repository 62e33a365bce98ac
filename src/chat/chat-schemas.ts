import { z } from '@hono/zod-openapi';
import { Packet } from '../core/support-packet.ts';
import { locales } from '../i18n/locales.ts';

/** chat-api.md's schemas: the routes validate with them and `/openapi.json` is generated from them. */
export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

export const Option = z.object({ id: z.string(), label: z.string() }).openapi('Option');

export const Message = z
  .object({
    id: z.string(),
    from: z.enum(['bot', 'user', 'agent']),
    text: z.string(),
    options: z.array(Option).optional(),
    author: z.string().optional().openapi({ description: 'The staff member who wrote an agent message' }),
    at: z.string(),
  })
  .openapi('Message');

export const FlowStateSchema = z
  .enum(['greeting', 'incident', 'waiting', 'retry', 'simplify', 'credits', 'findings', 'packet', 'handed_off', 'resolved'])
  .openapi('FlowState');

export const PacketSchema = Packet;

export const LocaleSchema = z
  .enum(locales, { error: `must be one of ${locales.join(', ')}` })
  .openapi('Locale', { description: 'A language the desk speaks: English, French, Spanish, German or Portuguese' });

/** The conversation's language in every answer: what the bot writes in from now on. */
const conversationLocale = LocaleSchema.openapi({
  description:
    'The language the bot writes in: the one asked for at the start or switched to, else the language of the user’s first message it could tell (en until then)',
});

export const StartBody = z
  .object({
    timezone: z.string().max(64).optional().openapi({ description: "The user's IANA time zone, e.g. Europe/Berlin" }),
    locale: LocaleSchema.optional().openapi({
      description: 'The language to speak in (the host page’s or the browser’s); left out, the user’s first message decides',
    }),
  })
  .strict()
  .openapi('StartConversation');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const SendBody = z
  .union([
    z
      .object({
        text: z
          .string()
          .trim()
          .min(1, 'text must not be empty')
          .max(2000)
          // Half a UTF-16 pair is valid JSON but not text: it could not be stored as it was said.
          .refine((t) => !LONE_SURROGATE.test(t), 'text must be Unicode text (it has half of a surrogate pair)'),
      })
      .strict(),
    z.object({ option: z.string().min(1).max(120) }).strict(),
  ])
  .openapi('SendMessage', { description: 'Either free text or the id of an offered option' });

export const Started = z
  .object({ conversationId: z.string(), state: FlowStateSchema, locale: conversationLocale, messages: z.array(Message) })
  .openapi('ConversationStarted');

export const Turn = z
  .object({ state: FlowStateSchema, locale: conversationLocale, messages: z.array(Message), packet: PacketSchema.optional() })
  .openapi('Turn');

export const Conversation = z
  .object({
    conversationId: z.string(),
    state: FlowStateSchema,
    locale: conversationLocale,
    messages: z.array(Message),
    packet: PacketSchema.optional(),
  })
  .openapi('Conversation');

export const LocaleBody = z.object({ locale: LocaleSchema }).strict().openapi('SwitchLanguage');

export const LocaleSwitched = z
  .object({ conversationId: z.string(), locale: conversationLocale })
  .openapi('LanguageSwitched');

export const IdentityHeaders = z.object({
  'x-user-email': z.string().optional().openapi({ description: 'The signed-in user’s email (with X-User-Hash)' }),
  'x-user-hash': z
    .string()
    .optional()
    .openapi({ description: 'hex(HMAC-SHA256(WIDGET_IDENTITY_SECRET, lowercase(email))), computed by the host’s server' }),
});

export const EventsHeaders = IdentityHeaders.extend({
  'last-event-id': z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'The id of the last message received: the stream resumes after it (a reconnect misses nothing)' }),
});

/** What the events stream carries, for the document: the stream itself is text. */
export const EventStream = z.string().openapi({
  description:
    'Server-Sent Events. Each new message is `event: message`, `id: <message id>`, `data: <Message as JSON>`; ' +
    'a comment line (`: heartbeat`) comes when nothing else was sent for the heartbeat interval (15 s).',
  example: 'event: message\ndata: {"id":"msg_0","from":"agent","text":"Dana: We refunded it.","author":"Dana","at":"2026-12-06T08:00:00.000Z"}\nid: msg_0\n\n',
});

export const ConversationParams = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }),
});
