import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDrizzleTriageStore } from '../../adapters/slack/drizzle-triage-store.ts';
import { createOutboxRelay } from '../../src/outbox/outbox-relay.ts';
import { type SlackDesk, TRIAGE_CHANNEL, startSlackDesk, textOf } from './slack-desk.ts';

const HOUR = 60 * 60 * 1000;

describe('packets posted to the triage channel from the outbox', () => {
  let desk: SlackDesk;
  beforeEach(async () => {
    desk = await startSlackDesk();
  });
  afterEach(() => desk.close());

  /** A relay over the desk's store and Slack deliveries, on a clock the test moves. */
  function relayAt(clock: { now: number }) {
    return createOutboxRelay({ store: desk.deps.store, handlers: desk.channel.outboxHandlers, now: () => clock.now, random: () => 0.5 });
  }

  async function slackRow(ref: string, kind = 'slack.packet') {
    const row = (await desk.deps.store.listOutbox({ packetRef: ref })).find((r) => r.kind === kind);
    if (!row) throw new Error(`no ${kind} row for ${ref}`);
    return row;
  }

  it('posts the packet in Block Kit through the real WebClient, and remembers where', async () => {
    const packet = await desk.fileMaya({
      transcript: [{ from: 'user', text: 'Help <!channel> & look at <https://evil.example|my receipt>', at: new Date().toISOString() }],
    });
    expect(await desk.deps.relay.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });

    const [post] = desk.slack.callsOf('chat.postMessage');
    expect(post?.args).toMatchObject({ channel: TRIAGE_CHANNEL, unfurl_links: 'false' });
    const blocks = post?.args.blocks;
    expect(Array.isArray(blocks) && blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `${packet.ref} · Refund due: 40 credits`, emoji: true },
    });
    const text = textOf(blocks);
    expect(text).toContain('*Account*\nmaya@example.com');
    expect(text).toContain('outstanding 40');
    expect(text).toContain('Channel: email · verified ✓');
    expect(text).toContain('Help &lt;!channel&gt; &amp; look at &lt;https://evil.example|my receipt&gt;');
    expect(text).not.toContain('<!channel>');

    const remembered = await createDrizzleTriageStore(desk.deps.sqlite).messageOf(packet.ref);
    expect(remembered).toMatchObject({ channel: TRIAGE_CHANNEL, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(await slackRow(packet.ref)).toMatchObject({ status: 'delivered', attempts: 1, externalId: `${TRIAGE_CHANNEL}/${remembered?.ts}` });
  });

  it('keeps a failed post in the outbox and delivers it later, once; never again after that', async () => {
    const packet = await desk.fileMaya();
    const clock = { now: Date.now() };
    const relay = relayAt(clock);

    desk.slack.fail('chat.postMessage', { kind: 'http500' }, 1);
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    let row = await slackRow(packet.ref);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/500/);

    // Not due yet: nothing is tried.
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });

    desk.slack.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 }, 1);
    clock.now += HOUR;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect((await slackRow(packet.ref)).lastError).toMatch(/rate limited/);

    clock.now += HOUR;
    expect(await relay.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    row = await slackRow(packet.ref);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });

    clock.now += 24 * HOUR;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    const posts = desk.slack.callsOf('chat.postMessage');
    expect(posts.map((c) => c.outcome)).toEqual(['http500', 'ratelimited', 'ok']);
  });

  it('posts once when the relay died right after Slack took the post: the retry finds it in the channel history', async () => {
    const packet = await desk.fileMaya();
    const clock = { now: Date.now() };
    // A relay claims the row and posts, then dies before recording anything (not even where the message is).
    const [claimed] = await desk.deps.store.claimOutbox(clock.now, 10, 60_000);
    if (!claimed) throw new Error('nothing claimed');
    expect(await desk.channel.outboxHandlers['slack.packet']?.(claimed)).toMatchObject({ status: 'sent' });
    desk.deps.sqlite.sqlite.prepare('DELETE FROM slack_messages').run();
    const [first] = desk.slack.callsOf('chat.postMessage');
    expect(first?.args.metadata).toEqual({ event_type: 'prism_packet_posted', event_payload: { packet_ref: packet.ref } });

    // Its lease lapses; another relay takes the row.
    clock.now += 61_000;
    expect(await relayAt(clock).runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(desk.slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(desk.slack.callsOf('conversations.history')).toHaveLength(1);
    const ts = [...desk.slack.messages.values()][0]?.ts;
    expect(await createDrizzleTriageStore(desk.deps.sqlite).messageOf(packet.ref)).toMatchObject({ channel: TRIAGE_CHANNEL, ts });
    expect(await slackRow(packet.ref)).toMatchObject({ status: 'delivered', attempts: 2, externalId: `${TRIAGE_CHANNEL}/${ts}` });
  });

  it('posts a retried row again when the history cannot be read (no history scope): a duplicate rather than a loss', async () => {
    const packet = await desk.fileMaya();
    const clock = { now: Date.now() };
    desk.slack.fail('chat.postMessage', { kind: 'http500' }, 1);
    expect(await relayAt(clock).runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    desk.slack.fail('conversations.history', { kind: 'error', error: 'missing_scope' });
    clock.now += HOUR;
    expect(await relayAt(clock).runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
    expect(desk.slack.callsOf('chat.postMessage').map((c) => c.outcome)).toEqual(['http500', 'ok']);
    expect(await slackRow(packet.ref)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('gives up on a Slack that hangs after the timeout, and delivers when it answers again', async () => {
    const packet = await desk.fileMaya();
    const clock = { now: Date.now() };
    const relay = relayAt(clock);
    desk.slack.fail('chat.postMessage', { kind: 'hang' }, 1);
    const started = performance.now();
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 1, dead: 0 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect((await slackRow(packet.ref)).lastError).toMatch(/timeout|abort/i);
    clock.now += HOUR;
    expect(await relay.runOnce()).toEqual({ delivered: 1, retrying: 0, dead: 0 });
  });

  it("keeps a post Slack refuses for good (no such channel) as dead, with Slack's reason", async () => {
    const packet = await desk.fileMaya();
    desk.slack.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    expect(await desk.deps.relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 1 });
    expect(await slackRow(packet.ref)).toMatchObject({ status: 'dead', lastError: 'slack: channel_not_found' });
  });

  it('updates the message in place when a second report joins the packet, and posts anew if it was deleted', async () => {
    const packet = await desk.fileMaya();
    await desk.deps.relay.runOnce();
    const joined = await desk.fileMaya({ transcript: [{ from: 'user', text: 'Still broken today', at: new Date().toISOString() }] });
    expect(joined.ref).toBe(packet.ref);
    await desk.deps.relay.runOnce();
    expect(desk.slack.callsOf('chat.postMessage')).toHaveLength(1);
    const [update] = desk.slack.callsOf('chat.update');
    expect(textOf(update?.args.blocks)).toContain('Still broken today');

    // Someone deleted the message in Slack: the next update posts the packet again.
    desk.slack.messages.clear();
    await desk.fileMaya({ transcript: [{ from: 'user', text: 'Third time', at: new Date().toISOString() }] });
    await desk.deps.relay.runOnce();
    expect(desk.slack.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('lets an update queued before the first post ride on that post', async () => {
    const packet = await desk.fileMaya();
    desk.slack.fail('chat.postMessage', { kind: 'http500' }, 1);
    const clock = { now: Date.now() };
    const relay = relayAt(clock);
    await relay.runOnce();
    await desk.fileMaya({ transcript: [{ from: 'user', text: 'Any news?', at: new Date().toISOString() }] });
    clock.now += HOUR;
    await relay.runOnce();
    const posts = desk.slack.callsOf('chat.postMessage').filter((c) => c.outcome === 'ok');
    expect(posts).toHaveLength(1);
    expect(textOf(posts[0]?.args.blocks)).toContain('Any news?');
    expect(desk.slack.callsOf('chat.update')).toHaveLength(0);
    expect((await desk.deps.store.listOutbox({ packetRef: packet.ref })).every((r) => r.kind.startsWith('email') || r.status === 'delivered')).toBe(true);
  });
});
