import type { KnownBlock, View } from '@slack/types';

/*
 * What the triage listeners and the outbox deliveries ask of Slack's Web API, whatever the client:
 * bolt's WebClient on Node (web-client-calls.ts), a fetch client on Workers (adapters/slack-fetch).
 * Runtime-neutral: types only from @slack/types.
 */

/** A Slack user as users.info describes them (the fields the desk reads). */
export interface SlackUser {
  name?: string | undefined;
  real_name?: string | undefined;
  profile?: { display_name?: string | undefined; real_name?: string | undefined } | undefined;
}

/** Slack's message metadata: an event type and a flat payload. */
export interface PostMetadata {
  event_type: string;
  event_payload: Record<string, string>;
}

export interface SlackCalls {
  /** chat.postMessage: Slack answers where the message went (`channel`) and its `ts`. */
  postMessage(args: {
    channel: string;
    text: string;
    blocks: KnownBlock[];
    unfurl_links?: boolean;
    unfurl_media?: boolean;
    /** Message metadata: what the desk posted it for, found again by `recentPosts`. */
    metadata?: PostMetadata;
  }): Promise<{ channel?: string | undefined; ts?: string | undefined }>;
  /**
   * conversations.history with metadata: the channel's messages since `oldest` (a Slack ts), newest
   * first, at most `limit`. Needs the `channels:history` scope (`groups:history` for a private channel).
   */
  recentPosts(args: { channel: string; oldest: string; limit: number }): Promise<{ ts: string; metadata?: PostMetadata | undefined }[]>;
  /** chat.update of a message the desk posted. */
  update(args: { channel: string; ts: string; text: string; blocks: KnownBlock[] }): Promise<void>;
  /** chat.postEphemeral: a note only `user` sees. */
  postEphemeral(args: { channel: string; user: string; text: string; thread_ts?: string }): Promise<void>;
  /** views.open with the trigger of a click (valid for 3 s). */
  openView(args: { trigger_id: string; view: View }): Promise<void>;
  /** users.info: the user, or null when Slack answers without one. */
  userInfo(user: string): Promise<SlackUser | null>;
}

/**
 * Slack refused a call: `ok: false` with its error code (`channel_not_found`, `message_not_found`…),
 * or HTTP 429 (`ratelimited`, with the seconds of `Retry-After` when Slack gave them).
 */
export class SlackApiError extends Error {
  readonly method: string;
  readonly code: string;
  readonly retryAfterS: number | null;

  constructor(method: string, code: string, retryAfterS: number | null = null) {
    super(retryAfterS === null ? `An API error occurred: ${code}` : `A rate limit was exceeded (${method}, retry after ${retryAfterS} s)`);
    this.name = 'SlackApiError';
    this.method = method;
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}

/** Where the desk's notes and logs go (bolt's logger on Node, the console on Workers). */
export interface SlackLogger {
  warn(...message: unknown[]): void;
  error(...message: unknown[]): void;
}
