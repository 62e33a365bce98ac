import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { openD1 } from '../../adapters/db/d1-database.ts';
import * as schema from '../../adapters/db/schema.ts';
import { seedDemoD1 } from './reset-d1.ts';
import worker from '../../adapters/workers/mail-worker.ts';
import { buildEml } from '../email/build-eml.ts';
import { emptyPartsEml, shortLinesEml } from '../email/large-eml.ts';

async function seed() {
  await seedDemoD1();
  await fetch('https://mail-api.test/sent', { method: 'DELETE' });
}

/** What Email Routing hands the Worker: the raw message as a stream, and a way to refuse it. */
function inbound(raw: string | Uint8Array) {
  const rejected: string[] = [];
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
  const message = {
    from: 'maya@example.com',
    to: 'support@prismposter.com',
    raw: new Blob([bytes]).stream(),
    rawSize: bytes.length,
    headers: new Headers(),
    setReject: (reason: string) => rejected.push(reason),
    forward: async () => undefined,
    reply: async () => undefined,
  };
  return { message, rejected };
}

interface SentMail {
  authorization: string | null;
  mail: { to: string; subject: string; text: string; headers: Record<string, string> };
}

describe('the mail Worker: email() feeds the intake, its cron relays the outbox through the mail API', () => {
  beforeEach(async () => {
    await seed();
  });

  it('files a trusted report from the email() handler and the cron relay mails the auto-reply and the packet', async () => {
    const when = new Date(Date.now() - 90 * 60_000).toUTCString().replace('GMT', '+0000');
    const { message, rejected } = inbound(
      buildEml({
        from: 'maya@example.com',
        subject: 'Video failed and my credits dropped',
        date: new Date().toUTCString().replace('GMT', '+0000'),
        body: `Hi, my Video Studio run failed today (${when}) with "Generation failed: model timeout" and I lost credits.`,
      }),
    );
    await worker.email(message as never, env as never);
    expect(rejected).toEqual([]);

    const database = openD1(env.DB);
    const [packet] = await database.db.select().from(schema.packets);
    expect(packet?.channel).toBe('email');
    const queued = (await database.db.select().from(schema.outbox)).map((r) => r.kind).sort();
    expect(queued).toContain('email.auto_reply');

    await worker.scheduled({ scheduledTime: Date.now(), cron: '* * * * *' }, env as never);

    const sent = (await (await fetch('https://mail-api.test/sent')).json()) as SentMail[];
    const autoReply = sent.find((s) => s.mail.to === 'maya@example.com');
    expect(autoReply?.authorization).toBe('Bearer mail-token');
    expect(autoReply?.mail.subject).toContain(packet?.ref ?? 'missing');
    expect(autoReply?.mail.headers['Auto-Submitted']).toBe('auto-replied');
    expect(sent.some((s) => s.mail.to === 'support@prismposter.com')).toBe(true);
    const rows = await database.db.select().from(schema.outbox);
    expect(rows.filter((r) => r.kind.startsWith('email.')).every((r) => r.status === 'delivered')).toBe(true);

    // A second cron run delivers nothing again.
    await worker.scheduled({ scheduledTime: Date.now(), cron: '* * * * *' }, env as never);
    expect(((await (await fetch('https://mail-api.test/sent')).json()) as SentMail[]).length).toBe(sent.length);
  });

  it('files a message redelivered by the sending server once: the second delivery is a duplicate and writes nothing', async () => {
    const raw = buildEml({
      from: 'leo@example.com',
      subject: 'failed',
      date: new Date().toUTCString().replace('GMT', '+0000'),
      messageId: '<twice@mail.example>',
      body: 'My image failed this morning.',
    });
    // Both deliveries at once, as two isolates would take them.
    const deliveries = [inbound(raw), inbound(raw)];
    await Promise.all(deliveries.map(({ message }) => worker.email(message as never, env as never)));
    for (const { rejected } of deliveries) expect(rejected).toEqual([]);
    const db = openD1(env.DB).db;
    expect(await db.select().from(schema.emailMessages)).toMatchObject([{ messageId: '<twice@mail.example>', status: 'accepted' }]);
    expect(await db.select().from(schema.packets)).toHaveLength(1);
    expect((await db.select().from(schema.outbox)).filter((r) => r.kind === 'email.auto_reply')).toHaveLength(1);
  });

  it('rejects a message it cannot read back to the sending server, and keeps it as a dead letter', async () => {
    const { message, rejected } = inbound('this is not a mail message at all');
    await worker.email(message as never, env as never);
    expect(rejected).toHaveLength(1);
    const dead = await openD1(env.DB).db.select().from(schema.emailDeadLetters);
    expect(dead).toHaveLength(1);
  });

  it('files a 5 MB message of short lines within the isolate, and keeps 120,000 empty parts as a dead letter', async () => {
    const short = inbound(shortLinesEml(5 * 1024 * 1024, '<short-lines@mail.example>'));
    await worker.email(short.message as never, env as never);
    expect(short.rejected).toEqual([]);
    const db = openD1(env.DB).db;
    expect(await db.select().from(schema.emailMessages)).toMatchObject([{ messageId: '<short-lines@mail.example>', status: 'accepted' }]);

    const parts = inbound(emptyPartsEml(120_000, '<empty-parts@mail.example>'));
    await worker.email(parts.message as never, env as never);
    expect(parts.rejected).toEqual(['too_many_parts: the message has more than 1000 MIME parts']);
    expect(await db.select().from(schema.emailDeadLetters)).toMatchObject([{ reason: 'too_many_parts', size: parts.message.rawSize }]);
  });

  it('refuses a message larger than the limit without reading it', async () => {
    const { message, rejected } = inbound('From: maya@example.com\r\n\r\nhi');
    await worker.email({ ...message, rawSize: 25 * 1024 * 1024 + 1 } as never, env as never);
    expect(rejected).toEqual(['too_large: the message is larger than 26214400 bytes']);
    expect(await openD1(env.DB).db.select().from(schema.emailDeadLetters)).toMatchObject([{ reason: 'too_large', size: 25 * 1024 * 1024 + 1, rawBase64: null }]);
  });
});
