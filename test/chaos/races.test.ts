import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import type { SupportStore } from '../../src/core/support-store.ts';
import type { EmailStore } from '../../src/email/email-store.ts';
import type { NodeDesk } from '../../adapters/node/node-desk.ts';
import { TRUSTED_ID, buildEml } from '../email/build-eml.ts';
import { type EmailDesk, startEmailDesk } from '../email/email-desk.ts';
import { BOT_TOKEN, SIGNING_SECRET, type SlackDesk, TRIAGE_CHANNEL, messageOf, startSlackDesk } from '../slack/slack-desk.ts';
import { OTHER_STAFF, STAFF, buttonClick } from '../slack/slack-payloads.ts';
import { type Answer, type ChatDesk, WIDGET_SECRET, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import type { PlatformHttpServer } from '../support/platform-http-server.ts';
import { type SlackApiServer, startSlackApiServer } from '../support/slack-api-server.ts';
import {
  type Delivery,
  type SharedDesks,
  auditActions,
  deliver,
  expectMessageShowsFinalState,
  expectOneAccepted,
  expectTurnsKeptOnce,
  noticeTopics,
  platformEnv,
  postSlack,
  refundsOf,
  repeat,
  rows,
  said,
  scalar,
  sendTo,
  startDemoPlatform,
  startSharedDesks,
  turnOf,
} from './race-helpers.ts';

/*
 * Races (issue 8, item 3): a support desk trusted with money, hit where two things happen at once —
 * two *Approve refund* clicks, two browser tabs sending to one conversation, the same email delivered
 * twice — through the real parts (the app over HTTP, SQLite files, bolt with signed requests and the
 * real @slack/web-api against the Slack stand-in, the email intake and its route). Each race is run
 * many rounds, each round a fresh case, and every round must end with one effect.
 * What these races found broken (and is now fixed) is in races-decisions, races-hand-off and races-times.test.ts.
 */

const MAYA_REFUND = { accountId: 'acc_maya', generationId: 'gen_maya_video', amount: 40, balanceBefore: 146 };

/** The work after the acks of every desk, then their outboxes (twice: a run already under way may have missed the last rows). */
async function settle(...all: Pick<NodeDesk, 'slack' | 'relay'>[]): Promise<void> {
  for (const deps of all) await deps.slack?.settled();
  for (const deps of all) {
    await deps.relay.runOnce();
    await deps.relay.runOnce();
  }
}

/** Slack's answers to the clicks: each acknowledged at once with an empty 200, whatever came of it. */
async function expectAcked(answers: readonly Response[]): Promise<void> {
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
  }
}

/** The notes to staff (ephemeral), each with whom it was for. */
const notes = (slack: SlackApiServer) => slack.callsOf('chat.postEphemeral').map((c) => ({ user: String(c.args.user), text: String(c.args.text) }));

/**
 * After `clicks.length` Approve clicks on Maya's packet: one refund of 40 credits in the account's
 * ledger, one `refund.*` audit entry, the packet refunded, the user told once, the message in Slack
 * showing the final state; each clicker got one note, exactly one of them "Refunded 40 credits", the
 * others a harmless "already" note, and nobody an error.
 */
async function expectRefundedOnce(deps: Pick<NodeDesk, 'platform' | 'store'>, slack: SlackApiServer, ref: string, clickers: readonly string[]): Promise<void> {
  const { refunds, balance } = await refundsOf(deps, MAYA_REFUND.accountId, MAYA_REFUND.generationId);
  expect(refunds.map((r) => r.amount)).toEqual([MAYA_REFUND.amount]);
  expect(balance).toBe(MAYA_REFUND.balanceBefore + MAYA_REFUND.amount);
  expect((await auditActions(deps, ref)).filter((a) => a.startsWith('refund.'))).toEqual(['refund.approved']);
  expect((await deps.store.getPacket(ref))?.status).toBe('refunded');
  expect(await noticeTopics(deps, ref)).toEqual(['refund']);
  await expectMessageShowsFinalState(deps, slack, ref);
  expect(messageOf(slack, ref).text).toContain('Refunded');

  const told = notes(slack);
  expect(told.map((n) => n.user).sort()).toEqual([...clickers].sort());
  expect(told.filter((n) => n.text === `Refunded 40 credits on ${ref}.`)).toHaveLength(1);
  for (const note of told.filter((n) => n.text !== `Refunded 40 credits on ${ref}.`)) {
    expect(note.text).toMatch(new RegExp(`^(Already done: refund\\.approved on ${ref}\\.|${ref} is refunded already\\.)$`));
  }
}

