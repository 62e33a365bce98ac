import { desc, inArray } from 'drizzle-orm';
import type { DeskDb } from '../../db/desk-db.ts';
import { outbox, packets } from '../../db/schema.ts';
import { Packet } from '../../../src/core/support-packet.ts';

export interface ListedPacket {
  packet: Packet;
  /** One line for staff: ref, when, status, channel, account, refund due, and where it was sent. */
  line: string;
}

/**
 * The packets filed, newest first, each with its deliveries from the outbox (a packet of a desk
 * without Slack or mail has none: it is only here).
 */
export async function listPackets({ db }: DeskDb, limit: number): Promise<ListedPacket[]> {
  const rows = await db.select({ data: packets.data }).from(packets).orderBy(desc(packets.createdAt), desc(packets.ref)).limit(limit);
  const list = rows.map((r) => Packet.parse(r.data));
  const refs = list.map((p) => p.ref);
  const deliveries = new Map<string, string[]>();
  if (refs.length > 0) {
    const sent = await db
      .select({ ref: outbox.packetRef, kind: outbox.kind, destination: outbox.destination, status: outbox.status })
      .from(outbox)
      .where(inArray(outbox.packetRef, refs))
      .orderBy(outbox.createdAt);
    for (const d of sent) {
      if (d.ref === null) continue;
      const list = deliveries.get(d.ref) ?? [];
      list.push(`${d.kind} to ${d.destination} ${d.status}`);
      deliveries.set(d.ref, list);
    }
  }
  return list.map((packet) => ({
    packet,
    line: [
      packet.ref,
      packet.createdAt,
      packet.status,
      packet.channel,
      packet.accountEmail ?? '(no account)',
      `refund due ${packet.findings?.refundDue ?? 0}`,
      `sent: ${deliveries.get(packet.ref)?.join(', ') ?? 'nowhere'}`,
    ].join('  '),
  }));
}
