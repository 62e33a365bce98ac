import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { askSubmission, buttonClick, threadMessage } from './slack-payloads.ts';
import { type SlackDesk, TRIAGE_CHANNEL, messageOf, startSlackDesk, textOf } from './slack-desk.ts';

/*
 * What reaches the user from Slack: a question from the "Ask for info" modal, a thread reply that
 * starts with `reply:`. The packet came from the help widget and its conversation is still kept,
 * so the user reads both there.
 */
describe('asking the user and replying from a thread', () => {
  let desk: SlackDesk;
  let packet: Packet;
  let ts: string;
  const conversationId = 'conv_slack_1';

  beforeEach(async () => {
    desk = await startSlackDesk();
    packet = await desk.fileMaya({ channel: 'widget' });
    const now = Date.now();
    await desk.deps.store.createConversation(
      {
        id: conversationId, channel: 'widget', ownerEmail: 'maya@example.com', ownerToken: null, state: 'handedOff',
        snapshot: {}, packetRef: packet.ref, version: 0, createdAt: now, updatedAt: now, expiresAt: now + 60 * 60 * 1000,
      },
      [{ id: 'm0', from: 'user', text: 'my video failed', at: now }],
    );
    await desk.settle();
    ts = messageOf(desk.slack, packet.ref).ts;
  });
  afterEach(() => desk.close());

  const agentMessages = async () => (await desk.deps.store.listMessages(conversationId)).filter((m) => m.from === 'agent').map((m) => m.text);
  const auditOf = async (action: string) => (await desk.deps.store.listAudit(packet.ref)).filter((a) => a.action === action);

  it('opens the modal, and the submitted question reaches the user; the packet waits for them', async () => {
    const clicked = await desk.post(buttonClick({ actionId: ActionId.ask, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts }));
    expect(clicked.status).toBe(200);
    await desk.settle();
    const [open] = desk.slack.callsOf('views.open');
    expect(open?.args.trigger_id).toMatch(/^\d+\.T0PRISM\./);
    const view = open?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('triage.ask_modal');
    expect(JSON.parse(view.private_metadata)).toEqual({ ref: packet.ref, channel: TRIAGE_CHANNEL });

    const question = 'Did it fail on the 8-second or the 4-second setting? <!channel>';
    const submitted = await desk.post(askSubmission({ viewId: 'V0ASK1', privateMetadata: view.private_metadata, question }));
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe(''); // an empty ack closes the modal
    await desk.settle();

    expect(await agentMessages()).toEqual([`Maria: ${question}\n\n(About your case ${packet.ref}.)`]);
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('needs_info');
    const [asked] = await auditOf('info.requested');
    expect(asked).toMatchObject({ actor: 'slack:U0STAFF1', evidence: { question, previousStatus: 'open' } });
    expect(textOf(messageOf(desk.slack, packet.ref).blocks)).toContain('Waiting for the user');

    // The same submission again (a double submit): one question.
    await desk.post(askSubmission({ viewId: 'V0ASK1', privateMetadata: view.private_metadata, question }));
    await desk.settle();
    expect(await agentMessages()).toHaveLength(1);
    expect(await auditOf('info.requested')).toHaveLength(1);
  });

  it('keeps the modal open with an error when the question is empty, and changes nothing', async () => {
    const metadata = JSON.stringify({ ref: packet.ref, channel: TRIAGE_CHANNEL });
    const submitted = await desk.post(askSubmission({ viewId: 'V0ASK2', privateMetadata: metadata, question: '   ' }));
    expect(await submitted.json()).toEqual({ response_action: 'errors', errors: { question: 'Write the question for the user.' } });
    await desk.settle();
    expect(await auditOf('info.requested')).toHaveLength(0);
  });

  it('sends a thread reply starting with `reply:` to the user once, however often Slack delivers it', async () => {
    const reply = threadMessage({
      channel: TRIAGE_CHANNEL, threadTs: ts, ts: '1700000500.000100',
      text: 'reply: We refunded it &amp; fixed the queue, see <https://status.prism.test|the status page>',
    });
    expect((await desk.post(reply)).status).toBe(200);
    await desk.settle();
    // Slack did not see the ack in time and sends it again, marked as a retry.
    expect((await desk.post(reply, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200);
    await desk.settle();

    expect(await agentMessages()).toEqual(['Maria: We refunded it & fixed the queue, see the status page (https://status.prism.test)']);
    const replies = await auditOf('reply.sent');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.evidence).toMatchObject({ text: 'We refunded it & fixed the queue, see the status page (https://status.prism.test)' });
    const notes = desk.slack.callsOf('chat.postEphemeral');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.args).toMatchObject({ channel: TRIAGE_CHANNEL, user: 'U0STAFF1', thread_ts: ts });
  });

  it('keeps other thread messages internal: nothing reaches the user, nothing is audited', async () => {
    for (const text of ['I think this is the 4k queue again', 'Reply later: checking with infra', 'replying: no']) {
      await desk.post(threadMessage({ channel: TRIAGE_CHANNEL, threadTs: ts, ts: `17000006${text.length}.000100`, text }));
    }
    // An edit of a message arrives with a subtype: not a new reply either.
    await desk.post({
      contentType: 'application/json',
      body: JSON.stringify({
        type: 'event_callback', team_id: 'T0PRISM', api_app_id: 'A0PRISM', event_id: 'Ev0EDIT', event_time: 1,
        event: { type: 'message', subtype: 'message_changed', channel: TRIAGE_CHANNEL, ts: '1700000700.000100', hidden: true,
          message: { type: 'message', user: 'U0STAFF1', text: 'reply: edited', ts: '1700000600.000100', thread_ts: ts } },
      }),
    });
    await desk.settle();
    expect(await agentMessages()).toEqual([]);
    expect(await auditOf('reply.sent')).toHaveLength(0);
    expect(desk.slack.callsOf('chat.postEphemeral')).toHaveLength(0);
  });
});
