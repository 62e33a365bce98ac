import { SELF, env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { openD1 } from '../../adapters/db/d1-database.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import { identityHash } from '../../src/chat/identity.ts';
import { newId } from '../../src/core/ids.ts';
import { type EventStreamReader, openEventStream } from '../support/event-stream.ts';
import { seedDemoD1 } from './reset-d1.ts';

/*
 * The live replies' events stream inside workerd, over D1: no state of the isolate carries a
 * message to the stream, which reads D1 (CHAT_EVENTS_POLL_MS = 100, heartbeat 500 ms here). Staff
 * replies are written to D1 as the mail Worker's notifier writes them.
 */

const BASE = 'https://desk.example';
const selfFetch = (url: string, init: RequestInit) => SELF.fetch(url, init);

async function identity(email: string) {
  return { 'x-user-email': email, 'x-user-hash': await identityHash(env.WIDGET_IDENTITY_SECRET, email) };
}

describe('the events stream on Workers (workerd + D1)', () => {
  const store = () => createDrizzleSupportStore(openD1(env.DB));
  const opened: EventStreamReader[] = [];

  beforeEach(async () => {
    for (const stream of opened.splice(0)) stream.close();
    await seedDemoD1();
  });

  async function start(headers: Record<string, string>): Promise<{ id: string; lastId: string }> {
    const response = await SELF.fetch(`${BASE}/api/conversations`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
    const body = (await response.json()) as { conversationId: string; messages: { id: string }[] };
    return { id: body.conversationId, lastId: body.messages.at(-1)?.id ?? '' };
  }

  async function events(id: string, headers: Record<string, string>) {
    const stream = await openEventStream(`${BASE}/api/conversations/${id}/events`, headers, selfFetch);
    opened.push(stream);
    return stream;
  }

  const staffReply = async (id: string, text: string) => {
    const message = { id: newId('msg'), from: 'agent' as const, text: `Maria: ${text}`, author: 'Maria', at: Date.now() };
    await store().appendMessages(id, [message]);
    return message;
  };

  it('streams a staff reply written to D1, with its name, and sends heartbeats', async () => {
    const maya = await identity('maya@example.com');
    const { id, lastId } = await start(maya);
    const stream = await events(id, maya);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.until((s) => s.ids.length > 0);
    expect(stream.ids[0]).toBe(lastId);

    const reply = await staffReply(id, 'We refunded it.');
    await stream.until((s) => s.events.length === 1);
    expect(stream.events[0]).toMatchObject({ event: 'message', id: reply.id });
    expect(JSON.parse(stream.events[0]?.data ?? '{}')).toEqual({
      id: reply.id,
      from: 'agent',
      text: 'Maria: We refunded it.',
      author: 'Maria',
      at: new Date(reply.at).toISOString(),
    });
    await expect.poll(() => store().isRead(id, reply.id)).toBe(true);

    await stream.until((s) => s.comments.filter((c) => c.text === 'heartbeat').length >= 2, 5000);
  });

  it('resumes after Last-Event-ID with what was written while away', async () => {
    const maya = await identity('maya@example.com');
    const { id } = await start(maya);
    const first = await staffReply(id, 'First.');
    const missed = [await staffReply(id, 'While away.'), await staffReply(id, 'And another.')];
    const resumed = await events(id, { ...maya, 'last-event-id': first.id });
    await resumed.until((s) => s.events.length === 2);
    expect(resumed.events.map((e) => e.id)).toEqual(missed.map((m) => m.id));
  });

  it('refuses a wrong identity (401) and another user’s conversation (404)', async () => {
    const maya = await identity('maya@example.com');
    const { id } = await start(maya);
    const forged = await events(id, { 'x-user-email': 'maya@example.com', 'x-user-hash': 'f'.repeat(64) });
    expect(forged.status).toBe(401);
    expect(forged.body).toMatchObject({ error: { code: 'unauthorized' } });
    const other = await events(id, await identity('leo@example.com'));
    expect(other.status).toBe(404);
    expect((await events(id, {})).status).toBe(404);
  });
});
