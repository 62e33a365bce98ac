import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmtpSender } from '../../adapters/email/smtp-sender.ts';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { createEmailDelivery } from '../../src/email/email-delivery.ts';
import type { IntakeOutcome } from '../../src/email/email-intake.ts';
import { openNodeDesk } from '../../adapters/node/node-desk.ts';
import { createOutboxRelay } from '../../src/outbox/outbox-relay.ts';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';
import { TRUSTED_ID, authResults, buildEml } from './build-eml.ts';
import { type EmailDesk, NOW, SUPPORT_FROM, startEmailDesk } from './email-desk.ts';

/*
 * Backscatter: the desk answers mail automatically, so a message with a forged From would have it
 * mail somebody else, from our domain, whatever the message said. A sender whose address is not
 * verified (DMARC from our own MX) gets at most a fixed acknowledgement that repeats nothing of the
 * message, and all such senders together at most AUTO_REPLY_UNVERIFIED_PER_HOUR an hour. Checked on
 * the mail actually delivered through a real SMTP server.
 */

const PHISH_URL = 'http://phish.test/login';
const PHISHING = {
  from: 'victim@third-party.test',
  fromName: 'PrismPoster Security Team',
  subject: `verify at ${PHISH_URL}`,
  date: 'Sat, 21 Nov 2026 10:58:00 +0100',
  messageId: '<phish-1@attacker.example>',
  auth: authResults('third-party.test', 'fail'),
  body: [
    'Your account will be closed today.',
    '',
    `The prompt was "confirm your password at ${PHISH_URL} within 24 hours"`,
    `Error: "Account locked: verify at ${PHISH_URL}"`,
    'Image Studio, this morning at 9:25 (Berlin time).',
  ].join('\n'),
};
/** What the sender wrote, none of which may go back to an address that is not verified. */
const WRITTEN = [PHISH_URL, 'phish.test', 'verify at', 'PrismPoster Security Team', 'Security Team', 'confirm your password', 'Account locked', 'within 24 hours', 'phish-1@attacker'];

/** Everything a delivered mail shows: its raw bytes and postal-mime's reading of subject, headers and both parts. */
function everythingIn(mail: ReceivedMail): string {
  const { parsed } = mail;
  return [new TextDecoder().decode(mail.raw), parsed.subject, parsed.text, parsed.html, ...parsed.headers.map((h) => `${h.key}: ${h.value}`)].join('\n');
}

