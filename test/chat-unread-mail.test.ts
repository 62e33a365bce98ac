import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Packet } from '../src/core/support-packet.ts';
import { type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, startChatDesk } from './support/chat-desk.ts';
import { openEventStream } from './support/event-stream.ts';
import { samplePacket } from './support/sample-packet.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

/*
 * A staff reply written into the help widget that the user's widget has not been given (fetched
 * or streamed) 10 minutes later is mailed to the verified user, once: the real desk, its outbox
 * relay, nodemailer and a real SMTP server, with the desk's clock moved by the test.
 */

const MAYA = 'maya@example.com';
const T0 = Date.parse('2026-12-06T09:00:00Z');
const MINUTE = 60_000;

describe('a staff reply unread in the widget after 10 minutes', () => {
  let desk: ChatDesk;
  let sink: SmtpSink;
  let now = T0;

  beforeEach(async () => {
    now = T0;
    sink = await startSmtpSink();
    desk = await startChatDesk(
      { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, SMTP_URL: sink.url, SUPPORT_FROM: 'support@prismposter.test', CHAT_EVENTS_POLL_MS: '50' },
      { now: () => now },
    );
  });
  afterEach(async () => {
    await desk.close();
    await sink.close();
  });

  /** Maya's widget conversation that handed off a packet, as the flow leaves it. */
  async function handedOff(ref: string, owner: string | null = MAYA): Promise<{ packet: Packet; conversationId: string }> {
    const packet = samplePacket({ ref, accountEmail: owner, verified: owner !== null });
    await desk.deps.store.savePacket(packet, { outbox: [], audit: [], now });
    const conversationId = `conv_${ref}`;
    await desk.deps.store.createConversation(
      {
        id: conversationId, channel: 'widget', ownerEmail: owner, ownerToken: null, state: 'handed_off', snapshot: {},
        packetRef: ref, version: 0, createdAt: now, updatedAt: now, expiresAt: now + 24 * 60 * MINUTE,
      },
      [{ id: `m0_${ref}`, from: 'bot', text: `Sent! Your reference is ${ref}`, at: now }],
    );
    return { packet, conversationId };
  }

  const reply = (packet: Packet, text: string) => desk.deps.notifier.notify(packet, { topic: 'reply', text, from: 'Dana', key: text });
  const unreadRows = async () => (await desk.deps.store.listOutbox()).filter((r) => r.kind === 'email.unread');

  it('is mailed once, after 10 minutes and not before, with the staff member’s words and name', async () => {
    const { packet } = await handedOff('PKT-UNREAD1');
    expect(await reply(packet, 'We refunded the 40 credits.')).toBe('widget');

    now = T0 + 9 * MINUTE;
    await desk.deps.relay.runOnce();
    expect(sink.received).toHaveLength(0);

    now = T0 + 10 * MINUTE;
    await desk.deps.relay.runOnce();
    const [mail] = await sink.waitFor(1);
    expect(mail?.to).toEqual([MAYA]);
    expect(mail?.parsed.subject).toBe('[PKT-UNREAD1] About your request');
    expect(mail?.parsed.text).toContain('We refunded the 40 credits.');
    expect(mail?.parsed.text).toContain('Dana, PrismPoster Support');

    // Once: later runs send nothing more.
    now = T0 + 60 * MINUTE;
    await desk.deps.relay.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received).toHaveLength(1);
    expect(await unreadRows()).toMatchObject([{ status: 'delivered' }]);
  });

  it('is not mailed when the widget fetched it, or streamed it, in time', async () => {
    const maya = chatClient(desk.url, identityHeaders(MAYA));
    const fetched = await handedOff('PKT-UNREAD2');
    await reply(fetched.packet, 'Fetched by the widget.');
    await maya.get(fetched.conversationId);

    const streamed = await handedOff('PKT-UNREAD3');
    const stream = await openEventStream(`${desk.url}/api/conversations/${streamed.conversationId}/events`, maya.headers);
    await reply(streamed.packet, 'Streamed to the widget.');
    await stream.until((s) => s.events.length === 1);
    await expect.poll(async () => (await desk.deps.store.listMessages(streamed.conversationId)).length).toBe(2);
    stream.close();

    now = T0 + 11 * MINUTE;
    await desk.deps.relay.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received).toHaveLength(0);
    // Settled, never to be tried again.
    expect((await unreadRows()).map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });

  it('is never mailed to an anonymous user (no verified address)', async () => {
    const { packet } = await handedOff('PKT-UNREAD4', null);
    expect(await reply(packet, 'Hello?')).toBe('widget');
    expect(await unreadRows()).toEqual([]);
  });
});
