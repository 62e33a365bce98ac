import { describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import type { ChatMessage } from '../../src/chat/conversation-service.ts';
import { type SlackDesk, TRIAGE_CHANNEL, messageOf, startSlackDesk } from '../slack/slack-desk.ts';
import { OTHER_STAFF, STAFF, buttonClick } from '../slack/slack-payloads.ts';
import { WIDGET_SECRET, identityHeaders, request, startChatDesk } from '../support/chat-desk.ts';
import type { PlatformHttpServer } from '../support/platform-http-server.ts';
import { type SharedDesk, auditActions, noticeTopics, platformEnv, refundsOf, repeat, scalar, sendTo, startDemoPlatform, startSharedDesks, turnOf } from './race-helpers.ts';

/*
 * Send pressed in two tabs answered by two servers on one SQLite file (or two Workers isolates on
 * one D1): found as a bug by the race tests (the case was filed twice), fixed by the conversation's
 * hand-off claim (SupportStore.claimHandOff): one server files, the other reads the conversation
 * again once it is handed off. The note below says what used to happen.
 */

const ROUNDS = 6;

/*
 * Was: Send at the hand-off through two servers on one SQLite file files the case twice.
 *
 * Input: two desks (openNodeDesk, each its own conversation service) on the same
 * SQLite file, as two server processes behind a load balancer; a conversation at the `packet` step;
 * `POST /api/conversations/{id}/messages {"option":"send"}` to each server at the same moment.
 * Observed (every round, once both servers are warm): both turns run the hand-off before either is stored. Anonymous user: two
 * packets, each with its own `slack.packet` and `email.packet` deliveries (staff get the case twice);
 * the conversation and both answers name one of them, the other is an orphan no user will ever
 * quote. Signed-in user: the second filing
 * joins the first packet (same account and runs): a `packet.joined` audit entry, `slack.packet_update`
 * and `email.packet_update` deliveries, and "Send" twice in the packet's transcript. The messages of
 * the conversation itself are right (the version check retries the losing turn).
 * Expected: one packet and one set of deliveries, as on one server (races.test.ts).
 * At fault: src/chat/conversation-service.ts, `send()`: the flow's `handOff` actor files the packet
 * (line 127, `deps.packets.file`) while the turn is settling, before `saveTurn`'s optimistic version
 * check (line 276); on a conflict (line 281) the turn is replayed on top of the winner's state, but
 * the packet its first attempt filed is kept. The in-process queue (`serially`) only orders turns of
 * one process.
 */
describe('Send pressed on two servers at once (one SQLite file) files the case once', () => {
  const ENV = { WIDGET_IDENTITY_SECRET: WIDGET_SECRET, CHAT_RATE_BURST: '100000', SLACK_TRIAGE_CHANNEL: '#support-triage', SUPPORT_INBOX: 'support@prismposter.test' };

  const ANONYMOUS_STEPS = ['other', 'still_failing', 'still_failing', 'send_to_support'];
  const MAYA_STEPS = ['run:gen_maya_video', 'still_failing', 'still_failing', 'send_to_support'];
  type Desk = SharedDesk;

  /** A conversation taken to the packet step (its turns alternating between the servers), then Send on both at once. */
  async function sendOnBoth([a, b]: [Desk, Desk], identity: Record<string, string>, steps: string[]) {
    const started = await request(a.url, 'POST', '/api/conversations', { body: {}, headers: identity });
    const id = (started.body as { conversationId: string }).conversationId;
    for (const [i, option] of steps.entries()) turnOf(await sendTo((i % 2 ? b : a).url, id, { option }, identity));
    const packetsBefore = scalar(a.deps, 'SELECT count(*) FROM packets');
    const answers = await Promise.all([a, b].map((d) => sendTo(d.url, id, { option: 'send' }, identity)));
    const refs = answers.map((answer) => turnOf(answer).packet?.ref);
    const ref = refs[0] ?? '';
    return {
      packets: scalar(a.deps, 'SELECT count(*) FROM packets') - packetsBefore,
      sameRef: refs[0] === refs[1],
      outbox: (await a.deps.store.listOutbox({ packetRef: ref })).map((r) => r.kind).sort(),
      audit: await auditActions(a.deps, ref),
      sends: (await a.deps.store.getPacket(ref))?.transcript.filter((e) => e.from === 'user' && e.text === 'Send').length,
    };
  }

  /** Two servers on one file, each having handed off a conversation of its own already (warm, as servers in service are). */
  async function warmPair() {
    const shared = await startSharedDesks(2, ENV);
    const pair = shared.desks as [Desk, Desk];
    for (const desk of pair) await sendOnBoth([desk, desk], {}, ANONYMOUS_STEPS);
    return { shared, pair };
  }

  it(`an anonymous user's Send makes one packet (${ROUNDS} rounds)`, async () => {
    const { shared, pair } = await warmPair();
    try {
      const seen: unknown[] = [];
      await repeat(ROUNDS, async () => {
        const { packets, sameRef } = await sendOnBoth(pair, {}, ANONYMOUS_STEPS);
        seen.push({ packets, sameRef });
      });
      expect(seen).toEqual(seen.map(() => ({ packets: 1, sameRef: true })));
    } finally {
      await shared.close();
    }
  });

  it(`a signed-in user's Send makes one packet with one set of deliveries, not joined by itself (${ROUNDS} rounds)`, async () => {
    const seen: unknown[] = [];
    await repeat(ROUNDS, async () => {
      // A pair per round: Maya's case is filed once per database.
      const { shared, pair } = await warmPair();
      try {
        const { packets, outbox, audit, sends } = await sendOnBoth(pair, identityHeaders('maya@example.com'), MAYA_STEPS);
        seen.push({ packets, outbox, audit, sends });
      } finally {
        await shared.close();
      }
    });
    expect(seen).toEqual(seen.map(() => ({ packets: 1, outbox: ['email.packet', 'slack.packet'], audit: ['packet.created'], sends: 1 })));
  });
});
