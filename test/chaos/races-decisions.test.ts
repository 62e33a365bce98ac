import { describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import { type SlackDesk, TRIAGE_CHANNEL, startSlackDesk } from '../slack/slack-desk.ts';
import { OTHER_STAFF, STAFF, buttonClick } from '../slack/slack-payloads.ts';
import { WIDGET_SECRET, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import type { PlatformHttpServer } from '../support/platform-http-server.ts';
import { type SharedDesk, auditActions, noticeTopics, platformEnv, refundsOf, repeat, scalar, sendTo, startDemoPlatform, startSharedDesks, turnOf } from './race-helpers.ts';

/*
 * Decisions racing on one packet, with the platform over HTTP so that the slow part (the approval's
 * reconciliation) really interleaves. Found as bugs by the race tests; fixed by deciding one
 * decision per packet at a time (src/triage/decide.ts). The notes below say what used to happen.
 */

const ROUNDS = 6;

/** Maya's packet (40 credits due) filed and posted, on a desk whose platform is the HTTP stand-in. */
async function deskWithPacket(): Promise<{ platform: PlatformHttpServer; desk: SlackDesk; ref: string; click: (action: string, user: typeof STAFF) => Promise<Response> }> {
  const platform = await startDemoPlatform();
  const desk = await startSlackDesk(platformEnv(platform));
  const { packet, ts } = await desk.postMaya();
  const click = (actionId: string, user: typeof STAFF) => desk.post(buttonClick({ actionId, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user }));
  return { platform, desk, ref: packet.ref, click };
}

async function settle(desk: SlackDesk): Promise<void> {
  await desk.channel.settled();
  await desk.deps.relay.runOnce();
  await desk.deps.relay.runOnce();
}

/*
 * Was (bug 1): Approve racing Resolve pays out on a closed case and reopens it as "refunded".
 *
 * Input: the platform over HTTP (PLATFORM_API_URL), Maya's packet (40 credits due) posted to Slack;
 * staff A clicks *Approve refund* and staff B clicks *Resolve* on it at the same moment (signed
 * block_actions, Approve first).
 * Observed (about 17 rounds in 18): Resolve is applied while the approval is still reconciling over HTTP — the
 * packet is `resolved` and the user is emailed "We have closed your case" — then the approval, which
 * checked the packet while it was still open, issues the 40 credits and writes the packet back as
 * `refunded`. Audit: packet.created, packet.resolved, refund.approved; notices: resolved, refund;
 * final status `refunded` (the closed case is open again in Slack's Status field).
 * Expected: one of the two serial histories: refunded then resolved (status `resolved`), or resolved
 * with the approval refused ("… is resolved; nothing is refunded from a closed case") and no refund.
 * At fault: src/triage/decide.ts, `decide()`: the packet is read and checked (lines 66–69) before
 * the plan runs (line 78, slow: the platform round trips of planRefund in
 * src/triage/approve-refund.ts), and the plan's packet is written back unconditionally (line 84,
 * `savePacket`, an upsert in adapters/db/drizzle-support-store.ts line 234) without checking that the
 * packet is still in the state the decision was checked against. Two decisions of different kinds
 * have different claim keys (line 72), so nothing else keeps them apart. With the embedded platform
 * the same interleaving needs two server processes on one SQLite file.
 */
describe('Approve racing Resolve (platform over HTTP): one of the two serial histories', () => {
  it(`ends in one of the two serial histories (${ROUNDS} rounds, Approve clicked first)`, async () => {
    const histories: string[] = [];
    await repeat(ROUNDS, async () => {
      const { platform, desk, ref, click } = await deskWithPacket();
      try {
        await Promise.all([click(ActionId.approve, STAFF), click(ActionId.resolve, OTHER_STAFF)]);
        await settle(desk);
        const { refunds } = await refundsOf(desk.deps, 'acc_maya', 'gen_maya_video');
        histories.push(
          JSON.stringify({
            status: (await desk.deps.store.getPacket(ref))?.status,
            refunds: refunds.length,
            audit: await auditActions(desk.deps, ref),
            notices: await noticeTopics(desk.deps, ref),
          }),
        );
      } finally {
        await desk.close();
        await platform.close();
      }
    });
    const serial = [
      JSON.stringify({ status: 'resolved', refunds: 1, audit: ['packet.created', 'refund.approved', 'packet.resolved'], notices: ['refund', 'resolved'] }),
      JSON.stringify({ status: 'resolved', refunds: 0, audit: ['packet.created', 'packet.resolved'], notices: ['resolved'] }),
    ];
    expect(histories.filter((h) => !serial.includes(h))).toEqual([]);
  });
});

/*
 * Was (bug 2): Two Approve clicks with an Assign between them: the approval is audited twice and the user
 * is told twice.
 *
 * Input: the platform over HTTP, Maya's packet posted; at the same moment staff A clicks *Approve
 * refund*, staff B *Assign to me* and staff B *Approve refund* (signed block_actions, in that order).
 * Observed (about 5 rounds in 6): two `refund.approved` audit entries, two refund POSTs to the platform (its
 * idempotency key keeps the ledger at one refund of 40), two "We have refunded 40 credits" emails
 * queued to the user (`email.reply`, topic refund, two dedupe keys), two "Refunded 40 credits" notes.
 * Expected: one approval — one audit entry, one notice; the second click told "Already done" or
 * "refunded already".
 * At fault: src/triage/decide.ts line 72: a decision's once-key is `action:ref:<id of the packet's
 * last audit entry>`. The Assign writes an audit entry between the two approvals' reads, so they get
 * different keys and both claim; the refusal (line 69) read the packet while still `open`, and
 * planRefund (src/triage/approve-refund.ts line 43) reconciles before either refund reached the
 * platform, so both plan and both write (line 84: the audit entry, with `audited: false` over HTTP)
 * and both notify (line 104, keyed by the decision key).
 */
describe('Approve, Assign and Approve at once (platform over HTTP): one refund audited, one notice', () => {
  it(`has one refund.approved entry and one refund notice (${ROUNDS} rounds)`, async () => {
    const seen: { approvals: number; notices: string[]; refunds: number }[] = [];
    await repeat(ROUNDS, async () => {
      const { platform, desk, ref, click } = await deskWithPacket();
      try {
        await Promise.all([click(ActionId.approve, STAFF), click(ActionId.assign, OTHER_STAFF), click(ActionId.approve, OTHER_STAFF)]);
        await settle(desk);
        const { refunds } = await refundsOf(desk.deps, 'acc_maya', 'gen_maya_video');
        seen.push({
          approvals: (await auditActions(desk.deps, ref)).filter((a) => a === 'refund.approved').length,
          notices: await noticeTopics(desk.deps, ref),
          refunds: refunds.length,
        });
      } finally {
        await desk.close();
        await platform.close();
      }
    });
    // The money is right (the platform's idempotency key) …
    expect(seen.map((s) => s.refunds)).toEqual(seen.map(() => 1));
    // … the audit log and the user's mailbox are not.
    expect(seen).toEqual(seen.map(() => ({ approvals: 1, notices: ['refund'], refunds: 1 })));
  });
});

