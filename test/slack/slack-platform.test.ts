import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { demoData } from '../../src/demo/demo-data.ts';
import { type PlatformHttpServer, startPlatformHttpServer } from '../support/platform-http-server.ts';
import { buttonClick } from './slack-payloads.ts';
import { type SlackDesk, TRIAGE_CHANNEL, startSlackDesk } from './slack-desk.ts';

const PLATFORM_TOKEN = 'platform-test-token';

/*
 * The same decisions against the platform over HTTP (platform-data.md): every platform call is a
 * real round trip, so two clicks really do run side by side, and the platform can go down.
 */
describe('approving a refund against the platform over HTTP', () => {
  let platform: PlatformHttpServer;
  let desk: SlackDesk;
  let packet: Packet;
  let ts: string;

  beforeEach(async () => {
    const { accounts, generations, ledger } = demoData(Date.now());
    platform = await startPlatformHttpServer({ fixture: { accounts, generations, ledger }, token: PLATFORM_TOKEN });
    desk = await startSlackDesk({ PLATFORM_API_URL: platform.url, PLATFORM_API_TOKEN: PLATFORM_TOKEN, PLATFORM_API_TIMEOUT_MS: '1000' });
    ({ packet, ts } = await desk.postMaya());
  });
  afterEach(async () => {
    await desk.close();
    await platform.close();
  });

  const click = () => desk.post(buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts }));
  const refundPosts = () => platform.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/refunds'));
  const approvals = async () => (await desk.deps.store.listAudit(packet.ref)).filter((a) => a.action === 'refund.approved');

  it('has one effect for five clicks at once: one refund request, one audit entry, one notice', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, click));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await desk.settle();
    expect(refundPosts()).toHaveLength(1);
    // The run's key, whichever packet asks (an automatic refund of another packet uses it too).
    expect(refundPosts()[0]?.headers['idempotency-key']).toBe('refund:gen_maya_video');
    expect(await approvals()).toHaveLength(1);
    const notices = (await desk.deps.store.listOutbox({ packetRef: packet.ref })).filter((r) => r.kind === 'email.reply');
    expect(notices).toHaveLength(1);
  });

  it('changes nothing while the platform is down, says so, and the same click works once it is back', async () => {
    platform.setMode('fail500');
    await click();
    await desk.settle();
    expect(await approvals()).toHaveLength(0);
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('open');
    const told = desk.slack.callsOf('chat.postEphemeral').map((c) => String(c.args.text));
    expect(told.at(-1)).toMatch(/did not work/);

    platform.setMode('ok');
    await click();
    await desk.settle();
    expect(await approvals()).toHaveLength(1);
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('refunded');
  });
});
