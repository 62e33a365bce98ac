import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEml } from './build-eml.ts';
import { type EmailDesk, startEmailDesk } from './email-desk.ts';
import { FORWARDED_NOTIFICATION } from './forwarded-notification.ts';

/*
 * The mails of the issue "Understanding people" that the intake used to misread, each received by
 * the real intake (postal-mime, src/understanding, SQLite with the demo accounts): the packet support
 * gets carries what the sender wrote.
 */

const DATE = 'Sat, 21 Nov 2026 10:00:00 +0100';

/** A message with an HTML body only, as a webmail sends it. */
function htmlEml(subject: string, html: string): string {
  return [
    'From: kim@example.com',
    'To: support@prismposter.test',
    `Subject: ${subject}`,
    `Date: ${DATE}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@mail.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
  ].join('\r\n');
}

describe('the email intake reads the mails the issue quotes', () => {
  let desk: EmailDesk;
  beforeEach(async () => {
    desk = await startEmailDesk();
  });
  afterEach(() => desk.close());

  async function packetOf(raw: string) {
    const outcome = await desk.intake.receive(raw);
    expect(outcome.status).toBe('accepted');
    return outcome.status === 'accepted' ? desk.store.getPacket(outcome.packetRef) : null;
  }

  it('an unquoted error: "It failed with: Out of memory"', async () => {
    const packet = await packetOf(buildEml({ from: 'kim@example.com', subject: 'video broke', date: DATE, body: 'My video failed at 9:30. It failed with: Out of memory\n\nKim' }));
    expect(packet).toMatchObject({ studio: 'video', errorMessage: 'Out of memory', occurredAt: '2026-11-21T08:30:00Z' });
  });

  it('an ISO time in a copied dialog', async () => {
    const body = 'The dialog said:\nError: Upstream unavailable\nTime: 2026-11-20T01:12:44Z\n\nKim';
    const packet = await packetOf(buildEml({ from: 'kim@example.com', subject: 'error in Image Studio', date: DATE, body }));
    expect(packet).toMatchObject({ studio: 'image', errorMessage: 'Upstream unavailable', occurredAt: '2026-11-20T01:12:44Z' });
  });

  it('a single-quoted prompt and error in an HTML mail', async () => {
    const html = "<div dir=\"ltr\"><p>Hi,</p><p>I used the prompt 'a koi pond in autumn' in Image Studio and it came back with 'Safety filter timeout'.</p></div>";
    const packet = await packetOf(htmlEml('image failed', html));
    expect(packet).toMatchObject({ studio: 'image', prompt: 'a koi pond in autumn', errorMessage: 'Safety filter timeout' });
  });

  it('the studio that failed when two are named', async () => {
    const body = 'Hi, I made an image in Image Studio, that worked; the video in Video Studio failed at 9:00.\n\nKim';
    const packet = await packetOf(buildEml({ from: 'kim@example.com', subject: 'one worked, one did not', date: DATE, body }));
    expect(packet?.studio).toBe('video');
  });

  it('the prompt and time of a forwarded platform notification', async () => {
    const body = [
      'See below, this keeps happening.',
      '',
      ...FORWARDED_NOTIFICATION,
    ].join('\n');
    const packet = await packetOf(buildEml({ from: 'kim@example.com', subject: 'Fwd: Your generation failed', date: DATE, body }));
    expect(packet).toMatchObject({
      studio: 'music',
      prompt: 'lo-fi beat with rain sounds',
      occurredAt: '2026-11-19T18:32:05Z',
      errorMessage: 'Music generation failed: encoder crashed',
    });
  });
});