describe('races: Approve refund clicked several times at once', () => {
  const staffFor = (round: number, i: number) => (round % 2 === 1 && i % 2 === 1 ? OTHER_STAFF : STAFF);

  /** Maya's packet (40 credits due) posted to Slack on a fresh desk, and N Approve clicks on it at once. */
  async function approveRound(desk: SlackDesk, round: number, clicks: number): Promise<void> {
    const { packet, ts } = await desk.postMaya();
    const users = Array.from({ length: clicks }, (_, i) => staffFor(round, i));
    const answers = await Promise.all(users.map((user) => desk.post(buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user }))));
    await expectAcked(answers);
    await settle(desk.deps);
    await expectRefundedOnce(desk.deps, desk.slack, packet.ref, users.map((u) => u.id));
  }

  it('2 to 5 clicks at once, by one or two members of staff: one refund, one audit entry, one notice, the message refunded (12 rounds)', async () => {
    await repeat(12, async (round) => {
      const desk = await startSlackDesk();
      try {
        await approveRound(desk, round, 2 + (round % 4));
      } finally {
        await desk.close();
      }
    });
  });

  it('the same against the platform over HTTP, where every platform call is a real round trip and the clicks really interleave (8 rounds)', async () => {
    await repeat(8, async (round) => {
      const platform = await startDemoPlatform();
      const desk = await startSlackDesk(platformEnv(platform));
      try {
        await approveRound(desk, round, 2 + (round % 4));
        // The platform was asked for the refund with the packet-and-run key; never a second key.
        const keys = new Set(platform.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key']));
        expect([...keys]).toHaveLength(1);
      } finally {
        await desk.close();
        await platform.close();
      }
    });
  });

  it('clicks split between two servers on one SQLite file, each with its own bolt app: still one refund (10 rounds)', async () => {
    const slack = await startSlackApiServer({ token: BOT_TOKEN, userNames: { U0STAFF1: 'Maria', U0STAFF2: 'Jon' } });
    try {
      await repeat(10, async (round) => {
        const shared = await startSharedDesks(2, {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_TRIAGE_CHANNEL: TRIAGE_CHANNEL,
          SLACK_API_URL: slack.apiUrl,
        });
        slack.calls.length = 0;
        try {
          const [a, b] = shared.desks as [SharedDesks['desks'][number], SharedDesks['desks'][number]];
          const { packet } = await a.deps.packets.file({
            channel: 'email',
            accountEmail: 'maya@example.com',
            verified: true,
            stepsTried: ['retry'],
            transcript: [{ from: 'user', text: 'My 4k video failed and the credits are gone.', at: new Date().toISOString() }],
          });
          await settle(a.deps);
          const ts = messageOf(slack, packet.ref).ts;
          const clicks = 2 + (round % 4);
          const users = Array.from({ length: clicks }, (_, i) => staffFor(round, i));
          const answers = await Promise.all(
            users.map((user, i) => postSlack(i % 2 ? b.app : a.app, buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user }), SIGNING_SECRET)),
          );
          await expectAcked(answers);
          await settle(a.deps, b.deps);
          await expectRefundedOnce(a.deps, slack, packet.ref, users.map((u) => u.id));
        } finally {
          await shared.close();
          for (const key of [...slack.messages.keys()]) slack.messages.delete(key);
        }
      });
    } finally {
      await slack.close();
    }
  });

  // With the embedded platform; against the platform over HTTP: races-decisions.test.ts.
  it('Approve racing Resolve on one packet: one of the two serial histories, never a refund on a resolved packet (12 rounds)', async () => {
    await repeat(12, async (round) => {
      const desk = await startSlackDesk();
      try {
        const { packet, ts } = await desk.postMaya();
        const approve = () => desk.post(buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user: STAFF }));
        const resolve = () => desk.post(buttonClick({ actionId: ActionId.resolve, ref: packet.ref, channel: TRIAGE_CHANNEL, messageTs: ts, user: OTHER_STAFF }));
        await expectAcked(await Promise.all(round % 2 ? [approve(), resolve()] : [resolve(), approve()]));
        await settle(desk.deps);

        const { refunds } = await refundsOf(desk.deps, MAYA_REFUND.accountId, MAYA_REFUND.generationId);
        const actions = await auditActions(desk.deps, packet.ref);
        const told = Object.fromEntries(notes(desk.slack).map((n) => [n.user, n.text]));
        // Resolve is taken either way (a refunded case can be closed); the refund only while the case was open.
        expect((await desk.deps.store.getPacket(packet.ref))?.status).toBe('resolved');
        expect(told[OTHER_STAFF.id]).toBe(`${packet.ref} is resolved.`);
        if (refunds.length === 0) {
          // Resolved first: the approval was refused, nothing paid, the user told once that the case is closed.
          expect(actions).toEqual(['packet.created', 'packet.resolved']);
          expect(await noticeTopics(desk.deps, packet.ref)).toEqual(['resolved']);
          expect(told[STAFF.id]).toBe(`${packet.ref} is resolved; nothing is refunded from a closed case.`);
        } else {
          // Approved first: one refund while open, then closed.
          expect(refunds.map((r) => r.amount)).toEqual([MAYA_REFUND.amount]);
          expect(actions).toEqual(['packet.created', 'refund.approved', 'packet.resolved']);
          expect(await noticeTopics(desk.deps, packet.ref)).toEqual(['refund', 'resolved']);
          expect(told[STAFF.id]).toBe(`Refunded 40 credits on ${packet.ref}.`);
        }
        await expectMessageShowsFinalState(desk.deps, desk.slack, packet.ref);
      } finally {
        await desk.close();
      }
    });
  });
});

