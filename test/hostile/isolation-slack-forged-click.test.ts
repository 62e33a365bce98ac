import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { TRIAGE_CHANNEL } from '../slack/slack-desk.ts';
import { buttonClick } from '../slack/slack-payloads.ts';
import { leakedMarkers } from './account-records.ts';
import { type TwoPacketDesk, startTwoPacketDesk } from './slack-two-packets.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * A triage button's click carries the packet ref as the button's `value`, and the payload also says
 * which message was clicked (`container.message_ts`). A click on Leo's (B's) triage message whose
 * value names Maya's (A's) packet — only possible with the signing secret, but nothing should take
 * its word — is refused: it changes neither packet, and the note to the clicker shows nothing of A.
 */
describe('a click on one packet’s triage message acts only on that packet', () => {
  let t: TwoPacketDesk;

  beforeAll(async () => {
    t = await startTwoPacketDesk();
  });
  afterAll(() => t?.desk.close());

  it("a click on B's message carrying A's ref changes neither packet and shows nothing of A", async () => {
    const before = snapshotStore(t.dbPath);
    for (const actionId of [ActionId.approve, ActionId.assign, ActionId.resolve]) {
      await t.desk.post(buttonClick({ actionId, ref: t.a.packet.ref, channel: TRIAGE_CHANNEL, messageTs: t.b.ts }));
      await t.desk.settle();
    }
    const notes = t.desk.slack.callsOf('chat.postEphemeral').map((c) => c.args.text);
    expect(notes).toEqual(Array(3).fill(`That button does not belong to the packet of this message (${t.b.packet.ref}); nothing was changed.`));
    expect(leakedMarkers(notes, t.a.records)).toEqual([]);
    const { entries } = await t.desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
    expect(entries.filter((e) => e.type === 'refund')).toEqual([]);
    expect(storeChanges(before, snapshotStore(t.dbPath))).toEqual([]);
  });
});
