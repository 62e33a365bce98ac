import type { Packet } from '../../src/core/support-packet.ts';
import { type SlackDesk, messageOf, startSlackDesk } from '../slack/slack-desk.ts';
import { type AccountRecords, accountRecords } from './account-records.ts';

/** A Slack desk with two verified packets posted to the triage channel: Maya's (A) and Leo's (B). */
export interface TwoPacketDesk {
  desk: SlackDesk;
  dbPath: string;
  a: { packet: Packet; ts: string; records: AccountRecords };
  b: { packet: Packet; ts: string; records: AccountRecords };
}

export async function startTwoPacketDesk(): Promise<TwoPacketDesk> {
  const desk = await startSlackDesk();
  const packetA = await desk.fileMaya();
  // Leo's report about his own failed image run (charged and refunded already): his prompt and error are in it.
  const { packet: packetB } = await desk.deps.packets.file({
    channel: 'email',
    accountEmail: 'leo@example.com',
    verified: true,
    generationIds: ['gen_leo_image'],
    stepsTried: ['retry'],
    transcript: [{ from: 'user', text: 'My neon street picture failed.', at: new Date().toISOString() }],
  });
  await desk.settle();
  const dbPath = desk.deps.config.dbPath;
  return {
    desk,
    dbPath,
    a: { packet: packetA, ts: messageOf(desk.slack, packetA.ref).ts, records: accountRecords(dbPath, 'acc_maya') },
    b: { packet: packetB, ts: messageOf(desk.slack, packetB.ref).ts, records: accountRecords(dbPath, 'acc_leo') },
  };
}

/** Web API calls that put something in front of people (posts, updates, ephemeral notes, modals). */
export function visibleCalls(desk: SlackDesk) {
  return desk.slack.calls.filter((c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'views.open'].includes(c.method));
}