describe('races: two browser tabs sending to one conversation', () => {
  const DESTINATIONS = { SLACK_TRIAGE_CHANNEL: '#support-triage', SUPPORT_INBOX: 'support@prismposter.test' };
  const ENV = { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '100000', ...DESTINATIONS };
  const MAYA = identityHeaders('maya@example.com');
  const TO_PACKET = { anonymous: ['other', 'still_failing', 'still_failing', 'send_to_support'], maya: ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support'] };

  const started = async (url: string, headers: Record<string, string>) => {
    const answer = await request(url, 'POST', '/api/conversations', { body: {}, headers });
    expect(answer.status).toBe(201);
    return (answer.body as { conversationId: string }).conversationId;
  };
  const read = async (url: string, id: string, headers: Record<string, string>) => {
    const answer = await request(url, 'GET', `/api/conversations/${id}`, { headers });
    expect(answer.status).toBe(200);
    return answer.body as { state: string; messages: ChatMessage[]; packet?: { ref: string } };
  };

  /** Sends `inputs` one after another to a new conversation: what the flow says when they come in that order. */
  async function replay(url: string, headers: Record<string, string>, inputs: readonly unknown[], prefix: readonly unknown[] = []) {
    const id = await started(url, headers);
    for (const input of [...prefix, ...inputs]) turnOf(await sendTo(url, id, input, headers));
    return read(url, id, headers);
  }

  /**
   * N tabs send `inputs[i]` at once (tab i to server i mod the servers); checks every turn is kept
   * once and whole, and (unless `replayed` is false) that the conversation is what the same inputs
   * sent one after another, in the order the desk applied them, make of a new one.
   */
  async function sendAtOnce(urls: readonly string[], id: string, headers: Record<string, string>, inputs: readonly unknown[], options: { prefix?: readonly unknown[]; replayed?: boolean } = {}) {
    const before = await read(urls[0] as string, id, headers);
    const answers: Answer[] = await Promise.all(inputs.map((input, i) => sendTo(urls[i % urls.length] as string, id, input, headers)));
    const turns = answers.map((answer, i) => ({ input: inputs[i], ...turnOf(answer) }));
    const after = await read(urls[0] as string, id, headers);
    const applied = expectTurnsKeptOnce(before.messages, after.messages, turns);
    // The state is the one the last applied turn answered…
    expect(after.state).toBe(applied.at(-1)?.state);
    if (options.replayed !== false) {
      // …and the one the flow reaches with the same inputs sent one after another in that order.
      const serial = await replay(urls[0] as string, headers, applied.map((t) => t.input), options.prefix);
      expect(after.state).toBe(serial.state);
      expect(said(after.messages)).toEqual(said(serial.messages));
    }
    return { answers: turns, after };
  }

  describe('on one server', () => {
    let desk: ChatDesk;
    beforeAll(async () => {
      desk = await startChatDesk(ENV);
    });
    afterAll(() => desk?.close());

    it('different inputs from 2 or 3 tabs at once: every message kept once, whole, in a serial order (10 rounds)', async () => {
      await repeat(10, async (round) => {
        const id = await started(desk.url, MAYA);
        const inputs = [{ option: 'run:gen_maya_video' }, { text: `were my credits charged? (tab 2, round ${round})` }, { text: `still failing, tab 3 round ${round}` }].slice(0, 2 + (round % 2));
        await sendAtOnce([desk.url], id, MAYA, inputs);
      });
    });

    it('the same message from 2 or 3 tabs at once: each kept once, whole (10 rounds)', async () => {
      await repeat(10, async (round) => {
        const id = await started(desk.url, MAYA);
        const input = round % 2 ? { option: 'run:gen_maya_video' } : { text: 'still failing' };
        await sendAtOnce([desk.url], id, MAYA, Array.from({ length: 2 + (round % 2) }, () => input));
      });
    });

    it('Send pressed in 2 or 3 tabs at once at the hand-off: one packet, one Slack and one inbox delivery (12 rounds, anonymous)', async () => {
      await repeat(12, async (round) => {
        const id = await started(desk.url, {});
        for (const option of TO_PACKET.anonymous) turnOf(await sendTo(desk.url, id, { option }, {}));
        const packetsBefore = scalar(desk.deps, 'SELECT count(*) FROM packets');
        const tabs = 2 + (round % 2);
        // Not replayed: a replay would file a packet of its own.
        const { answers, after } = await sendAtOnce([desk.url], id, {}, Array.from({ length: tabs }, () => ({ option: 'send' })), { replayed: false });
        await expectOnePacket(desk.deps.store, desk.deps, answers, after, packetsBefore);
      });
    });
  });

  /** Every tab was answered with the one packet; one packet row more; its deliveries and audit once; its transcript ends at the first Send. */
  async function expectOnePacket(store: SupportStore, deps: Pick<NodeDesk, 'sqlite'>, answers: { state: string; messages: ChatMessage[] }[], after: { state: string; packet?: { ref: string } }, packetsBefore: number) {
    expect(answers.map((a) => a.state)).toEqual(answers.map(() => 'handed_off'));
    expect(after.state).toBe('handed_off');
    const ref = after.packet?.ref ?? '';
    expect(ref).toMatch(/^PKT-/);
    expect(scalar(deps, 'SELECT count(*) FROM packets')).toBe(packetsBefore + 1);
    expect((await store.listOutbox({ packetRef: ref })).map((r) => [r.kind, r.destination]).sort()).toEqual([
      ['email.packet', DESTINATIONS.SUPPORT_INBOX],
      ['slack.packet', DESTINATIONS.SLACK_TRIAGE_CHANNEL],
    ]);
    const actions = await auditActions({ store }, ref);
    expect(actions.filter((a) => a.startsWith('packet.'))).toEqual(['packet.created']);
    const packet = await store.getPacket(ref);
    // The greeting's choice, three steps and one Send: the later Sends did not join the packet.
    expect(packet?.transcript.filter((e) => e.from === 'user')).toHaveLength(5);
    expect(packet?.transcript.at(-1)).toMatchObject({ from: 'user', text: 'Send' });
    return { ref, actions };
  }

  it('Send pressed in 2 or 3 tabs at once by a signed-in user with automatic refunds: one packet, one refund (4 rounds)', async () => {
    await repeat(4, async (round) => {
      const desk = await startChatDesk({ ...ENV, AUTO_REFUND_LIMIT: '50' });
      try {
        const id = await started(desk.url, MAYA);
        for (const option of TO_PACKET.maya) turnOf(await sendTo(desk.url, id, { option }, MAYA));
        const tabs = 2 + (round % 2);
        const before = await read(desk.url, id, MAYA);
        const answers = await Promise.all(Array.from({ length: tabs }, () => sendTo(desk.url, id, { option: 'send' }, MAYA)));
        const turns = answers.map(turnOf);
        const after = await read(desk.url, id, MAYA);
        expectTurnsKeptOnce(before.messages, after.messages, turns);
        const { ref, actions } = await expectOnePacket(desk.deps.store, desk.deps, turns, after, 0);
        expect(actions).toEqual(['packet.created', 'refund.issued']);
        const { refunds, balance } = await refundsOf(desk.deps, MAYA_REFUND.accountId, MAYA_REFUND.generationId);
        expect(refunds.map((r) => r.amount)).toEqual([MAYA_REFUND.amount]);
        expect(balance).toBe(MAYA_REFUND.balanceBefore + MAYA_REFUND.amount);
        expect((await desk.deps.store.getPacket(ref))?.status).toBe('refunded');
        // Told once, by the turn that handed off.
        const told = after.messages.filter((m) => m.text.includes('A refund of 40 credits was issued automatically.'));
        expect(told).toHaveLength(1);
      } finally {
        await desk.close();
      }
    });
  });

  describe('on two servers over one SQLite file (each its own conversation service)', () => {
    let shared: SharedDesks;
    const conflicts = [0, 0];
    beforeAll(async () => {
      shared = await startSharedDesks(2, ENV);
      // Count the optimistic version check's refusals: a turn written on a stale version is retried.
      shared.desks.forEach((desk, i) => {
        const saveTurn = desk.deps.store.saveTurn.bind(desk.deps.store);
        desk.deps.store.saveTurn = async (...args) => {
          const saved = await saveTurn(...args);
          if (saved.status === 'conflict') conflicts[i] = (conflicts[i] ?? 0) + 1;
          return saved;
        };
      });
    });
    afterAll(() => shared?.close());
    const total = () => (conflicts[0] ?? 0) + (conflicts[1] ?? 0);

    it('a turn answered on each server at once: one retry at most, nothing lost or doubled, a serial order (12 rounds)', async () => {
      const urls = shared.desks.map((d) => d.url);
      const deps = shared.desks[0]?.deps as NodeDesk;
      await repeat(12, async (round) => {
        const headers = round % 2 ? MAYA : {};
        const id = await started(urls[round % 2] as string, headers);
        const inputs = [
          [{ text: `hello from server A, round ${round}` }, { text: `hello from server B, round ${round}` }],
          [{ option: 'other' }, { option: 'other' }],
          [{ text: 'how do I check my credits?' }, { text: 'my video failed' }],
        ][round % 3] as unknown[];
        const versionBefore = scalar(deps, 'SELECT version FROM conversations WHERE id = ?', id);
        const conflictsBefore = total();
        await sendAtOnce(round % 2 ? [...urls].reverse() : urls, id, headers, inputs);
        expect(scalar(deps, 'SELECT version FROM conversations WHERE id = ?', id)).toBe(versionBefore + 2);
        // Two writers from one version: the second is refused once and replays on top of the first.
        expect(total() - conflictsBefore).toBeLessThanOrEqual(1);
        const seqs = rows<{ seq: number }>(deps, 'SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq', id).map((r) => r.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i));
      });
      // The race really happened: both servers read one version and one of them retried.
      expect(total()).toBeGreaterThan(0);
    });
  });
});

