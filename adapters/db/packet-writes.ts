import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { packetCaseKey } from '../../src/core/build-packet.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import type { OutboxItem, PacketEffects } from '../../src/core/support-store.ts';
import type { DeskDatabase } from './desk-db.ts';
import { auditLog, outbox, packets } from './schema.ts';

/** A packet upsert keeps the packet's first creation time; everything else is the new packet's. */
const packetUpsert = {
  target: packets.ref,
  set: {
    status: sql`excluded.status`,
    data: sql`excluded.data`,
    updatedAt: sql`excluded.updated_at`,
    accountKey: sql`excluded.account_key`,
    runsKey: sql`excluded.runs_key`,
  },
};

/**
 * A packet with its outbox rows and audit entries, as statements for one `atomic` write. Shared by
 * the support store and the email intake's store, which files a packet together with the message
 * it came from.
 */
export function packetStatements(db: DeskDatabase, packet: Packet, { outbox: items, audit, now }: PacketEffects): BatchItem<'sqlite'>[] {
  const list: BatchItem<'sqlite'>[] = [
    db
      .insert(packets)
      .values({
        ref: packet.ref,
        ...packetCaseKey(packet),
        channel: packet.channel,
        status: packet.status,
        data: packet,
        createdAt: Date.parse(packet.createdAt),
        updatedAt: now,
      })
      .onConflictDoUpdate(packetUpsert),
  ];
  if (items.length > 0) list.push(outboxInsert(db, items, now));
  if (audit.length > 0) list.push(db.insert(auditLog).values(audit));
  return list;
}

/** Outbox rows, due at once or at their `notBefore`; a row whose dedupe key exists already is left as it is. */
export function outboxInsert(db: DeskDatabase, items: readonly OutboxItem[], now: number) {
  return db
    .insert(outbox)
    .values(items.map(({ notBefore, ...item }) => ({ ...item, status: 'pending' as const, nextAttemptAt: notBefore ?? now, createdAt: now })))
    .onConflictDoNothing({ target: outbox.dedupeKey });
}
