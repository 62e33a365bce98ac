import { z } from 'zod';
import { SlackApiError, type SlackCalls } from '../slack/slack-calls.ts';

/*
 * Slack's Web API over fetch, for Workers (bolt and @slack/web-api are Node-bound): the calls the
 * triage listeners and the outbox deliveries make, each a POST with the bot token. Like the Node
 * client as the desk sets it up: no retries of its own (the outbox retries with backoff), a
 * timeout per call, `ok: false` and HTTP 429 thrown as `SlackApiError` (429 with its Retry-After).
 */

export interface SlackWebApiOptions {
  botToken: string;
  /** `https://slack.com/api/` (with its trailing slash), or a stand-in in tests. */
  apiUrl: string;
  /** Per call; a Slack that hangs is given up on after this. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Every answer of the Web API: `ok`, and `error` when it is not. */
const Answer = z.object({ ok: z.boolean(), error: z.string().optional() });

const PostMessageAnswer = z.object({ channel: z.string().optional(), ts: z.string().optional() });
const HistoryAnswer = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.string()) }).optional().catch(undefined),
      }),
    )
    .default([]),
});
const UserInfoAnswer = z.object({
  user: z
    .object({
      name: z.string().optional(),
      real_name: z.string().optional(),
      profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
    })
    .optional(),
});

/** `fields.path: message` of the first issue: what Slack sent that the desk cannot read. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`;
}

export function createSlackWebApi(options: SlackWebApiOptions): SlackCalls & { respond(responseUrl: string, message: object): Promise<void> } {
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;

  /** One call: JSON arguments (write methods), or a form (read methods such as users.info take no JSON). */
  async function call<T>(method: string, args: Record<string, unknown>, answer: z.ZodType<T>, encoding: 'json' | 'form' = 'json'): Promise<T> {
    const body =
      encoding === 'json'
        ? JSON.stringify(args)
        : new URLSearchParams(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    const response = await send(`${options.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.botToken}`,
        'content-type': encoding === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 429) {
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new SlackApiError(method, 'ratelimited', Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 60);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`slack: ${method} answered HTTP ${response.status}`);
    }
    const json: unknown = await response.json().catch(() => undefined);
    const head = Answer.safeParse(json);
    if (!head.success) throw new Error(`slack: ${method} answered something other than the Web API's JSON (${firstIssue(head.error)})`);
    if (!head.data.ok) throw new SlackApiError(method, head.data.error ?? 'unknown_error');
    const parsed = answer.safeParse(json);
    if (!parsed.success) throw new Error(`slack: ${method} answered without what it owes (${firstIssue(parsed.error)})`);
    return parsed.data;
  }

  const nothing = z.unknown();

  return {
    async postMessage(args) {
      return call('chat.postMessage', args, PostMessageAnswer);
    },
    async recentPosts({ channel, oldest, limit }) {
      const answer = await call('conversations.history', { channel, oldest, limit: String(limit), include_all_metadata: 'true' }, HistoryAnswer, 'form');
      return answer.messages;
    },
    async update(args) {
      await call('chat.update', args, nothing);
    },
    async postEphemeral(args) {
      await call('chat.postEphemeral', args, nothing);
    },
    async openView(args) {
      await call('views.open', args, nothing);
    },
    async userInfo(user) {
      return (await call('users.info', { user }, UserInfoAnswer, 'form')).user ?? null;
    },

    /** A slash command's answer, posted to its response URL (no token: the URL is the credential). */
    async respond(responseUrl, message) {
      const response = await send(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`slack: the response URL answered HTTP ${response.status}`);
    },
  };
}

export type SlackWebApi = ReturnType<typeof createSlackWebApi>;
