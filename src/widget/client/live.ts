import type { ChatMessage } from '../../chat/conversation-service.ts';
import { type Api, type WidgetUser, identityHeaders } from './api.ts';

/** No byte for this long (the desk sends a heartbeat every 15 s): the connection is dead, reconnect. */
const SILENCE_MS = 40_000;
/** The longest wait between attempts while the stream is down; the widget polls at each attempt meanwhile. */
const MAX_BACKOFF_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Follows a conversation's new messages live: its event stream read with `fetch` (EventSource
 * cannot send the identity headers), resumed after the last message seen (`Last-Event-ID`), so a
 * reconnect misses nothing. While the stream is down it reconnects with backoff and polls the
 * conversation at each attempt. `arrived` gets each new message once, in order.
 */
export function follow(
  apiBase: string,
  user: WidgetUser | null,
  api: Api,
  id: string,
  lastId: string | null,
  arrived: (messages: ChatMessage[]) => void,
) {
  const url = `${apiBase}/api/conversations/${encodeURIComponent(id)}/events`;
  let stopped = false;
  let connection: AbortController | null = null;

  /** The messages after the last one seen, in order. */
  function take(messages: readonly ChatMessage[]) {
    // No point to start from yet: what is there now is where the stream would have started.
    if (lastId === null) {
      lastId = messages.at(-1)?.id ?? null;
      return;
    }
    const at = messages.findIndex((m) => m.id === lastId);
    const fresh = messages.slice(at + 1);
    const last = fresh.at(-1);
    if (last) {
      lastId = last.id;
      arrived(fresh);
    }
  }

  /** One block of the stream: `id:` moves the resume point (the desk opens with where it starts), `event: message` brings one. */
  function parse(block: string) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') lastId = value;
    }
    // JSON has no raw line break inside a string: its lines joined by a space parse as joined by "\n" (which esbuild would make a multi-line template).
    if (event === 'message' && data.length > 0) arrived([JSON.parse(data.join(' ')) as ChatMessage]);
  }

  /** One connection, until it ends; answers whether it opened, or 'gone' when it never will. */
  async function stream(): Promise<boolean | 'gone' | number> {
    const abort = new AbortController();
    connection = abort;
    let timer = setTimeout(() => abort.abort(), SILENCE_MS);
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), SILENCE_MS);
    };
    let opened = false;
    try {
      const headers = identityHeaders(user);
      if (lastId) headers['Last-Event-ID'] = lastId;
      const response = await fetch(url, { headers, signal: abort.signal, cache: 'no-store' });
      if (response.status === 404 || response.status === 401) return 'gone';
      // Too many streams or requests: wait as long as the desk asks.
      if (response.status === 429) return Number(response.headers.get('Retry-After')) * 1000 || MAX_BACKOFF_MS;
      if (!response.ok || !response.body) return false;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        opened = true;
        alive();
        buffer += value;
        const blocks = buffer.split(/\r?\n\r?\n/);
        buffer = blocks.pop() ?? '';
        for (const block of blocks) parse(block);
      }
    } catch {
      // Dropped, timed out or stopped: the loop decides.
    } finally {
      clearTimeout(timer);
    }
    return opened;
  }

  async function run() {
    let failures = 0;
    while (!stopped) {
      const outcome = await stream();
      if (stopped || outcome === 'gone') return;
      if (outcome === true) {
        failures = 0;
        await sleep(500);
        continue;
      }
      failures++;
      // Down: poll, so that replies still arrive while the stream cannot.
      const polled = await api.get(id);
      if (polled.ok) take(polled.view.messages);
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1)) * (0.75 + Math.random() / 2);
      await sleep(Math.max(backoff, typeof outcome === 'number' ? outcome : 0));
    }
  }

  void run();
  return {
    stop() {
      stopped = true;
      connection?.abort();
    },
  };
}

export type Follower = ReturnType<typeof follow>;
