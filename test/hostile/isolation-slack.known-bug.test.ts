import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { TRIAGE_CHANNEL } from '../slack/slack-desk.ts';
import { buttonClick } from '../slack/slack-payloads.ts';
import { leakedMarkers } from './account-records.ts';
import { type TwoPacketDesk, startTwoPacketDesk } from './slack-two-packets.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * KNOWN BUG (kept failing on purpose with `it.fails`, so that main stays green; when it is fixed,
 * these tests fail and must become plain `it`s in isolation-slack.test.ts).
 *
 * A triage button's click carries the packet ref as the button's `value`, and the payload also says
 * which message was clicked (`container.message_ts`, `message.ts`, `channel`). The desk acts on the
 * `value` alone: a click on Leo's (B's) triage message whose value names Maya's (A's) packet
 * approves Maya's refund, assigns or resolves Maya's packet, and the note to the clicker names
 * Maya's packet.
 *
 * Input: a signed `block_actions` payload with `container.message_ts` = B's triage message and
 * `actions[0].value` = A's ref (action `triage.approve`).
 * Observed: A's refund of 40 credits is issued, A is marked refunded, the note says
 * "Refunded 40 credits on PKT-A…".
 * Expected: a click acts only on the packet of the message it was made on (the triage store knows
 * each packet's message: `slack_messages`, `packetOfThread(channel, ts)`); a mismatch is refused and
 * changes nothing.
 * At fault: adapters/slack/slack-listeners.ts (the decision listeners pass `action.value` and drop
 * `body.container`/`body.message`), adapters/slack/triage-handlers.ts (`ButtonClick` has no message
 * to check the ref against).
 * Severity: low for now: Slack signs the payload and the value is the one our own button carries,
 * so only someone holding the signing secret can send the mismatch; but nothing in the desk checks it.
 */
describe('KNOWN BUG: a click on one packet’s triage message acts on the ref its payload names', () => {
  let t: TwoPacketDesk;

  beforeAll(async () => {
    t = await startTwoPacketDesk();
  });
  afterAll(() => t?.desk.close());

  it.fails("a click on B's message carrying A's ref changes neither packet and shows nothing of A", async () => {
    const before = snapshotStore(t.dbPath);
    for (const actionId of [ActionId.approve, ActionId.assign, ActionId.resolve]) {
      await t.desk.post(buttonClick({ actionId, ref: t.a.packet.ref, channel: TRIAGE_CHANNEL, messageTs: t.b.ts }));
      await t.desk.settle();
    }
    const notes = t.desk.slack.callsOf('chat.postEphemeral').map((c) => c.args.text);
    expect(leakedMarkers(notes, t.a.records)).toEqual([]);
    const { entries } = await t.desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
    expect(entries.filter((e) => e.type === 'refund')).toEqual([]);
    expect(storeChanges(before, snapshotStore(t.dbPath))).toEqual([]);
  });
});
