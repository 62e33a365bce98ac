import { type EventSourceMessage, createParser } from 'eventsource-parser';

/** What arrived on a stream, in order: events, and comments (a heartbeat is one) with when they came. */
export interface EventStreamReader {
  status: number;
  headers: Headers;
  events: EventSourceMessage[];
  comments: { text: string; at: number }[];
  /** Every `id:` field, in order (an id-only block moves the client's last event id without an event). */
  ids: string[];
  /** Resolves once `done` holds of what arrived, or fails after `timeoutMs`. */
  until(done: (reader: EventStreamReader) => boolean, timeoutMs?: number): Promise<void>;
  /** Whether the server ended the stream. */
  ended(): boolean;
  close(): void;
}

/**
 * Opens `GET url` as a fetch stream (as the widget reads it, headers and all) and parses it with a
 * spec-following Server-Sent Events parser. A refused request is read whole: its JSON is `body`.
 * `fetcher` is the Worker's `SELF.fetch` inside workerd.
 */
export async function openEventStream(
  url: string,
  headers: Record<string, string> = {},
  fetcher: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<EventStreamReader & { body: unknown }> {
  const abort = new AbortController();
  const response = await fetcher(url, { headers, signal: abort.signal });
  let cancel = () => {};
  const events: EventSourceMessage[] = [];
  const comments: { text: string; at: number }[] = [];
  const ids: string[] = [];
  let ended = false;
  let body: unknown = null;
  const parser = createParser({ onEvent: (event) => events.push(event), onId: (id) => ids.push(id), onComment: (text) => comments.push({ text: text.trim(), at: Date.now() }) });
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    cancel = () => void reader.cancel().catch(() => undefined);
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // Closed by the test.
      }
      ended = true;
    })();
  } else {
    body = await response.json().catch(() => null);
    ended = true;
  }
  const stream: EventStreamReader & { body: unknown } = {
    status: response.status,
    headers: response.headers,
    body,
    events,
    comments,
    ids,
    async until(done, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(stream)) {
        if (Date.now() > deadline) throw new Error(`the stream did not get there in ${timeoutMs} ms: ${JSON.stringify({ events, comments, ended })}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    ended: () => ended,
    close: () => {
      abort.abort();
      cancel();
    },
  };
  return stream;
}