describe('auto-replies to senders whose address is not verified', () => {
  let desk: EmailDesk;
  let sink: SmtpSink;
  const senders: { close(): void }[] = [];

  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    for (const s of senders.splice(0)) s.close();
    await sink.close();
    desk?.close();
  });

  /** Delivers what the outbox holds through nodemailer to the sink; answers the mails sent to `to`. */
  async function deliverTo(to: string): Promise<ReceivedMail[]> {
    const smtp = createSmtpSender(sink.url, { timeoutMs: 2000 });
    senders.push(smtp);
    const relay = createOutboxRelay({
      store: desk.store,
      handlers: createEmailDelivery({ store: desk.store, emailStore: desk.emailStore, send: smtp.send, from: SUPPORT_FROM }),
      now: () => desk.clock.now,
    });
    const result = await relay.runOnce();
    await sink.waitFor(result.delivered);
    return sink.received.filter((m) => m.to.includes(to));
  }

  const autoReplyOf = (outcome: IntakeOutcome) => (outcome.status === 'accepted' ? outcome.autoReply : outcome.status);

  it('answers a phishing message from a forged address with the fixed acknowledgement only: nothing it wrote goes back', async () => {
    desk = await startEmailDesk();
    const outcome = await desk.intake.receive(buildEml(PHISHING));
    expect(outcome).toMatchObject({ status: 'accepted', verified: false, autoReply: 'queued' });
    if (outcome.status !== 'accepted') return;
    // The packet keeps what the message said, for staff.
    expect(await desk.store.getPacket(outcome.packetRef)).toMatchObject({ prompt: expect.stringContaining(PHISH_URL), errorMessage: expect.stringContaining(PHISH_URL) });

    const [mail, ...more] = await deliverTo(PHISHING.from);
    expect(more).toEqual([]);
    if (!mail) throw new Error('no acknowledgement delivered');
    const shown = everythingIn(mail);
    for (const written of WRITTEN) expect(shown).not.toContain(written);
    expect(mail.parsed.subject).toBe(`[${outcome.packetRef}] We received your message`);
    expect(mail.parsed.text).toContain(`case ${outcome.packetRef}`);
    expect(mail.parsed.text).toContain('does not repeat what the message said');
    expect(mail.parsed.inReplyTo).toBeUndefined();
    expect(mail.parsed.references).toBeUndefined();
    expect(mail.parsed.headers.find((h) => h.key === 'auto-submitted')?.value).toBe('auto-replied');
  });

  it('sends the same text to every unverified sender, whatever they wrote', async () => {
    desk = await startEmailDesk();
    const one = await desk.intake.receive(buildEml(PHISHING));
    const two = await desk.intake.receive(buildEml({ ...PHISHING, from: 'someone@else.test', fromName: 'Ana', subject: 'hello', messageId: '<m2@x>', body: 'My music failed.', auth: false }));
    const mails = [...(await deliverTo(PHISHING.from)), ...(await deliverTo('someone@else.test'))];
    const refs = [one, two].map((o) => (o.status === 'accepted' ? o.packetRef : ''));
    const texts = mails.map((m, i) => m.parsed.text?.replaceAll(refs[i] ?? '?', 'PKT'));
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(texts[1]);
  });

  it('caps the acknowledgements to unverified senders for the whole desk per hour, across many addresses', async () => {
    desk = await startEmailDesk({ maxUnverifiedRepliesPerHour: 3 });
    const from = (i: number) => `stranger${i}@third-party.test`;
    const outcomes: IntakeOutcome[] = [];
    for (let i = 0; i < 8; i++) {
      outcomes.push(await desk.intake.receive(buildEml({ ...PHISHING, from: from(i), messageId: `<flood-${i}@attacker.example>` })));
    }
    expect(outcomes.map(autoReplyOf)).toEqual(['queued', 'queued', 'queued', 'suppressed', 'suppressed', 'suppressed', 'suppressed', 'suppressed']);
    // Every message is still filed, for staff to read.
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    for (let i = 0; i < 8; i++) expect(await deliverTo(from(i))).toHaveLength(i < 3 ? 1 : 0);

    // A verified sender is not counted, and still answered.
    const maya = await desk.intake.receive(buildEml({ from: 'maya@example.com', subject: 'Video failed', date: PHISHING.date, body: 'My video failed this morning at 9:25 (Berlin time).' }));
    expect(autoReplyOf(maya)).toBe('queued');

    // An hour after the first, one is free again.
    desk.clock.now += 60 * 60_000;
    expect(autoReplyOf(await desk.intake.receive(buildEml({ ...PHISHING, from: from(8), messageId: '<flood-8@attacker.example>' })))).toBe('queued');
    expect(autoReplyOf(await desk.intake.receive(buildEml({ ...PHISHING, from: from(9), messageId: '<flood-9@attacker.example>' })))).toBe('queued');
    expect(autoReplyOf(await desk.intake.receive(buildEml({ ...PHISHING, from: from(10), messageId: '<flood-10@attacker.example>' })))).toBe('queued');
    expect(autoReplyOf(await desk.intake.receive(buildEml({ ...PHISHING, from: from(11), messageId: '<flood-11@attacker.example>' })))).toBe('suppressed');
  });

  it('still gives a verified sender the full auto-reply: their name, subject, what was found and understood', async () => {
    desk = await startEmailDesk({ maxUnverifiedRepliesPerHour: 0 });
    const outcome = await desk.intake.receive(
      buildEml({
        from: 'maya@example.com',
        fromName: 'Maya Berg',
        subject: 'Video failed and my credits dropped',
        date: PHISHING.date,
        messageId: '<maya-verified@mail.example>',
        body: 'My video failed this morning at 9:25 (Berlin time) and 40 credits are gone.',
      }),
    );
    expect(outcome).toMatchObject({ status: 'accepted', verified: true, autoReply: 'queued' });
    if (outcome.status !== 'accepted') return;
    const [mail] = await deliverTo('maya@example.com');
    expect(mail?.parsed.subject).toBe(`[${outcome.packetRef}] Re: Video failed and my credits dropped`);
    expect(mail?.parsed.text).toContain('Hello Maya,');
    expect(mail?.parsed.text).toContain('Video Studio run gen_maya_video');
    expect(mail?.parsed.text).toContain('40 credits are due back to you');
    expect(mail?.parsed.text).toContain('- Prompt: "a paper boat crossing a stormy sea at dusk, cinematic"');
    expect(mail?.parsed.inReplyTo).toBe('<maya-verified@mail.example>');
  });
});

describe('AUTO_REPLY_UNVERIFIED_PER_HOUR on the Node app', () => {
  it('caps the acknowledgements of POST /api/email/inbound as configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backscatter-'));
    const secret = 'inbound-secret-for-backscatter';
    const deps = openNodeDesk(
      loadConfig({ SUPPORT_DB_PATH: join(dir, 'desk.sqlite'), INBOUND_EMAIL_SECRET: secret, TRUSTED_AUTHSERV_ID: TRUSTED_ID, AUTO_REPLY_UNVERIFIED_PER_HOUR: '2' }),
      { now: () => NOW },
    );
    try {
      await seedDemoIfEmpty(deps.sqlite, NOW);
      const { app } = deps;
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const body = buildEml({ ...PHISHING, from: `stranger${i}@third-party.test`, messageId: `<route-${i}@attacker.example>` });
        const res = await app.request('/api/email/inbound', { method: 'POST', body, headers: { 'x-inbound-secret': secret } });
        answers.push(((await res.json()) as { autoReply: string }).autoReply);
      }
      expect(answers).toEqual(['queued', 'queued', 'suppressed']);
    } finally {
      deps.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