describe('races: the same email delivered several times at once', () => {
  const SECRET = 'inbound-secret-for-races-5e1d';
  const INBOX = 'triage@prismposter.test';
  const mayaReport = (messageId: string) =>
    buildEml({
      from: 'maya@example.com',
      subject: 'Video failed and my credits dropped',
      date: 'Sat, 21 Nov 2026 10:58:00 +0100',
      messageId,
      body: 'Hi,\n\nthis morning at 9:25 (Berlin time) my video failed and 40 credits are gone.\n\nMaya',
    });
  /** A report from a sender of its own (no case shared with any other): only the Message-ID keeps it once. */
  const strangerReport = (n: string, verified: boolean) =>
    buildEml({
      from: `race-${n}@example.org`,
      subject: `Run ${n} failed`,
      date: 'Sat, 21 Nov 2026 10:58:00 +0100',
      messageId: `<race-${n}@mail.example>`,
      auth: verified,
      body: `My Video Studio run failed at 9:25 and the credits are gone. Report ${n}.`,
    });
  const senderOf = (raw: string) => /^From: (?:.*<)?([^>\s]+)>?$/m.exec(raw)?.[1] ?? '';
  const messageIdOf = (raw: string) => /^Message-ID: (\S+)$/m.exec(raw)?.[1] ?? '';

  /** One message filed once: one packet more, one `email_messages` row accepted, one auto-reply, one delivery to the inbox. */
  async function expectFiledOnce(deps: Pick<NodeDesk, 'sqlite' | 'store'>, raw: string, ref: string, packetsBefore: number) {
    expect(scalar(deps, 'SELECT count(*) FROM packets')).toBe(packetsBefore + 1);
    expect(rows(deps, 'SELECT status, packet_ref AS ref, auto_replied AS replied FROM email_messages WHERE message_id = ?', messageIdOf(raw))).toEqual([
      { status: 'accepted', ref, replied: 1 },
    ]);
    const outbox = await deps.store.listOutbox({ packetRef: ref });
    expect(outbox.map((r) => [r.kind, r.destination]).sort()).toEqual([
      ['email.auto_reply', senderOf(raw)],
      ['email.packet', INBOX],
    ]);
    expect(scalar(deps, "SELECT count(*) FROM outbox WHERE kind = 'email.auto_reply' AND destination = ?", senderOf(raw))).toBe(1);
    expect(scalar(deps, 'SELECT count(*) FROM email_dead_letters')).toBe(0);
  }

  describe('to the intake itself (intake.receive)', () => {
    let desk: EmailDesk;
    beforeAll(async () => {
      desk = await startEmailDesk();
    });
    afterAll(() => desk?.close());

    it('2 or 5 deliveries at once: one accepted, the others duplicate, one packet and one auto-reply (12 rounds)', async () => {
      const writes = countFileWrites([desk.emailStore]);
      await repeat(12, async (round) => {
        // The first round is Maya's report (her account, her failed run); the others are strangers' (no case to join).
        const raw = round === 0 ? mayaReport('<maya-race@mail.example>') : strangerReport(`intake-${round}`, false);
        const messageId = messageIdOf(raw);
        const packetsBefore = scalar(desk, 'SELECT count(*) FROM packets');
        const outcomes = await Promise.all(Array.from({ length: round % 2 ? 5 : 2 }, () => desk.intake.receive(raw)));
        const accepted = outcomes.filter((o) => o.status === 'accepted');
        expect(accepted, JSON.stringify(outcomes)).toHaveLength(1);
        const ref = accepted[0]?.status === 'accepted' ? accepted[0].packetRef : '';
        expect(accepted[0]).toMatchObject({ joined: false, autoReply: 'queued', verified: round === 0 });
        for (const outcome of outcomes) if (outcome.status !== 'accepted') expect(outcome).toEqual({ status: 'duplicate', messageId, packetRef: ref });
        await expectFiledOnce(desk, raw, ref, packetsBefore);
        if (round === 0) expect((await desk.store.getPacket(ref))?.findings?.refundDue).toBe(40);
      });
      // The deliveries did overlap: some were worked out alongside the first and lost at the write.
      expect(writes.overlapped()).toBeGreaterThan(0);
    });
  });

  /**
   * Counts, per Message-ID, the deliveries that came to write (`fileMessage`): more than one means
   * a delivery was worked out while another was, and the store kept it to one.
   */
  function countFileWrites(stores: Pick<EmailStore, 'fileMessage'>[]) {
    const calls = new Map<string, number>();
    for (const store of stores) {
      const fileMessage = store.fileMessage.bind(store);
      store.fileMessage = (message, packet, effects) => {
        calls.set(message.messageId, (calls.get(message.messageId) ?? 0) + 1);
        return fileMessage(message, packet, effects);
      };
    }
    return { overlapped: () => [...calls.values()].filter((n) => n > 1).length };
  }

  /** The gateway: the deliveries made at once (and any direct ones); every answer is final. */
  async function gatewayRound(urls: readonly string[], raw: string, deliveries: number, extra: (() => Promise<Delivery>)[] = []) {
    const first = await Promise.all([...Array.from({ length: deliveries }, (_, i) => deliver(urls[i % urls.length] as string, raw, SECRET)), ...extra.map((f) => f())]);
    const ref = expectOneAccepted(first, messageIdOf(raw));
    return { first, ref };
  }

  describe('over HTTP, POST /api/email/inbound', () => {
    let platform: PlatformHttpServer;
    let shared: SharedDesks;
    beforeAll(async () => {
      // The platform over HTTP: filing a verified report waits on real round trips, so deliveries overlap.
      platform = await startDemoPlatform();
      shared = await startSharedDesks(2, { INBOUND_EMAIL_SECRET: SECRET, TRUSTED_AUTHSERV_ID: TRUSTED_ID, SUPPORT_INBOX: INBOX, ...platformEnv(platform) });
    });
    afterAll(async () => {
      await shared?.close();
      await platform?.close();
    });

    it('2 or 5 deliveries at once to one server: one 202 accepted, the others 202 duplicate of the same packet, never a second packet (12 rounds)', async () => {
      const desk = shared.desks[0] as SharedDesks['desks'][number];
      const writes = countFileWrites([desk.deps.email.store]);
      await repeat(12, async (round) => {
        const raw = round === 0 ? mayaReport('<maya-http@mail.example>') : strangerReport(`http-${round}`, round % 3 !== 0);
        const packetsBefore = scalar(desk.deps, 'SELECT count(*) FROM packets');
        const { first, ref } = await gatewayRound([desk.url], raw, round % 2 ? 5 : 2);
        for (const answer of first) expect(answer.status).toBe(202);
        await expectFiledOnce(desk.deps, raw, ref, packetsBefore);
      });
      expect(writes.overlapped()).toBeGreaterThan(0);
    });

    it('5 deliveries at once split between two servers on one SQLite file, and two intakes called directly: still one packet (10 rounds)', async () => {
      const [a, b] = shared.desks as [SharedDesks['desks'][number], SharedDesks['desks'][number]];
      const writes = countFileWrites([a.deps.email.store, b.deps.email.store]);
      await repeat(10, async (round) => {
        const raw = strangerReport(`two-${round}`, round % 2 === 0);
        const packetsBefore = scalar(a.deps, 'SELECT count(*) FROM packets');
        // Two more deliveries straight into each server's intake, as the Workers' email() handler would make them.
        const direct = [a, b].map((desk) => async (): Promise<Delivery> => {
          const outcome = await desk.deps.email.intake.receive(raw);
          return { status: 202, body: outcome };
        });
        const { first, ref } = await gatewayRound([a.url, b.url], raw, 5, direct);
        for (const answer of first) expect(answer.status).toBe(202);
        await expectFiledOnce(a.deps, raw, ref, packetsBefore);
      });
      // The deliveries did overlap: some were worked out on both servers and lost at the write.
      expect(writes.overlapped()).toBeGreaterThan(0);
    });
  });
});
