import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutoReplyPayload } from '../../src/email/auto-reply.ts';
import { authResults, buildEml } from './build-eml.ts';
import { type EmailDesk, SUPPORT_INBOX, startEmailDesk } from './email-desk.ts';

const MAYA_REPORT = {
  from: 'maya@example.com',
  fromName: 'Maya Berg',
  subject: 'Video failed and my credits dropped',
  date: 'Sat, 21 Nov 2026 10:58:00 +0100',
  messageId: '<maya-1@mail.example>',
  body: 'Hi,\n\nthis morning at 9:25 (Berlin time) my video failed and 40 credits are gone.\nCan you help?\n\nMaya',
};

const autoReplies = async (desk: EmailDesk) => (await desk.store.listOutbox()).filter((r) => r.kind === 'email.auto_reply');
const payloadOf = (row: { payload: unknown }) => row.payload as AutoReplyPayload;
const packetCount = (desk: EmailDesk) => desk.sqlite.sqlite.prepare('SELECT count(*) FROM packets').pluck().get();

describe('email intake, end to end on SQLite with the demo accounts', () => {
  let desk: EmailDesk;
  beforeEach(async () => {
    desk = await startEmailDesk();
  });
  afterEach(() => desk.close());

  it('files a trusted report: finds the run, reconciles, makes the packet and queues exactly one auto-reply', async () => {
    const outcome = await desk.intake.receive(buildEml(MAYA_REPORT));
    expect(outcome).toMatchObject({ status: 'accepted', verified: true, joined: false, autoReply: 'queued' });
    if (outcome.status !== 'accepted') return;

    const packet = await desk.store.getPacket(outcome.packetRef);
    expect(packet).toMatchObject({
      channel: 'email',
      accountEmail: 'maya@example.com',
      verified: true,
      studio: 'video',
      prompt: 'a paper boat crossing a stormy sea at dusk, cinematic',
      errorMessage: 'Generation failed: model timeout',
      occurredAt: '2026-11-21T08:25:00Z',
      timezone: 'Europe/Berlin',
      generationIds: ['gen_maya_video'],
      missing: [],
      status: 'open',
    });
    expect(packet?.findings?.refundDue).toBe(40);
    expect(packet?.transcript[0]?.text).toContain('40 credits are gone');

    const outbox = await desk.store.listOutbox({ packetRef: outcome.packetRef });
    expect(outbox.map((r) => [r.kind, r.destination]).sort()).toEqual([
      ['email.auto_reply', 'maya@example.com'],
      ['email.packet', SUPPORT_INBOX],
    ]);
    const reply = payloadOf((await autoReplies(desk))[0] ?? { payload: null });
    expect(reply.subject).toBe(`[${outcome.packetRef}] Re: Video failed and my credits dropped`);
    expect(reply.inReplyTo).toBe('<maya-1@mail.example>');
    expect(reply.references).toEqual(['<maya-1@mail.example>']);
    expect(reply.text).toContain('Video Studio run gen_maya_video');
    expect(reply.text).toContain('40 credits are due back to you');
    expect(reply.text).not.toContain('we still need');
    // Only the text is queued; its HTML part is made when it is sent (smtp-delivery.test.ts).
    expect(reply).not.toHaveProperty('html');
    expect(await desk.emailStore.getMessage('<maya-1@mail.example>')).toMatchObject({ status: 'accepted', autoReplied: true });
  });

  it('processes the same Message-ID once: a redelivery changes nothing', async () => {
    const first = await desk.intake.receive(buildEml(MAYA_REPORT));
    const outboxBefore = await desk.store.listOutbox();
    const again = await desk.intake.receive(buildEml({ ...MAYA_REPORT, body: 'a different body, same id' }));
    expect(again).toEqual({ status: 'duplicate', messageId: '<maya-1@mail.example>', packetRef: first.status === 'accepted' ? first.packetRef : null });
    expect(await desk.store.listOutbox()).toEqual(outboxBefore);
    expect(packetCount(desk)).toBe(1);
  });

  it('two deliveries of one message at once: both are worked out, the first write files it, the other is a duplicate', async () => {
    const [one, two] = await Promise.all([desk.intake.receive(buildEml(MAYA_REPORT)), desk.intake.receive(buildEml(MAYA_REPORT))]);
    const outcomes = [one, two];
    const accepted = outcomes.find((o) => o?.status === 'accepted');
    expect(accepted).toMatchObject({ status: 'accepted', verified: true, autoReply: 'queued' });
    const ref = accepted?.status === 'accepted' ? accepted.packetRef : '';
    expect(outcomes.filter((o) => o?.status === 'duplicate')).toEqual([{ status: 'duplicate', messageId: '<maya-1@mail.example>', packetRef: ref }]);
    expect(packetCount(desk)).toBe(1);
    expect((await desk.store.listOutbox()).filter((r) => r.kind === 'email.auto_reply')).toHaveLength(1);
    expect(await desk.emailStore.getMessage('<maya-1@mail.example>')).toMatchObject({ status: 'accepted', packetRef: ref });
  });

  it.each([
    ['no Authentication-Results', false],
    ['a verdict from another server', authResults('example.com', 'pass', 'mx.attacker.example')],
    ['dmarc=fail', authResults('example.com', 'fail')],
    ['dmarc=pass for another domain', authResults('attacker.example')],
  ])('answers an untrusted sender (%s) with general help, an unverified packet and no account data', async (_, auth) => {
    const outcome = await desk.intake.receive(buildEml({ ...MAYA_REPORT, auth }));
    expect(outcome).toMatchObject({ status: 'accepted', verified: false, autoReply: 'queued' });
    if (outcome.status !== 'accepted') return;
    const packet = await desk.store.getPacket(outcome.packetRef);
    expect(packet).toMatchObject({ verified: false, findings: null, generationIds: [], prompt: null });
    const [row] = await autoReplies(desk);
    const text = payloadOf(row ?? { payload: null }).text;
    expect(text).toContain('contains no details about any account');
    expect(text).toContain('Retry once');
    for (const secret of ['gen_maya_video', 'paper boat', '40 credits', 'are due', 'Generation failed', 'balance 1']) expect(text).not.toContain(secret);
    expect(text).toContain('the prompt you used');
  });

  it.each([
    ['an out-of-office reply', ['Auto-Submitted: auto-replied']],
    ['a bounce (empty return path)', ['Return-Path: <>']],
    ['list mail', ['List-Id: Creators <creators.lists.example.com>']],
    ['bulk mail', ['Precedence: bulk']],
  ])('never answers %s: ignored, no packet, no mail', async (_, headers) => {
    const outcome = await desk.intake.receive(buildEml({ ...MAYA_REPORT, headers }));
    expect(outcome).toMatchObject({ status: 'ignored', reason: 'auto_submitted' });
    expect(await desk.store.listOutbox()).toEqual([]);
    expect(packetCount(desk)).toBe(0);
    expect((await desk.intake.receive(buildEml({ ...MAYA_REPORT, headers }))).status).toBe('duplicate');
  });

  it('never answers its own address (a loop)', async () => {
    const outcome = await desk.intake.receive(buildEml({ ...MAYA_REPORT, from: 'support@prismposter.test' }));
    expect(outcome).toMatchObject({ status: 'ignored', reason: 'own_address' });
  });

  it('a reply quoting the packet ref joins that packet, fills its gaps, and is not answered twice', async () => {
    const first = await desk.intake.receive(buildEml({ ...MAYA_REPORT, auth: false, body: 'My video failed, please help.' }));
    if (first.status !== 'accepted') throw new Error(`not accepted: ${first.status}`);
    expect((await desk.store.getPacket(first.packetRef))?.missing).toEqual(['prompt', 'timestamp']);

    const reply = await desk.intake.receive(
      buildEml({
        ...MAYA_REPORT,
        auth: false,
        messageId: '<maya-2@mail.example>',
        subject: `Re: [${first.packetRef}] Re: Video failed`,
        date: 'Sat, 21 Nov 2026 11:30:00 +0100',
        headers: ['In-Reply-To: <out_000002@prismposter.test>'],
        body: `The prompt was "a paper boat crossing a stormy sea", this morning at 9:25 (Berlin time).\n\nOn Sat, 21 Nov 2026 at 11:00, Support wrote:\n> Please send the prompt.`,
      }),
    );
    expect(reply).toMatchObject({ status: 'accepted', packetRef: first.packetRef, joined: true, autoReply: 'already_sent' });
    const packet = await desk.store.getPacket(first.packetRef);
    expect(packet).toMatchObject({ prompt: 'a paper boat crossing a stormy sea', occurredAt: '2026-11-21T08:25:00Z', missing: [], status: 'open' });
    expect(packet?.transcript).toHaveLength(2);
    expect(packetCount(desk)).toBe(1);
    expect(await autoReplies(desk)).toHaveLength(1);
    const kinds = (await desk.store.listOutbox({ packetRef: first.packetRef })).map((r) => r.kind).sort();
    expect(kinds).toEqual(['email.auto_reply', 'email.packet', 'email.packet_update']);
    expect((await desk.emailStore.listThread(first.packetRef)).map((m) => m.messageId)).toEqual(['<maya-1@mail.example>', '<maya-2@mail.example>']);
  });

  it('a ref quoted by someone else, or unproven for a verified packet, does not join it', async () => {
    const first = await desk.intake.receive(buildEml(MAYA_REPORT));
    if (first.status !== 'accepted') throw new Error('not accepted');
    const forged = { ...MAYA_REPORT, subject: `Re: [${first.packetRef}]`, body: 'The prompt was "give me the refund instead".' };
    const unproven = await desk.intake.receive(buildEml({ ...forged, auth: false, messageId: '<forged-1@mail.example>' }));
    const stranger = await desk.intake.receive(buildEml({ ...forged, from: 'leo@example.com', messageId: '<forged-2@mail.example>' }));
    expect(unproven).toMatchObject({ status: 'accepted', joined: false, verified: false });
    // Leo is proven, but for his own account: his report is his own case, not Maya's.
    expect(stranger).toMatchObject({ status: 'accepted', joined: false, verified: true });
    for (const outcome of [unproven, stranger]) expect(outcome.status === 'accepted' && outcome.packetRef).not.toBe(first.packetRef);
    expect((await desk.store.getPacket(first.packetRef))?.transcript).toHaveLength(1);
  });

  it('caps auto-replies per sender and day, whatever the headers say', async () => {
    const capped = await startEmailDesk({ maxAutoRepliesPerDay: 2 });
    try {
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push(await capped.intake.receive(buildEml({ ...MAYA_REPORT, auth: false, messageId: `<loop-${i}@mail.example>` })));
      }
      expect(outcomes.map((o) => (o.status === 'accepted' ? o.autoReply : o.status))).toEqual(['queued', 'queued', 'suppressed']);
    } finally {
      capped.close();
    }
  });

  it('keeps what it cannot read as a dead letter with a clear reason', async () => {
    const noFrom = await desk.intake.receive('Subject: who\r\nMessage-ID: <x@y>\r\n\r\nhello');
    expect(noFrom).toMatchObject({ status: 'rejected', reason: 'no_sender' });
    const empty = await desk.intake.receive(new Uint8Array());
    expect(empty).toMatchObject({ status: 'rejected', reason: 'empty' });
    const letters = await desk.emailStore.listDeadLetters();
    expect(letters.map((l) => l.reason).sort()).toEqual(['empty', 'no_sender']);
    const kept = letters.find((l) => l.reason === 'no_sender');
    expect(atob(kept?.rawBase64 ?? '')).toContain('Subject: who');
  });

  it('writes nothing when filing fails unexpectedly, so that a redelivery is processed', async () => {
    const failing = await startEmailDesk();
    try {
      const fileMessage = failing.emailStore.fileMessage.bind(failing.emailStore);
      let fail = true;
      failing.emailStore.fileMessage = async (...args) => {
        if (fail) throw new Error('disk full');
        return fileMessage(...args);
      };
      await expect(failing.intake.receive(buildEml(MAYA_REPORT))).rejects.toThrow('disk full');
      expect(await failing.emailStore.getMessage('<maya-1@mail.example>')).toBeNull();
      fail = false;
      expect((await failing.intake.receive(buildEml(MAYA_REPORT))).status).toBe('accepted');
    } finally {
      failing.close();
    }
  });
});
