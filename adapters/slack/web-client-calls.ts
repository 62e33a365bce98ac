import { WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { type PostMetadata, SlackApiError, type SlackCalls } from './slack-calls.ts';

/**
 * Node: bolt's WebClient as the calls the listeners and deliveries make. Slack's refusals become
 * `SlackApiError`s (as the fetch client on Workers throws them); every other error is left as it is.
 */
export function webClientCalls(client: WebClient): SlackCalls {
  return {
    async postMessage(args) {
      const answer = await translate('chat.postMessage', () => client.chat.postMessage(args));
      return { channel: answer.channel, ts: answer.ts };
    },
    async recentPosts({ channel, oldest, limit }) {
      const answer = await translate('conversations.history', () =>
        client.conversations.history({ channel, oldest, limit, include_all_metadata: true }),
      );
      return (answer.messages ?? []).flatMap((m) =>
        m.ts ? [{ ts: m.ts, metadata: m.metadata as PostMetadata | undefined }] : [],
      );
    },
    async update(args) {
      await translate('chat.update', () => client.chat.update(args));
    },
    async postEphemeral(args) {
      await translate('chat.postEphemeral', () => client.chat.postEphemeral(args));
    },
    async openView(args) {
      await translate('views.open', () => client.views.open(args));
    },
    async userInfo(user) {
      const answer = await translate('users.info', () => client.users.info({ user }));
      return answer.user ?? null;
    },
  };
}

async function translate<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WebAPIPlatformError) throw new SlackApiError(method, error.data.error);
    if (error instanceof WebAPIRateLimitedError) throw new SlackApiError(method, 'ratelimited', error.retryAfter);
    throw error;
  }
}
