import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogLevel } from '@slack/bolt';
import { type ChatDesk, WIDGET_SECRET, chatClient, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

/*
 * Outages (issue 8, item 2): Slack's API and the SMTP server are down for a while — Slack refusing
 * (HTTP 500) and then hanging, the SMTP port closed. Conversations go on and hand off; packets wait
 * in the outbox with growing backoff; /health reports the backlog; once both are back every packet
 * arrives, once. The relay runs on a clock the test moves, as `npm start`'s interval would.
 */

const TOKEN = 'xoxb-outage';
const CHANNEL = 'C0TRIAGE';
const INBOX = 'triage@prismposter.test';
const MINUTE = 60_000;

interface Health {
  status: string;
  outbox: { pending: number; due: number; dead: number; oldestPendingAt: number | null };
}

describe('outages: Slack and SMTP down for a while', () => {
  let slack: SlackApiServer;
  let smtp: SmtpSink;
  let desk: ChatDesk;
  const clock = { now: Date.parse('2026-11-24T13:30:00.000Z') };

  beforeAll(async () => {
    slack = await startSlackApiServer({ token: TOKEN });
    smtp = await startSmtpSink();
    desk = await startChatDesk(
      {
        WIDGET_IDENTITY_SECRET: WIDGET_SECRET,
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: 'outage-signing-secret',
        SLACK_TRIAGE_CHANNEL: CHANNEL,
        SLACK_API_URL: slack.apiUrl,
        SUPPORT_INBOX: INBOX,
        SMTP_URL: smtp.url,
        SUPPORT_FROM: 'support@prismposter.test',
      },
      { now: () => clock.now, slack: { logLevel: LogLevel.ERROR, timeoutMs: 500 } },
    );
  });

  afterAll(async () => {
    await desk?.close();
    await slack?.close();
    await smtp?.close();
  });

  const health = async () => (await request(desk.url, 'GET', '/health')).body as Health;

  /** A user walks from the greeting to the hand-off; answers the packet ref. */
  async function handOff(headers: Record<string, string>, first: string): Promise<string> {
    const user = chatClient(desk.url, headers);
    const { conversationId } = await user.start();
    for (const option of [first, 'still_failing', 'still_failing', 'send_to_support']) await user.send(conversationId, { option });
    const sent = await user.send(conversationId, { option: 'send' });
    expect(sent.state).toBe('handed_off');
    return sent.packet?.ref ?? '';
  }

  it('goes on talking and handing off, keeps packets in the outbox with backoff, reports the backlog, and delivers each once when both are back', { timeout: 60_000 }, async () => {
    expect(await health()).toMatchObject({ status: 'ok', outbox: { pending: 0, dead: 0 } });

    // Down: Slack answers 500, the SMTP server is gone (connection refused).
    slack.fail('chat.postMessage', { kind: 'http500' });
    const smtpPort = smtp.port;
    await smtp.close();

    const refs = [
      await handOff(identityHeaders('maya@example.com'), 'run:gen_maya_video'),
      await handOff({}, 'other'),
      await handOff({}, 'other'),
    ];
    expect(refs.every((r) => /^PKT-/.test(r))).toBe(true);
    const queuedAt = clock.now;

    // The relay tries, fails, and backs off further each time.
    const gaps: number[] = [];
    for (let round = 0; round < 4; round++) {
      const run = await desk.deps.relay.runOnce();
      expect(run.delivered).toBe(0);
      const rows = await desk.deps.store.listOutbox();
      expect(rows).toHaveLength(refs.length * 2);
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'pending', attempts: round + 1 });
        expect(row.lastError).toMatch(row.kind.startsWith('slack') ? /500|slack/i : /ECONNREFUSED|connect/i);
      }
      const next = Math.min(...rows.map((r) => r.nextAttemptAt));
      gaps.push(next - clock.now);
      // Nothing is tried before its time.
      expect(await desk.deps.relay.runOnce()).toEqual({ delivered: 0, retrying: 0, dead: 0 });
      clock.now = Math.max(...rows.map((r) => r.nextAttemptAt));
    }
    expect(gaps[0]).toBeGreaterThanOrEqual(4_000);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1] as number);

    // /health tells operators what is waiting, and since when; the desk itself is fine.
    const during = await health();
    expect(during).toEqual({
      status: 'ok',
      database: 'ok',
      outbox: { pending: refs.length * 2, due: refs.length * 2, dead: 0, oldestPendingAt: queuedAt },
    });

    // Slack comes back hanging: the call is given up on after its timeout and tried again later.
    slack.heal();
    slack.fail('chat.postMessage', { kind: 'hang' }, 1);
    const hung = await desk.deps.relay.runOnce();
    expect(hung.delivered).toBe(2); // the two other packets' posts went through after the hung one
    clock.now += 30 * MINUTE;
    // A conversation during the outage still works, and its packet joins the queue.
    refs.push(await handOff({}, 'other'));

    // Both back: everything due goes out, once.
    smtp = await startSmtpSink(smtpPort);
    for (let i = 0; i < 3 && (await health()).outbox.pending > 0; i++) {
      await desk.deps.relay.runOnce();
      clock.now += 60 * MINUTE;
    }
    expect(await health()).toMatchObject({ status: 'ok', outbox: { pending: 0, due: 0, dead: 0, oldestPendingAt: null } });

    for (const ref of refs) {
      const posts = slack.callsOf('chat.postMessage').filter((c) => c.outcome === 'ok' && JSON.stringify(c.args).includes(ref));
      expect(posts, `Slack posts of ${ref}`).toHaveLength(1);
      const mails = smtp.received.filter((m) => m.to.includes(INBOX) && (m.parsed.subject ?? '').includes(ref));
      expect(mails, `inbox mails of ${ref}`).toHaveLength(1);
    }
    expect(smtp.received).toHaveLength(refs.length);
  });
});
