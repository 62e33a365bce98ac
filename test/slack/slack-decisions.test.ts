import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { refundKey } from '../../src/core/refund-outstanding.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { OTHER_STAFF, STAFF, buttonClick } from './slack-payloads.ts';
import { type SlackDesk, TRIAGE_CHANNEL, messageOf, startSlackDesk, textOf } from './slack-desk.ts';

describe('decisions from the triage message: approve, assign, resolve', () => {
  let desk: SlackDesk;
  let packet: Packet;
  let ts: string;

  beforeEach(async () => {
    desk = await startSlackDesk();
    ({ packet, ts } = await desk.postMaya());
  });
  afterEach(() => desk.close());

  const click = (actionId: string, user = STAFF) => desk.post(buttonClick({ actionId, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user }));

  async function refundsOf(generationId: string) {
    const { entries } = await desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
    return entries.filter((e) => e.type === 'refund' && e.generationId === generationId);
  }
  const auditOf = async (action: string) => (await desk.deps.store.listAudit(packet.ref)).filter((a) => a.action === action);
  const ephemeralTexts = () => desk.slack.callsOf('chat.postEphemeral').map((c) => String(c.args.text));

  it('approves the refund: issued through the platform, audited with who and the evidence, message updated, user told', async () => {
    const response = await click(ActionId.approve);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await desk.settle();

    const refunds = await refundsOf('gen_maya_video');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.amount).toBe(40);
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('refunded');

    const [entry, ...more] = await auditOf('refund.approved');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      actor: 'slack:U0STAFF1',
      evidence: {
        staff: { id: 'U0STAFF1', name: 'Maria' },
        amount: 40,
        ledgerEntries: [{ generationId: 'gen_maya_video', amount: 40 }],
        findingsAsFiled: { refundDue: 40 },
        findingsAtApproval: { refundDue: 40 },
      },
    });

    const message = messageOf(desk.slack, packet.ref);
    expect(message.blocks[0]).toMatchObject({ text: { text: `${packet.ref} · Refunded` } });
    expect(textOf(message.blocks)).toMatch(/Refund of 40 credits approved by <@U0STAFF1> · \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(textOf(message.blocks)).not.toContain('Approve refund');

    // An email report: the user is told by email, in the outbox, signed by the member of staff.
    const notice = (await desk.deps.store.listOutbox({ packetRef: packet.ref })).find((r) => r.kind === 'email.reply');
    expect(notice).toMatchObject({ destination: 'maya@example.com', payload: { topic: 'refund', from: 'Maria' } });
    expect(JSON.stringify(notice?.payload)).toContain('refunded 40 credits');
    expect(ephemeralTexts()).toEqual([`Refunded 40 credits on ${packet.ref}.`]);
  });

  it('has one effect for a double click: one refund, one audit entry', async () => {
    const answers = await Promise.all([click(ActionId.approve), click(ActionId.approve)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await desk.settle();
    // And a third click, after the first one's effect.
    await click(ActionId.approve);
    await desk.settle();

    expect(await refundsOf('gen_maya_video')).toHaveLength(1);
    expect(await auditOf('refund.approved')).toHaveLength(1);
    expect((await desk.deps.store.listOutbox({ packetRef: packet.ref })).filter((r) => r.kind === 'email.reply')).toHaveLength(1);
    const texts = ephemeralTexts();
    expect(texts.filter((t) => t.startsWith('Refunded 40'))).toHaveLength(1);
    expect(texts.filter((t) => /Already done|refunded already/.test(t))).toHaveLength(2);
  });

  it('never pays twice when the platform already has the refund under the same key (an automatic refund)', async () => {
    await desk.deps.platform.issueRefund(
      'acc_maya',
      { generationId: 'gen_maya_video', amount: 40, reason: 'Automatic refund' },
      refundKey('gen_maya_video'),
    );
    await click(ActionId.approve);
    await desk.settle();
    expect(await refundsOf('gen_maya_video')).toHaveLength(1);
    expect(await auditOf('refund.approved')).toHaveLength(0);
    expect(ephemeralTexts()[0]).toMatch(/Nothing is outstanding/);
  });

  it('assigns to whoever clicks, once per click; shows the assignee on the message', async () => {
    await Promise.all([click(ActionId.assign), click(ActionId.assign)]);
    await desk.settle();
    expect(await auditOf('packet.assigned')).toHaveLength(1);
    expect(textOf(messageOf(desk.slack, packet.ref).blocks)).toContain('Open · assigned to <@U0STAFF1>');

    await click(ActionId.assign);
    await desk.settle();
    expect(await auditOf('packet.assigned')).toHaveLength(1);
    expect(ephemeralTexts().at(-1)).toMatch(/assigned to you already/);

    await click(ActionId.assign, OTHER_STAFF);
    await desk.settle();
    const assigned = await auditOf('packet.assigned');
    expect(assigned.map((a) => a.actor)).toEqual(['slack:U0STAFF1', 'slack:U0STAFF2']);
    expect(assigned[1]?.evidence).toMatchObject({ previousAssignee: { id: 'U0STAFF1' } });
    expect(textOf(messageOf(desk.slack, packet.ref).blocks)).toContain('assigned to <@U0STAFF2>');
  });

  it('resolves: closed, buttons gone, the user told; a second Resolve changes nothing', async () => {
    await click(ActionId.resolve);
    await desk.settle();
    await click(ActionId.resolve);
    await desk.settle();
    expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('resolved');
    expect(await auditOf('packet.resolved')).toHaveLength(1);
    const blocks = messageOf(desk.slack, packet.ref).blocks;
    expect(blocks.some((b) => typeof b === 'object' && b !== null && 'type' in b && b.type === 'actions')).toBe(false);
    const notices = (await desk.deps.store.listOutbox({ packetRef: packet.ref })).filter((r) => r.kind === 'email.reply');
    expect(notices.map((n) => (n.payload as { topic: string }).topic)).toEqual(['resolved']);
    expect(ephemeralTexts().at(-1)).toMatch(/resolved already/);
  });
});
