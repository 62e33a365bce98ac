import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { createStaffAuth } from '../../src/console/staff-auth.ts';
import { newId } from '../../src/core/ids.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { buttonClick } from '../slack/slack-payloads.ts';
import { type SlackDesk, TRIAGE_CHANNEL, messageOf, startSlackDesk, textOf } from '../slack/slack-desk.ts';
import { type ServedApp, serveApp } from '../support/serve-app.ts';
import { consoleClient, csrfOf } from './console-client.ts';

/*
 * Slack and the console decide through one triage service: a decision in one shows in the other,
 * and a decision made in the console is not made again from Slack (one effect, one audit entry).
 * Slack's requests are signed the real way; its Web API is the local stand-in.
 */

let desk: SlackDesk;
let served: ServedApp;
let packet: Packet;
let ts: string;

beforeAll(async () => {
  desk = await startSlackDesk();
  served = await serveApp(desk.app);
  ({ packet, ts } = await desk.postMaya());
}, 60_000);

afterAll(async () => {
  await served?.close();
  await desk?.close();
});

async function signedIn() {
  const auth = createStaffAuth({ staff: desk.deps.staffStore, now: desk.deps.now, newId });
  const { staff } = await auth.addStaff('Lea Stone', 'lea@prismposter.test');
  const { url } = await auth.issueSignInLink(staff.id, served.url);
  const lea = consoleClient(served.url);
  expect((await lea.signIn(url)).status).toBe(303);
  return lea;
}

const click = async (actionId: string) => {
  const response = await desk.post(buttonClick({ actionId, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts }));
  expect(response.status).toBe(200);
  await desk.settle();
};
const auditOf = async (action: string) => (await desk.deps.store.listAudit(packet.ref)).filter((a) => a.action === action);
const ephemeral = () => desk.slack.callsOf('chat.postEphemeral').map((c) => String(c.args.text));

it('shows in the console what was decided in Slack, and Slack refuses what the console decided already', async () => {
  const lea = await signedIn();

  // Slack: Maria assigns it to herself. The console shows it, with her name, in its trail.
  await click(ActionId.assign);
  let page = await lea.get(`/desk/packets/${packet.ref}`);
  expect(page.html).toContain('Open · assigned to Maria');
  expect(page.html).toMatch(/<td>Maria \(Slack\)<\/td><td>Assigned<\/td>/);

  // The console: Lea approves the refund.
  page = await lea.post(`/desk/packets/${packet.ref}/approve`, { csrf: csrfOf(page.html) });
  expect(page.status).toBe(200);
  expect(page.html).toContain(`Refunded 40 credits on ${packet.ref}.`);
  await desk.settle();
  // Slack's message is updated from the console's decision.
  expect(textOf(messageOf(desk.slack, packet.ref).blocks)).toMatch(/Refund of 40 credits approved by Lea Stone \(console\) · /);
  expect(textOf(messageOf(desk.slack, packet.ref).blocks)).not.toContain('Approve refund');

  // Slack's Approve (an old message, a stale click): refused, nothing paid twice.
  await click(ActionId.approve);
  expect(ephemeral().at(-1)).toBe(`${packet.ref} is refunded already.`);
  expect(await auditOf('refund.approved')).toHaveLength(1);
  const { entries } = await desk.deps.platform.listLedger('acc_maya', { since: 0, until: Date.now() + 60_000 });
  expect(entries.filter((e) => e.type === 'refund')).toHaveLength(1);

  // The console resolves; Slack's Resolve then changes nothing.
  page = await lea.get(`/desk/packets/${packet.ref}`);
  page = await lea.post(`/desk/packets/${packet.ref}/resolve`, { csrf: csrfOf(page.html) });
  expect(page.html).toContain(`${packet.ref} is resolved.`);
  await click(ActionId.resolve);
  expect(ephemeral().at(-1)).toBe(`${packet.ref} is resolved already.`);
  expect(await auditOf('packet.resolved')).toEqual([expect.objectContaining({ actor: expect.stringMatching(/^desk:stf_/) })]);

  // And the console again: refused as well, saying why.
  page = await lea.post(`/desk/packets/${packet.ref}/resolve`, { csrf: csrfOf(page.html) });
  expect(page.status).toBe(409);
  expect(page.html).toContain(`Nothing was done: ${packet.ref} is resolved already.`);
  expect(await auditOf('packet.resolved')).toHaveLength(1);
}, 60_000);
