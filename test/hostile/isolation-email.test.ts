import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Packet } from '../../src/core/support-packet.ts';
import { TRUSTED_ID, authResults, buildEml } from '../email/build-eml.ts';
import { type ChatDesk, startChatDesk } from '../support/chat-desk.ts';
import { type AccountRecords, accountRecords, leakedMarkers } from './account-records.ts';

/*
 * Isolation in the email intake, through `POST /api/email/inbound` of the real app over HTTP: Maya
 * (A) reports her failed 4k video from her own mailbox (DMARC pass) and gets her packet. Then Leo
 * (B, also proven by DMARC) writes about Maya's case in every way he can — quoting her packet ref in
 * the subject and body, replying to her message's Message-ID, naming her run id and Library item,
 * claiming her account — and somebody forges Maya's From without proof. None of it may join Maya's
 * packet, change it, its mail or its history, or put any of Maya's records in an answer to Leo.
 */

const SECRET = 'inbound-secret-for-hostile-tests';
const MAYA = 'maya@example.com';
const LEO = 'leo@example.com';

describe('email isolation between two accounts', () => {
  let desk: ChatDesk;
  let refA: string;
  let recordsA: AccountRecords;
  const mayaMessageId = '<maya-report-1@mail.example>';

  /** A's state as the store holds it: packet, deliveries, history and thread of messages. */
  async function stateOfA() {
    const store = desk.deps.store;
    return {
      packet: await store.getPacket(refA),
      outbox: await store.listOutbox({ packetRef: refA }),
      audit: await store.listAudit(refA),
      thread: await desk.deps.email.store.listThread(refA),
    };
  }

  const rfc5322Now = () => new Date().toUTCString().replace('GMT', '+0000');

  async function inbound(eml: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${desk.url}/api/email/inbound`, { method: 'POST', headers: { 'x-inbound-secret': SECRET, 'content-type': 'message/rfc822' }, body: eml });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    desk = await startChatDesk({
      INBOUND_EMAIL_SECRET: SECRET,
      TRUSTED_AUTHSERV_ID: TRUSTED_ID,
      SUPPORT_INBOX: 'triage@prismposter.test',
      SUPPORT_FROM: 'support@prismposter.test',
    });
    const filed = await inbound(
      buildEml({
        from: MAYA,
        fromName: 'Maya Berg',
        subject: 'Video failed and my credits dropped',
        date: rfc5322Now(),
        messageId: mayaMessageId,
        body: 'Hi,\n\nmy 4k video failed a little while ago and 40 credits are gone.\n\nMaya',
      }),
    );
    expect(filed).toMatchObject({ status: 202, body: { status: 'accepted', verified: true, joined: false } });
    refA = String(filed.body.packetRef);
    recordsA = accountRecords(desk.dbPath, 'acc_maya');
  });
  afterAll(() => desk?.close());

  it("files Maya's report as her verified packet about her failed run (the records to protect)", async () => {
    const packet = (await desk.deps.store.getPacket(refA)) as Packet;
    expect(packet).toMatchObject({ accountEmail: MAYA, verified: true, generationIds: ['gen_maya_video'], prompt: 'a paper boat crossing a stormy sea at dusk, cinematic' });
    expect(packet.findings?.refundDue).toBe(40);
    expect(recordsA.packetRefs).toEqual([refA]);
    // The auto-reply to Maya holds her records: the search finds them where they are.
    const [reply] = (await desk.deps.store.listOutbox({ packetRef: refA })).filter((o) => o.kind === 'email.auto_reply');
    expect(leakedMarkers(reply?.payload, recordsA)).toEqual(expect.arrayContaining(['gen_maya_video', refA]));
  });

  /** Leo's mails about Maya's case, and what each is expected to be. */
  const leoMails = (ref: string) => [
    {
      what: "a reply quoting A's ref in the subject and body, threaded on A's message",
      verified: true,
      eml: {
        subject: `Re: [${ref}] Re: Video failed and my credits dropped`,
        headers: [`In-Reply-To: ${mayaMessageId}`, `References: ${mayaMessageId}`],
        body: `Any news on ${ref}? Please send me everything you found.`,
      },
    },
    {
      what: "A's run id and Library item named as his own",
      verified: true,
      eml: {
        subject: `[${ref}] my video failed`,
        headers: [],
        body: `My video gen_maya_video failed, see https://prismposter.example/library/lib_maya_1 and https://prismposter.example/library/lib_maya_2. Case ${ref}.`,
      },
    },
    {
      what: "A's account claimed as his",
      verified: false,
      eml: {
        subject: `Re: [${ref}]`,
        headers: [],
        body: `My account is maya@example.com and I sign in with maya@example.com. The prompt was "a paper boat". Refund ${ref} to me.`,
      },
    },
  ];

  it("never joins Leo's mails about Maya's case to her packet, nor shows him any of her records", async () => {
    const before = await stateOfA();
    let n = 0;
    for (const { what, verified, eml } of leoMails(refA)) {
      const typed = [eml.subject, eml.body];
      const answer = await inbound(buildEml({ from: LEO, fromName: 'Leo Park', date: rfc5322Now(), messageId: `<leo-${++n}@mail.example>`, ...eml }));
      expect(answer, what).toMatchObject({ status: 202, body: { status: 'accepted', joined: false, verified } });
      const refB = String(answer.body.packetRef);
      expect(refB, what).not.toBe(refA);
      expect(leakedMarkers(answer.body, recordsA, typed), what).toEqual([]);
      // Leo's packet and every mail queued with it: none of Maya's records beyond what he typed.
      const packetB = (await desk.deps.store.getPacket(refB)) as Packet;
      expect(leakedMarkers(packetB, recordsA, typed), `${what}: packet`).toEqual([]);
      expect(packetB.findings === null || packetB.findings.account.id === 'acc_leo', what).toBe(true);
      for (const row of await desk.deps.store.listOutbox({ packetRef: refB })) {
        expect(row.destination, what).not.toBe(MAYA);
        expect(leakedMarkers(row.payload, recordsA, typed), `${what}: ${row.kind}`).toEqual([]);
      }
      expect(await stateOfA(), what).toEqual(before);
    }
  });

  it("does not join a forged From: Maya without proof to her proven packet, and answers it with no account data", async () => {
    const before = await stateOfA();
    const body = `Please refund ${refA} to my new card and tell me the prompt and the error.`;
    const subject = `Re: [${refA}] Re: Video failed and my credits dropped`;
    const answer = await inbound(buildEml({ from: MAYA, fromName: 'Maya Berg', subject, date: rfc5322Now(), messageId: '<forged-1@attacker.example>', auth: false, body }));
    expect(answer).toMatchObject({ status: 202, body: { status: 'accepted', joined: false, verified: false } });
    expect(answer.body.packetRef).not.toBe(refA);
    const outbox = await desk.deps.store.listOutbox({ packetRef: String(answer.body.packetRef) });
    for (const row of outbox) expect(leakedMarkers(row.payload, recordsA, [body, subject, MAYA, 'Maya Berg'])).toEqual([]);
    expect(await stateOfA()).toEqual(before);
  });

  it("does not join a mail proven for another server's domain that quotes the ref", async () => {
    const before = await stateOfA();
    const body = `About ${refA}: send me the details.`;
    const answer = await inbound(
      buildEml({ from: MAYA, subject: `[${refA}]`, date: rfc5322Now(), messageId: '<forged-2@attacker.example>', auth: authResults('example.com', 'pass', 'mx.attacker.example'), body }),
    );
    expect(answer).toMatchObject({ status: 202, body: { status: 'accepted', joined: false, verified: false } });
    expect(await stateOfA()).toEqual(before);
  });

  it("does not file Leo's mail into Maya's case when it reuses her Message-ID, and changes nothing of hers", async () => {
    const before = await stateOfA();
    const answer = await inbound(buildEml({ from: LEO, subject: 'hello', date: rfc5322Now(), messageId: mayaMessageId, body: 'What did Maya write?' }));
    // The gateway (which holds the shared secret) is told it is a duplicate of the message it already
    // delivered; Leo himself is answered nothing: no auto-reply, no packet.
    expect(answer).toMatchObject({ status: 202, body: { status: 'duplicate', messageId: mayaMessageId } });
    expect((await desk.deps.store.listOutbox()).filter((o) => o.destination === LEO && o.payload && JSON.stringify(o.payload).includes('What did Maya write'))).toEqual([]);
    expect(await stateOfA()).toEqual(before);
  });

  it("has queued nothing to Leo, in all, that holds Maya's records beyond what he wrote", async () => {
    const typed = leoMails(refA).flatMap((m) => [m.eml.subject, m.eml.body]);
    const toLeo = (await desk.deps.store.listOutbox()).filter((o) => o.destination === LEO);
    expect(toLeo.length).toBeGreaterThanOrEqual(3);
    for (const row of toLeo) expect(leakedMarkers(row.payload, recordsA, typed), row.kind).toEqual([]);
  });
});
