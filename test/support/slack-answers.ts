/*
 * What Slack's Web API answers, for the local stand-ins (the Node HTTP one in slack-api-server.ts and
 * the Workers' one in test/workers/slack-api-stand-in.ts): one set of answers, held messages with
 * their metadata, no I/O (workerd imports it too).
 */

/** A message the stand-in holds, as posted and then updated. */
export interface HeldMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
}

export interface SlackAnswerOptions {
  botUserId?: string;
  botId?: string;
  /** Channel names (`#support-triage`) to the ids the stand-in answers with. */
  channelIds?: Record<string, string>;
  /** Display names answered by users.info. */
  userNames?: Record<string, string>;
}

/**
 * auth.test, chat.postMessage (with metadata), chat.update, chat.postEphemeral, views.open,
 * users.info and conversations.history (newest first, `oldest` and `limit` honoured, metadata only
 * with `include_all_metadata`), as Slack answers them; anything else is `unknown_method`.
 */
export function createSlackAnswers(options: SlackAnswerOptions = {}) {
  const messages = new Map<string, HeldMessage>();
  // Slack's ts: seconds and microseconds of the posting time, unique in a channel.
  let last = 0;
  let views = 0;
  const nextTs = () => {
    last = Math.max(Date.now() * 1000, last + 1);
    return `${Math.floor(last / 1_000_000)}.${String(last % 1_000_000).padStart(6, '0')}`;
  };

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof args.channel === 'string' ? (options.channelIds?.[args.channel] ?? args.channel) : '';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://prism.slack.test/', team: 'Prism', user: 'prism', team_id: 'T0PRISM', user_id: options.botUserId ?? 'U0BOT', bot_id: options.botId ?? 'B0BOT' };
      case 'chat.postMessage': {
        const ts = nextTs();
        const metadata = args.metadata as HeldMessage['metadata'];
        messages.set(ts, { channel, ts, text: String(args.text ?? ''), blocks: Array.isArray(args.blocks) ? args.blocks : [], ...(metadata && { metadata }) });
        return { ok: true, channel, ts, message: { type: 'message', text: args.text, ts } };
      }
      case 'chat.update': {
        const held = messages.get(String(args.ts));
        if (!held || held.channel !== channel) return { ok: false, error: 'message_not_found' };
        held.text = String(args.text ?? '');
        held.blocks = Array.isArray(args.blocks) ? args.blocks : [];
        return { ok: true, channel, ts: held.ts, text: held.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
        return { ok: true, view: { id: `V${++views}`, ...(args.view as object) } };
      case 'users.info': {
        const id = String(args.user);
        const name = options.userNames?.[id] ?? '';
        return { ok: true, user: { id, name: id.toLowerCase(), real_name: name, profile: { display_name: name, real_name: name } } };
      }
      case 'conversations.history': {
        const oldest = Number(args.oldest ?? 0);
        const limit = Number(args.limit ?? 100);
        const withMetadata = String(args.include_all_metadata) === 'true';
        const found = [...messages.values()]
          .filter((m) => m.channel === channel && Number(m.ts) > oldest)
          .sort((a, b) => Number(b.ts) - Number(a.ts))
          .slice(0, limit)
          .map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(withMetadata && m.metadata && { metadata: m.metadata }) }));
        return { ok: true, messages: found, has_more: false };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  return { messages, answer };
}
