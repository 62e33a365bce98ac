import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpSender } from '../../adapters/email/smtp-sender.ts';
import { createUserNotifier } from '../../src/core/user-notifier.ts';
import { createEmailDelivery } from '../../src/email/email-delivery.ts';
import { createOutboxRelay } from '../../src/outbox/outbox-relay.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';
import { buildEml } from './build-eml.ts';
import { type EmailDesk, SUPPORT_FROM, SUPPORT_INBOX, startEmailDesk } from './email-desk.ts';

const REPORT = buildEml({
  from: 'maya@example.com',
  fromName: 'Maya Berg',
  subject: 'Video failed',
  date: 'Sat, 21 Nov 2026 10:58:00 +0100',
  messageId: '<maya-smtp@mail.example>',
  body: 'My video failed this morning at 9:25 (Berlin time).',
});

const header = (mail: { parsed: { headers: { key: string; value: string }[] } }, key: string) =>
  mail.parsed.headers.find((h) => h.key === key)?.value;

describe('outbound mail through the outbox, nodemailer and a real SMTP server', () => {
  let desk: EmailDesk;
  let sink: SmtpSink;
  const senders: { close(): void }[] = [];

  beforeEach(async () => {
    desk = await startEmailDesk();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) s.close();
    await sink.close();
    desk.close();
  });

  function relayTo(url: string) {
    const smtp = createSmtpSender(url, { timeoutMs: 2000 });
    senders.push(smtp);
    const handlers = createEmailDelivery({ store: desk.store, emailStore: desk.emailStore, send: smtp.send, from: SUPPORT_FROM });
    return createOutboxRelay({ store: desk.store, handlers, now: () => desk.clock.now, random: () => 0.5 });
  }

  it('delivers the auto-reply and the packet; the received mail reads back with its headers and both parts', async () => {
    const outcome = await desk.intake.receive(REPORT);
    if (outcome.status !== 'accepted') throw new Error(outcome.status);
    expect(await relayTo(sink.url).runOnce()).toEqual({ delivered: 2, retrying: 0, dead: 0 });
    const mails = await sink.waitFor(2);

    const reply = mails.find((m) => m.to.includes('maya@example.com'));
    if (!reply) throw new Error('no auto-reply received');
    expect(reply.from).toBe(SUPPORT_FROM);
    expect(reply.parsed.subject).toBe(`[${outcome.packetRef}] Re: Video failed`);
    expect(header(reply, 'auto-submitted')).toBe('auto-replied');
    expect(reply.parsed.inReplyTo).toBe('<maya-smtp@mail.example>');
    expect(reply.parsed.references).toContain('<maya-smtp@mail.example>');
    expect(reply.parsed.text).toContain('40 credits are due back to you');
    expect(reply.parsed.html).toContain(outcome.packetRef);
    // The HTML part is made from the queued text when it is sent: the run is a list item.
    expect(reply.parsed.html).toMatch(/<li>[^<]*gen_maya_video/);

    const packet = mails.find((m) => m.to.includes(SUPPORT_INBOX));
    if (!packet) throw new Error('no packet mail received');
    expect(packet.parsed.subject).toContain(`[${outcome.packetRef}] New support packet: maya@example.com`);
    expect(packet.parsed.text).toContain('gen_maya_video');
    expect(packet.parsed.html).toContain('<table');
    expect(header(packet, 'auto-submitted')).toBeUndefined();

    const rows = await desk.store.listOutbox({ packetRef: outcome.packetRef });
    expect(rows.every((r) => r.status === 'delivered' && r.externalId?.startsWith('<out_'))).toBe(true);
  });


  it('sends an auto-reply queued with its HTML part already composed (before it was made at sending) as it was queued', async () => {
    const filed = await desk.intake.receive(REPORT);
    if (filed.status !== 'accepted') throw new Error(filed.status);
    const packet = await desk.store.getPacket(filed.packetRef);
    if (!packet) throw new Error('no packet');
    const payload = { ref: packet.ref, subject: `[${packet.ref}] Re: Older`, text: 'Hello,\nas queued.', html: '<p>Composed <b>before</b> the upgrade.</p>', inReplyTo: null, references: [] };
    await desk.store.savePacket(packet, {
      outbox: [{ id: 'out_legacy', kind: 'email.auto_reply', destination: 'maya@example.com', payload, dedupeKey: `${packet.ref}:legacy`, packetRef: packet.ref }],
      audit: [],
      now: desk.clock.now,
    });
    await relayTo(sink.url).runOnce();
    const legacy = (await sink.waitFor(3)).find((m) => m.parsed.subject === `[${packet.ref}] Re: Older`);
    expect(legacy?.parsed.html).toContain('<p>Composed <b>before</b> the upgrade.</p>');
    expect(legacy?.parsed.text).toContain('as queued.');
  });
  it('answers staff replies in the user\'s own thread', async () => {
    const outcome = await desk.intake.receive(REPORT);
    if (outcome.status !== 'accepted') throw new Error(outcome.status);
    const packet = await desk.store.getPacket(outcome.packetRef);
    if (!packet) throw new Error('no packet');
    const notifier = createUserNotifier({ store: desk.store, now: () => desk.clock.now, newId: (p) => `${p}_staff1`, ttlMs: 1000 });
    await notifier.notify(packet, { topic: 'refund', text: 'We refunded 40 credits.', from: 'Jo', key: 'refund-1' });
    await relayTo(sink.url).runOnce();
    const mails = await sink.waitFor(3);
    const staff = mails.find((m) => m.parsed.subject === `[${outcome.packetRef}] Your refund`);
    expect(staff?.parsed.inReplyTo).toBe('<maya-smtp@mail.example>');
    expect(staff?.parsed.text).toContain('We refunded 40 credits.');
    expect(staff?.parsed.html).toContain('We refunded 40 credits.');
    expect(staff?.parsed.text).toContain(`Jo, PrismPoster Support\nCase ${outcome.packetRef}: just reply to this email, keeping [${outcome.packetRef}] in the subject.`);
  });

  it("writes a staff reply's subject and the lines around it in the case's language", async () => {
    const report = buildEml({
      from: 'maya@example.com',
      subject: 'Vidéo en échec',
      date: 'Sat, 21 Nov 2026 10:58:00 +0100',
      messageId: '<maya-fr@mail.example>',
      body: 'Ma vidéo a échoué ce matin vers 9h25 et les crédits ont quand même été débités.',
    });
    const outcome = await desk.intake.receive(report);
    if (outcome.status !== 'accepted') throw new Error(outcome.status);
    const packet = await desk.store.getPacket(outcome.packetRef);
    expect(packet?.locale).toBe('fr');
    if (!packet) throw new Error('no packet');
    const notifier = createUserNotifier({ store: desk.store, now: () => desk.clock.now, newId: (p) => `${p}_staff2`, ttlMs: 1000 });
    await notifier.notify(packet, { topic: 'question', text: 'Quelle résolution aviez-vous choisie ?', from: 'Jo', key: 'question-1' });
    await relayTo(sink.url).runOnce();
    const staff = (await sink.waitFor(3)).find((m) => m.parsed.subject === `[${outcome.packetRef}] Une question sur votre demande`);
    expect(staff?.parsed.inReplyTo).toBe('<maya-fr@mail.example>');
    expect(staff?.parsed.text).toContain('Quelle résolution aviez-vous choisie ?');
    expect(staff?.parsed.text).toContain(`Jo, L’assistance PrismPoster\nDossier ${outcome.packetRef} : répondez simplement à cet e-mail en gardant [${outcome.packetRef}] dans l’objet.`);
    expect(staff?.parsed.text).not.toMatch(/reply to this email|PrismPoster Support/);
  });

  it('SMTP down: the row stays pending with backoff, is delivered once it comes back, and never twice', async () => {
    const port = sink.port;
    await sink.close();
    const outcome = await desk.intake.receive(REPORT);
    if (outcome.status !== 'accepted') throw new Error(outcome.status);
    const relay = relayTo(`smtp://127.0.0.1:${port}`);

    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 2, dead: 0 });
    const waiting = await desk.store.listOutbox({ packetRef: outcome.packetRef });
    for (const row of waiting) {
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.nextAttemptAt).toBe(desk.clock.now + 5000);
      expect(row.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
    }
    // Not yet due: nothing is tried again.
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });

    sink = await startSmtpSink(port);
    desk.clock.now += 5000;
    expect(await relay.runOnce()).toEqual({ delivered: 2, retrying: 0, dead: 0 });
    desk.clock.now += 60 * 60_000;
    expect(await relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
    await sink.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.received).toHaveLength(2);
    expect(new Set(sink.received.map((m) => m.parsed.messageId)).size).toBe(2);
  });
});
