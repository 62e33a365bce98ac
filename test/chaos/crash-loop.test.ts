import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEml } from '../email/build-eml.ts';
import { type DeskProcess, killAll, startDeskProcess } from '../support/desk-process.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

/*
 * Crash safety (issue 8, item 1): the real server (`npm start`'s entry) is killed with SIGKILL at
 * random moments while reports arrive by email and packets are delivered to Slack and the support
 * inbox, many times over, then started again. A mail gateway in front of it keeps every message it
 * has no final answer for and delivers it again, as real ones do. In the end every message is filed
 * once, and every packet reaches Slack once and the inbox once.
 */

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 6);
/** New reports per round: enough to keep the intake and the relay busy when the kill comes. */
const MAX_NEW_PER_ROUND = 15;
const INBOX = 'triage@prismposter.test';
const SECRET = 'inbound-secret-crash-loop-4d1c';
const TOKEN = 'xoxb-crash-loop';
const CHANNEL = 'C0TRIAGE';

/** The gateway's view of one message: its id and whether it got a final answer. */
interface Mail {
  messageId: string;
  raw: string;
  answer: { status: string; packetRef?: string | null } | null;
}

describe('crash safety: SIGKILL at random moments while packets are made and delivered', () => {
  const children = new Set<ChildProcess>();
  let dir: string;
  let slack: SlackApiServer;
  let smtp: SmtpSink;
  let env: Record<string, string>;
  const mails: Mail[] = [];
  let made = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crash-loop-'));
    slack = await startSlackApiServer({ token: TOKEN });
    smtp = await startSmtpSink();
    env = {
      PORT: '0',
      SUPPORT_DB_PATH: join(dir, 'support.db'),
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: 'crash-loop-signing-secret',
      SLACK_TRIAGE_CHANNEL: CHANNEL,
      SLACK_API_URL: slack.apiUrl,
      SUPPORT_INBOX: INBOX,
      SMTP_URL: smtp.url,
      SUPPORT_FROM: 'support@prismposter.test',
      INBOUND_EMAIL_SECRET: SECRET,
      TRUSTED_AUTHSERV_ID: 'mx.prismposter.test',
      // Short claims so that work a killed process held is taken up again within the test.
      CLAIM_LEASE_SECONDS: '2',
      OUTBOX_INTERVAL_MS: '100',
    };
  });

  afterAll(async () => {
    killAll(children);
    await slack?.close();
    await smtp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new report from a new sender (each its own case), kept by the gateway until answered. */
  function newMail(): Mail {
    const n = ++made;
    const messageId = `<crash-${n}@mail.example>`;
    const raw = buildEml({
      from: `crash-${n}@example.org`,
      subject: `Run ${n} failed`,
      date: 'Tue, 24 Nov 2026 10:58:00 +0100',
      messageId,
      auth: false,
      body: `My Video Studio run failed at 9:${String(n % 60).padStart(2, '0')} and the credits are gone. Report ${n}.`,
    });
    const mail = { messageId, raw, answer: null };
    mails.push(mail);
    return mail;
  }

  /** One delivery attempt: a final answer is kept; a refused connection, a 5xx or a timeout is not. */
  async function deliver(desk: DeskProcess, mail: Mail): Promise<'final' | 'again'> {
    try {
      const res = await fetch(`${desk.url}/api/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', 'x-inbound-secret': SECRET },
        body: mail.raw,
        signal: AbortSignal.timeout(10_000),
      });
      if (res.status >= 500) return 'again';
      const body = (await res.json()) as { status: string; packetRef?: string | null };
      expect(res.status, JSON.stringify(body)).toBe(202);
      mail.answer = body;
      return 'final';
    } catch {
      return 'again';
    }
  }

  /** The gateway: a few connections, each delivering pending mail (and new mail) until told to stop. */
  async function gateway(desk: DeskProcess, until: () => boolean, newMailToo: boolean): Promise<void> {
    const lane = async () => {
      while (!until()) {
        const pending = mails.find((m) => m.answer === null && !inFlight.has(m)) ?? (newMailToo && made < madeBefore + MAX_NEW_PER_ROUND ? newMail() : null);
        if (!pending) return;
        inFlight.add(pending);
        const outcome = await deliver(desk, pending);
        inFlight.delete(pending);
        if (outcome === 'again') await new Promise((r) => setTimeout(r, 50));
      }
    };
    const inFlight = new Set<Mail>();
    const madeBefore = made;
    await Promise.all([lane(), lane(), lane()]);
  }

  it('files every message once and delivers every packet to Slack and the inbox once, across repeated SIGKILLs', { timeout: 240_000 }, async () => {
    const kills: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const desk = await startDeskProcess(env, children);
      let killed = false;
      const traffic = gateway(desk, () => killed, true);
      // Somewhere between the first reports and a busy relay.
      const after = 150 + Math.floor(Math.random() * 1200);
      await new Promise((r) => setTimeout(r, after));
      process.kill(-(desk.child.pid as number), 'SIGKILL');
      killed = true;
      kills.push(after);
      expect((await desk.exited).signal).toBe('SIGKILL');
      await traffic;
    }

    // The last start: the gateway delivers what is still pending; the relay empties the outbox.
    const killedAt = Date.now();
    const desk = await startDeskProcess(env, children);
    const deadline = Date.now() + 60_000;
    while (mails.some((m) => m.answer === null)) {
      expect(Date.now(), 'the gateway could not deliver everything').toBeLessThan(deadline);
      await gateway(desk, () => Date.now() > deadline, false);
    }
    for (;;) {
      const health = (await (await fetch(`${desk.url}/health`)).json()) as { outbox: { pending: number; dead: number } };
      expect(health.outbox.dead).toBe(0);
      if (health.outbox.pending === 0) break;
      expect(Date.now(), `the outbox did not drain: ${JSON.stringify(health.outbox)}\n${desk.output().slice(-3000)}`).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 200));
    }
    const drained = Date.now() - killedAt;
    desk.child.kill('SIGTERM');
    await desk.exited;

    let resent = 0;
    const db = new Database(env.SUPPORT_DB_PATH as string, { readonly: true });
    try {
      const filed = db.prepare(`SELECT message_id AS id, status, packet_ref AS ref FROM email_messages`).all() as { id: string; status: string; ref: string | null }[];
      const packets = db.prepare('SELECT ref FROM packets').all() as { ref: string }[];
      const outbox = db.prepare('SELECT kind, status, packet_ref AS ref FROM outbox').all() as { kind: string; status: string; ref: string }[];

      // Every message the gateway handed over is filed, once, into a packet of its own.
      expect(mails.length).toBeGreaterThan(ROUNDS * 3);
      expect(filed.map((f) => f.id).sort()).toEqual(mails.map((m) => m.messageId).sort());
      expect(filed.every((f) => f.status === 'accepted' && f.ref !== null)).toBe(true);
      const refs = filed.map((f) => f.ref as string);
      expect(new Set(refs).size).toBe(mails.length);
      expect(packets.map((p) => p.ref).sort()).toEqual([...refs].sort());
      for (const mail of mails) {
        expect(['accepted', 'duplicate']).toContain(mail.answer?.status);
        expect(refs).toContain(mail.answer?.packetRef);
      }
      // Each packet queued one Slack post, one packet mail and one auto-reply: all delivered.
      expect(outbox.filter((o) => o.status !== 'delivered')).toEqual([]);
      expect(outbox.length).toBe(3 * packets.length);

      for (const ref of refs) {
        const posts = slack.callsOf('chat.postMessage').filter((c) => c.outcome === 'ok' && JSON.stringify(c.args).includes(ref));
        expect(posts, `Slack posts of ${ref}`).toHaveLength(1);
        // SMTP has no way to ask whether a message arrived: one accepted right before the kill is
        // sent again after the lease, with the same Message-ID (the outbox row's), which is how the
        // receiving side recognises it. Exactly one message per packet and kind, then.
        const toInbox = smtp.received.filter((m) => m.to.includes(INBOX) && (m.parsed.subject ?? '').includes(ref));
        expect(new Set(toInbox.map((m) => m.parsed.messageId)).size, `inbox mails of ${ref}`).toBe(1);
        const replies = smtp.received.filter((m) => !m.to.includes(INBOX) && (m.parsed.subject ?? '').includes(ref));
        expect(new Set(replies.map((m) => m.parsed.messageId)).size, `auto-replies of ${ref}`).toBe(1);
        resent += toInbox.length - 1 + replies.length - 1;
      }
    } finally {
      db.close();
    }
    console.info(`crash loop: ${ROUNDS} SIGKILLs after ${kills.join(', ')} ms; ${mails.length} reports, ${slack.callsOf('chat.postMessage').length} Slack posts, ${smtp.received.length} mails (${resent} sent again after a kill, same Message-ID); ${drained} ms from the last start to an empty outbox`);
  });
});
