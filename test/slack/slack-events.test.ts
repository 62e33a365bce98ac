import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { STAFF, buttonClick, slashCommand, threadMessage, urlVerification } from './slack-payloads.ts';
import { sign } from './slack-signing.ts';
import { SIGNING_SECRET, type SlackDesk, TRIAGE_CHANNEL, startSlackDesk } from './slack-desk.ts';

describe('POST /slack/events: verification and acknowledgement', () => {
  let desk: SlackDesk;
  let packet: Packet;
  let ts: string;

  beforeAll(async () => {
    desk = await startSlackDesk();
    ({ packet, ts } = await desk.postMaya());
  });
  afterAll(() => desk.close());

  const approve = () =>
    buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, label: 'Approve refund (40 credits)' });

  /** Nothing ran: no Slack call after the first post, no audit entry, no refund. */
  async function expectNothingRan(callsBefore: number) {
    await desk.settle();
    expect(desk.slack.calls.length).toBe(callsBefore);
    const audit = await desk.deps.store.listAudit(packet.ref);
    expect(audit.map((a) => a.action)).toEqual(['packet.created']);
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('open');
  }

  it("answers Slack's URL check with the challenge", async () => {
    const response = await desk.post(urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('refuses a bad signature with 401, and nothing runs', async () => {
    const before = desk.slack.calls.length;
    const response = await desk.post(approve(), { secret: 'not-the-signing-secret' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    await expectNothingRan(before);
  });

  it('refuses a body changed after signing (the signature is over the raw bytes), and nothing runs', async () => {
    const before = desk.slack.calls.length;
    const click = approve();
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await desk.app.request('/slack/events', {
      method: 'POST',
      headers: {
        'content-type': click.contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sign(SIGNING_SECRET, timestamp, click.body),
      },
      // The same click, re-encoded with a space where Slack sent `+`: same meaning, other bytes.
      body: click.body.replaceAll('+', '%20'),
    });
    expect(click.body).toContain('+');
    expect(response.status).toBe(401);
    await expectNothingRan(before);
  });

  it('refuses a stale timestamp and one from the future (5 minutes, both ways), and nothing runs', async () => {
    const before = desk.slack.calls.length;
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301, now - 3600]) {
      const response = await desk.post(slashCommand(`packet ${packet.ref}`, desk.slack.responseUrl('stale')), { timestamp });
      expect(response.status, `timestamp ${timestamp - now}s`).toBe(401);
    }
    const missing = await desk.app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'command=%2Fprism&text=lookup+maya%40example.com',
    });
    expect(missing.status).toBe(401);
    await desk.settle();
    expect(desk.slack.calls.length).toBe(before);
    expect(desk.slack.responses).toHaveLength(0);
  });

  it('accepts a timestamp just inside the window', async () => {
    const response = await desk.post(slashCommand('help', desk.slack.responseUrl('edge')), { timestamp: Math.floor(Date.now() / 1000) - 290 });
    expect(response.status).toBe(200);
    await desk.settle();
    expect(desk.slack.responses.at(-1)?.path).toBe('/response/edge');
  });

  it("answers Slack's certificate check without running anything", async () => {
    const response = await desk.app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=legacy',
    });
    expect(response.status).toBe(200);
  });

  it('acknowledges at once and does the slow work after the ack', async () => {
    // users.info hangs (up to the client's timeout) before the decision: the ack must not wait for it.
    desk.slack.fail('users.info', { kind: 'hang' }, 1);
    const started = performance.now();
    const response = await desk.post(buttonClick({ actionId: ActionId.assign, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user: STAFF }));
    const ackMs = performance.now() - started;
    expect(response.status).toBe(200);
    expect(ackMs).toBeLessThan(1000);
    await desk.settle();
    const audit = await desk.deps.store.listAudit(packet.ref);
    expect(audit.filter((a) => a.action === 'packet.assigned')).toHaveLength(1);
  });

  it('answers a thread message in a channel it does not know with 200 and does nothing', async () => {
    const before = desk.slack.calls.length;
    const response = await desk.post(threadMessage({ channel: 'C0OTHER', threadTs: '1.000001', ts: '1.000002', text: 'reply: hello' }));
    expect(response.status).toBe(200);
    await desk.settle();
    expect(desk.slack.calls.slice(before).map((c) => c.method)).not.toContain('chat.postEphemeral');
  });
});
