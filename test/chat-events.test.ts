import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Message } from '../src/chat/chat-schemas.ts';
import { newId } from '../src/core/ids.ts';
import { type ChatDesk, WIDGET_SECRET, chatClient, errorOf, identityHeaders, request, startChatDesk } from './support/chat-desk.ts';
import { type EventStreamReader, openEventStream } from './support/event-stream.ts';

/*
 * Live replies (chat-api.md): `GET /api/conversations/{id}/events` over the real app served by
 * @hono/node-server, on a real SQLite file. Staff's messages are written as the user notifier
 * writes them (appended to the store, as another process would); the stream reads the store.
 */

const MAYA = 'maya@example.com';
const LEO = 'leo@example.com';
const HEARTBEAT_MS = 300;

describe('chat API: the events stream of a conversation', () => {
  let desk: ChatDesk;
  const opened: EventStreamReader[] = [];
  const maya = () => chatClient(desk.url, identityHeaders(MAYA));

  beforeAll(async () => {
    desk = await startChatDesk({
      WIDGET_IDENTITY_SECRET: WIDGET_SECRET,
      CHAT_EVENTS_POLL_MS: '50',
      CHAT_EVENTS_HEARTBEAT_MS: String(HEARTBEAT_MS),
      CHAT_EVENTS_PER_CLIENT: '2',
    });
  });
  afterEach(() => {
    for (const stream of opened.splice(0)) stream.close();
  });
  afterAll(() => desk.close());

  async function events(id: string, headers: Record<string, string>) {
    const stream = await openEventStream(`${desk.url}/api/conversations/${id}/events`, headers);
    opened.push(stream);
    return stream;
  }

  /** A staff member's reply as the notifier writes it into the conversation. */
  async function staffReply(id: string, text: string) {
    const message = { id: newId('msg'), from: 'agent' as const, text: `Dana: ${text}`, author: 'Dana', at: Date.now() };
    await desk.deps.store.appendMessages(id, [message]);
    return message;
  }

  const messagesOf = (stream: EventStreamReader) => stream.events.map((e) => ({ event: e.event, id: e.id, message: Message.parse(JSON.parse(e.data)) }));

  it('refuses a wrong identity (401) and a conversation that is not the caller’s (404), as the other calls do', async () => {
    const { conversationId } = await maya().start();
    const path = `/api/conversations/${conversationId}/events`;

    const forged = await request(desk.url, 'GET', path, { headers: { 'x-user-email': MAYA, 'x-user-hash': '0'.repeat(64) } });
    expect(forged.status).toBe(401);
    expect(errorOf(forged).code).toBe('unauthorized');

    for (const headers of [identityHeaders(LEO), {}]) {
      const notTheirs = await request(desk.url, 'GET', path, { headers });
      expect(notTheirs.status).toBe(404);
      expect(errorOf(notTheirs).code).toBe('not_found');
    }
    const unknown = await request(desk.url, 'GET', '/api/conversations/conv_nothere/events', { headers: identityHeaders(MAYA) });
    expect(unknown.status).toBe(404);
  });

  it('streams each new message once — the user’s turns and staff’s replies with their name — as the chat API returns them', async () => {
    const client = maya();
    const started = await client.start();
    const id = started.conversationId;
    const stream = await events(id, client.headers);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);

    // It opens by naming where it starts (an id without an event): a reconnect before any message resumes there.
    await stream.until((s) => s.ids.length > 0);
    expect(stream.ids[0]).toBe(started.messages.at(-1)?.id);

    const turn = await client.send(id, { text: 'my image failed' });
    const reply = await staffReply(id, 'We are looking into it.');
    const expected = [...turn.messages.map((m) => m.id), reply.id];
    await stream.until((s) => s.events.length >= expected.length);

    const got = messagesOf(stream);
    // Nothing from before the stream opened; then everything, in order, each once.
    expect(got.map((e) => e.id)).toEqual(expected);
    expect(got.every((e) => e.event === 'message')).toBe(true);
    // Each event's data is the message exactly as GET /conversations/{id} gives it.
    const whole = await client.get(id);
    expect(got.map((e) => e.message)).toEqual(whole.messages.filter((m) => expected.includes(m.id)));
    expect(got.at(-1)?.message).toMatchObject({ from: 'agent', author: 'Dana', text: 'Dana: We are looking into it.' });
  });

  it('resumes after Last-Event-ID: messages written while the client was away arrive, none twice', async () => {
    const client = maya();
    const id = (await client.start()).conversationId;
    const first = await events(id, client.headers);
    const before = await staffReply(id, 'First reply.');
    await first.until((s) => s.events.length === 1);
    first.close();

    const missed = [await staffReply(id, 'Written while away.'), await staffReply(id, 'And another.')];
    const resumed = await events(id, { ...client.headers, 'last-event-id': before.id });
    await resumed.until((s) => s.events.length >= 2);
    const after = await staffReply(id, 'After the reconnect.');
    await resumed.until((s) => s.events.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(resumed.events.map((e) => e.id)).toEqual([...missed.map((m) => m.id), after.id]);
  });

  it('sends a heartbeat when nothing else was sent for the interval', async () => {
    const client = maya();
    const id = (await client.start()).conversationId;
    const stream = await events(id, client.headers);
    await stream.until((s) => s.comments.filter((c) => c.text === 'heartbeat').length >= 3, 5000);
    const beats = stream.comments.filter((c) => c.text === 'heartbeat').map((c) => c.at);
    for (let i = 1; i < beats.length; i++) {
      const gap = (beats[i] ?? 0) - (beats[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(HEARTBEAT_MS - 50);
      expect(gap).toBeLessThan(HEARTBEAT_MS * 4);
    }
    expect(stream.events).toEqual([]);
  });

  it('counts a streamed or fetched staff message as read, and an unsent one as unread', async () => {
    const client = maya();
    const id = (await client.start()).conversationId;
    const unseen = await staffReply(id, 'Nobody is watching.');
    expect(await desk.deps.store.isRead(id, unseen.id)).toBe(false);
    await client.get(id);
    expect(await desk.deps.store.isRead(id, unseen.id)).toBe(true);

    const stream = await events(id, client.headers);
    const streamed = await staffReply(id, 'Streamed.');
    expect(await desk.deps.store.isRead(id, streamed.id)).toBe(false);
    await stream.until((s) => s.events.length === 1);
    await expect.poll(() => desk.deps.store.isRead(id, streamed.id)).toBe(true);
  });

  it('holds at most CHAT_EVENTS_PER_CLIENT streams open per client; a closed one frees its place', async () => {
    // A client of its own: the streams earlier tests closed are let go by the desk within a poll, not at once.
    const client = chatClient(desk.url, identityHeaders('ana@example.com'));
    const id = (await client.start()).conversationId;
    const a = await events(id, client.headers);
    await events(id, client.headers);
    const third = await events(id, client.headers);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(third.body).toMatchObject({ error: { code: 'rate_limited' } });
    // Another user is not held back by Ana's streams.
    const leo = chatClient(desk.url, identityHeaders(LEO));
    expect((await events((await leo.start()).conversationId, leo.headers)).status).toBe(200);

    a.close();
    await expect.poll(async () => {
      const again = await events(id, client.headers);
      again.close();
      return again.status;
    }).toBe(200);
  });
});

describe('chat API: the events stream under the rate limit', () => {
  let desk: ChatDesk;
  beforeAll(async () => {
    desk = await startChatDesk({ WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '3', CHAT_RATE_PER_MINUTE: '1', CHAT_EVENTS_PER_CLIENT: '10' });
  });
  afterAll(() => desk.close());

  it('limits opening streams as it limits requests, in a bucket of their own: a reconnect loop is refused, messages still go', async () => {
    const client = chatClient(desk.url, identityHeaders(MAYA));
    const id = (await client.start()).conversationId;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const stream = await openEventStream(`${desk.url}/api/conversations/${id}/events`, client.headers);
      statuses.push(stream.status);
      stream.close();
      if (stream.status === 429) expect(stream.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The user's own requests are limited apart: the two left of the burst still go.
    await client.send(id, { text: 'my video failed' });
    await client.get(id);
    expect((await client.raw('GET', `/api/conversations/${id}`)).status).toBe(429);
  });
});
