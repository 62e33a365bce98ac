import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpSender } from '../../adapters/email/smtp-sender.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import { type Locale, STAFF_LOCALE, locales } from '../../src/i18n/locales.ts';
import { dateLocaleOf, message } from '../../src/i18n/messages.ts';
import { createEmailDelivery } from '../../src/email/email-delivery.ts';
import { createOutboxRelay } from '../../src/outbox/outbox-relay.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';
import { buildEml } from './build-eml.ts';
import { type EmailDesk, SUPPORT_FROM, SUPPORT_INBOX, startEmailDesk } from './email-desk.ts';

/*
 * An emailed report in each of the five languages, through the intake, the outbox, nodemailer and a
 * real SMTP server: the auto-reply is written in the report's language (its dates too) and says
 * support answers in English; the packet mail to support stays English, names the user's language
 * and keeps the user's words as they wrote them.
 */

/** Maya's report of her failed video (40 credits charged), in each language, as she would write it. */
const REPORTS: Record<Locale, { subject: string; body: string }> = {
  en: {
    subject: 'Video failed',
    body: 'Hi, my video in Video Studio failed this morning around 9:25 (Berlin time) and I was still charged credits. Could you take a look?',
  },
  fr: {
    subject: 'Ma vidéo a échoué',
    body: 'Bonjour, ma vidéo dans Video Studio a échoué ce matin vers 9h25 (heure de Berlin) et mes crédits ont quand même été débités. Pouvez-vous regarder ?',
  },
  es: {
    subject: 'Mi vídeo falló',
    body: 'Hola, mi vídeo en Video Studio falló esta mañana sobre las 9:25 (hora de Berlín) y aun así me cobraron los créditos. ¿Podéis revisarlo?',
  },
  de: {
    subject: 'Mein Video ist fehlgeschlagen',
    body: 'Hallo, mein Video im Video Studio ist heute Morgen gegen 9:25 Uhr (Berliner Zeit) fehlgeschlagen, und die Credits wurden trotzdem abgebucht. Können Sie das bitte prüfen?',
  },
  pt: {
    subject: 'Meu vídeo falhou',
    body: 'Olá, meu vídeo no Video Studio falhou hoje de manhã por volta das 9h25 (horário de Berlim) e mesmo assim os créditos foram cobrados. Vocês podem verificar?',
  },
};

const STAFF_NAMES: Record<Locale, string> = { en: 'English', fr: 'French', es: 'Spanish', de: 'German', pt: 'Portuguese' };

describe('email: a report in each language, and its auto-reply', () => {
  let desk: EmailDesk;
  let sink: SmtpSink;
  let smtp: ReturnType<typeof createSmtpSender>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    smtp = createSmtpSender(sink.url, { timeoutMs: 2000 });
  });
  afterAll(async () => {
    smtp?.close();
    await sink?.close();
  });

  /** Files the report on a fresh desk and delivers what it queued: the auto-reply and the packet mail. */
  async function fileAndDeliver(locale: Locale): Promise<{ ref: string; reply: ReceivedMail; packet: ReceivedMail; filed: Packet }> {
    desk = await startEmailDesk();
    try {
      const outcome = await desk.intake.receive(
        buildEml({
          from: 'maya@example.com',
          fromName: 'Maya Berg',
          subject: REPORTS[locale].subject,
          date: 'Sat, 21 Nov 2026 10:58:00 +0100',
          messageId: `<maya-${locale}@mail.example>`,
          body: REPORTS[locale].body,
        }),
      );
      if (outcome.status !== 'accepted') throw new Error(outcome.status);
      const before = sink.received.length;
      const handlers = createEmailDelivery({ store: desk.store, emailStore: desk.emailStore, send: smtp.send, from: SUPPORT_FROM });
      const relay = createOutboxRelay({ store: desk.store, handlers, now: () => desk.clock.now, random: () => 0.5 });
      expect(await relay.runOnce()).toEqual({ delivered: 2, retrying: 0, dead: 0 });
      const mails = (await sink.waitFor(before + 2)).slice(before);
      const reply = mails.find((m) => m.to.includes('maya@example.com'));
      const packet = mails.find((m) => m.to.includes(SUPPORT_INBOX));
      const filed = await desk.store.getPacket(outcome.packetRef);
      if (!reply || !packet || !filed) throw new Error('missing mail or packet');
      return { ref: outcome.packetRef, reply, packet, filed };
    } finally {
      desk.close();
    }
  }

  for (const locale of locales) {
    it(`${locale}: answers in ${STAFF_NAMES[locale]}, tells staff, keeps her words`, async () => {
      const { ref, reply, packet, filed } = await fileAndDeliver(locale);
      const t = (key: Parameters<typeof message>[1], params?: Record<string, string | number>) => message(locale, key, params);
      const text = reply.parsed.text ?? '';

      // The auto-reply, in her language.
      expect(reply.parsed.subject).toBe(`[${ref}] Re: ${REPORTS[locale].subject}`);
      expect(text).toContain(t('email.greeting_named', { name: 'Maya' }));
      expect(text).toContain(t('email.new_case', { ref }));
      expect(text).toContain(t('email.found_intro'));
      expect(text).toContain(t('email.money.refund_due', { charged: 40, outstanding: 40 }));
      expect(text).toContain(t('email.signature'));
      // Dates written her language's way, in her zone.
      const run = filed.findings?.runs[0];
      if (!run || !filed.timezone) throw new Error('no run found');
      const format = new Intl.DateTimeFormat(dateLocaleOf(locale), { timeZone: filed.timezone, dateStyle: 'medium', timeStyle: 'short' });
      expect(text).toContain(t('email.run', { studio: 'Video Studio', id: run.generationId, when: `${format.format(new Date(run.createdAt))} (${filed.timezone})` }));
      expect(filed.locale).toBe(locale);
      // Which language support answers in.
      if (locale === STAFF_LOCALE) expect(text).not.toContain(t('email.staff_language', { language: t(`language.${locale}`) }));
      else expect(text).toContain(t('email.staff_language', { language: t(`language.${locale}`) }));

      // The packet, in English, naming her language and keeping her words as written.
      const staff = packet.parsed.text ?? '';
      expect(packet.parsed.subject).toContain(`[${ref}] New support packet: maya@example.com`);
      expect(staff).toContain(`Language: ${STAFF_NAMES[locale]}`);
      expect(staff).toContain('Findings:');
      expect(staff).toContain(REPORTS[locale].body);
    }, 30_000);
  }

  it('answers an unverified sender’s report in its language too, and repeats nothing of it', async () => {
    desk = await startEmailDesk();
    try {
      const outcome = await desk.intake.receive(
        buildEml({ from: 'someone@elsewhere.example', subject: REPORTS.de.subject, date: 'Sat, 21 Nov 2026 10:58:00 +0100', body: REPORTS.de.body, auth: false }),
      );
      if (outcome.status !== 'accepted') throw new Error(outcome.status);
      const [row] = (await desk.store.listOutbox({ packetRef: outcome.packetRef })).filter((r) => r.kind === 'email.auto_reply');
      const payload = row?.payload as { subject: string; text: string };
      expect(payload.subject).toBe(`[${outcome.packetRef}] ${message('de', 'email.ack.subject')}`);
      expect(payload.text).toContain(message('de', 'email.ack.thanks', { ref: outcome.packetRef }));
      expect(payload.text).toContain(message('de', 'email.staff_language', { language: 'Deutsch' }));
      expect(payload.text).not.toContain('Video Studio ist heute');
    } finally {
      desk.close();
    }
  });
});
