import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { TRIAGE_CHANNEL, textOf } from '../slack/slack-desk.ts';
import { askSubmission, buttonClick, slashCommand, threadMessage } from '../slack/slack-payloads.ts';
import { leakedMarkers } from './account-records.ts';
import { type TwoPacketDesk, startTwoPacketDesk, visibleCalls } from './slack-two-packets.ts';
import { snapshotStore, storeChanges } from './store-snapshot.ts';

/*
 * Isolation in Slack: two verified packets in the triage channel, Maya's (A, 40 credits due) and
 * Leo's (B, his failed image run). Staff may look at any packet, but an answer about one is given
 * only to the member of staff who asked, holds only that packet's records, and nothing done in one
 * packet's thread (a reply to the user, a question) reaches or changes the other.
 * The click on B's message carrying A's ref is refused: isolation-slack-forged-click.test.ts.
 */
describe('Slack isolation between two packets', () => {
  let t: TwoPacketDesk;

  beforeAll(async () => {
    t = await startTwoPacketDesk();
  });
  afterAll(() => t?.desk.close());

  /** What staff write in B's thread, naming A's ref and email. */
  const replyText = (refA: string) => `reply: this is not about ${refA} (maya@example.com), only your own case`;

  const expectNoneOf = (records: TwoPacketDesk['a']['records'], answer: unknown, typed: readonly string[] = []) =>
    expect(leakedMarkers(answer, records, typed), JSON.stringify(answer).slice(0, 400)).toEqual([]);

  /** Runs `/prism <text>`; answers what was posted to its response URL (and checks it went only there). */
  async function command(text: string) {
    const id = `iso-${t.desk.slack.responses.length}`;
    const visibleBefore = visibleCalls(t.desk).length;
    const response = await t.desk.post(slashCommand(text, t.desk.slack.responseUrl(id)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    await t.desk.settle();
    const answers = t.desk.slack.responses.filter((r) => r.path === `/response/${id}`);
    expect(answers, `/prism ${text}`).toHaveLength(1);
    // Only the asker sees it: an ephemeral answer to the response URL, nothing posted, updated or opened.
    expect(answers[0]?.body.response_type).toBe('ephemeral');
    expect(visibleCalls(t.desk).length).toBe(visibleBefore);
    return answers[0]?.body ?? {};
  }

  it("posts each packet's triage message with its own records and none of the other's", () => {
    const [messageA, messageB] = [t.a, t.b].map(({ ts }) => t.desk.slack.messages.get(ts));
    expect(textOf(messageA?.blocks)).toContain('gen_maya_video');
    expect(textOf(messageB?.blocks)).toContain('gen_leo_image');
    expectNoneOf(t.b.records, messageA);
    expectNoneOf(t.a.records, messageB);
  });

  it('answers /prism packet and /prism lookup to the asker only, about what was asked only', async () => {
    const a = t.a.packet.ref;
    const b = t.b.packet.ref;
    const asks: [string, 'a' | 'b'][] = [
      [`packet ${a}`, 'a'],
      [`packet ${a.toLowerCase()}`, 'a'],
      [`packet ${b}`, 'b'],
      ['lookup maya@example.com', 'a'],
      ['lookup leo@example.com', 'b'],
      ['lookup <mailto:LEO@example.com|LEO@example.com>', 'b'],
      // A second argument is not looked at: the answer is about the first only.
      [`lookup leo@example.com maya@example.com ${a}`, 'b'],
      [`packet ${b} ${a}`, 'b'],
    ];
    for (const [text, about] of asks) {
      const answer = await command(text);
      const [own, other] = about === 'a' ? [t.a, t.b] : [t.b, t.a];
      expect(leakedMarkers(answer, own.records).length, `/prism ${text} is about its account`).toBeGreaterThan(0);
      expectNoneOf(other.records, answer, [text]);
    }
  });

  it('finds nothing for near misses of an email or a ref (no wildcards, no prefixes), writes nothing and shows nothing of either', async () => {
    const a = t.a.packet.ref;
    const before = snapshotStore(t.dbPath);
    const misses = [
      'lookup %@example.com',
      'lookup _aya@example.com',
      'lookup %',
      'lookup *',
      'lookup maya@example.co',
      'lookup maya@example.com%',
      "lookup maya@example.com'--",
      'lookup acc_maya',
      'lookup Maya Berg',
      `lookup ${a}`,
      `packet ${a.slice(0, -1)}`,
      `packet ${a}X`,
      `packet ${a.slice(4)}`,
      'packet PKT-%%%%%%',
      'packet PKT-______',
      'packet maya@example.com',
      `${a}`,
    ];
    for (const text of misses) {
      const answer = await command(text);
      expect(String(answer.text), `/prism ${text}`).toMatch(/^(No account with the email |No packet |Usage: )/);
      expectNoneOf(t.a.records, answer, [text]);
      expectNoneOf(t.b.records, answer, [text]);
    }
    expect(storeChanges(before, snapshotStore(t.dbPath))).toEqual([]);
  });

  it("takes a `reply:` in B's thread naming A's ref to B's user only; A's packet, history and mail are untouched", async () => {
    const a = t.a.packet.ref;
    const b = t.b.packet.ref;
    const before = snapshotStore(t.dbPath);
    const packetA = await t.desk.deps.store.getPacket(a);
    const text = replyText(a);
    await t.desk.post(threadMessage({ channel: TRIAGE_CHANNEL, threadTs: t.b.ts, ts: '1700000900.000100', text }));
    // The same thread ts in another channel is no packet's thread: nothing happens.
    await t.desk.post(threadMessage({ channel: 'C0ELSEWHERE', threadTs: t.a.ts, ts: '1700000901.000100', text: `reply: about ${b}` }));
    await t.desk.settle();

    const changes = storeChanges(before, snapshotStore(t.dbPath));
    const rows = changes.flatMap((c) => [...c.added, ...c.removed].map((row) => ({ table: c.table, row })));
    expect(rows.length).toBeGreaterThan(0);
    for (const { table, row } of rows) {
      // Every row written is B's: its packet, its audit entry, its mail to Leo and its message update, the reply's once-key.
      if ('packet_ref' in row) expect(row.packet_ref, `${table}: ${JSON.stringify(row)}`).toBe(b);
      if ('ref' in row) expect(row.ref).toBe(b);
      if ('destination' in row) expect(['leo@example.com', TRIAGE_CHANNEL]).toContain(row.destination);
      expect(JSON.stringify(row)).not.toContain('acc_maya');
    }
    expect(changes.map((c) => c.table).sort()).toEqual(['audit_log', 'outbox', 'packets', 'triage_once']);
    expect(await t.desk.deps.store.getPacket(a)).toEqual(packetA);
    expect((await t.desk.deps.store.listAudit(a)).map((e) => e.action)).toEqual(['packet.created']);
    const notes = t.desk.slack.callsOf('chat.postEphemeral').map((c) => c.args);
    expect(notes.at(-1)).toMatchObject({ channel: TRIAGE_CHANNEL, thread_ts: t.b.ts, text: `Sent to the user of ${b}.` });
  });

  it("opens Ask for info from B's message with B's packet only, and the question reaches Leo only", async () => {
    const a = t.a.packet.ref;
    const b = t.b.packet.ref;
    await t.desk.post(buttonClick({ actionId: ActionId.ask, ref: b, channel: TRIAGE_CHANNEL, messageTs: t.b.ts }));
    await t.desk.settle();
    const view = t.desk.slack.callsOf('views.open').at(-1)?.args.view as { private_metadata: string };
    expect(JSON.parse(view.private_metadata)).toEqual({ ref: b, channel: TRIAGE_CHANNEL });
    expectNoneOf(t.a.records, view);

    const outboxA = await t.desk.deps.store.listOutbox({ packetRef: a });
    const question = `Which picture was it? (Not ${a}.)`;
    await t.desk.post(askSubmission({ viewId: 'V0ISO1', privateMetadata: view.private_metadata, question }));
    await t.desk.settle();
    const asked = (await t.desk.deps.store.listOutbox({ packetRef: b })).filter((o) => o.kind === 'email.reply' && (o.payload as { topic: string }).topic === 'question');
    expect(asked.map((o) => o.destination)).toEqual(['leo@example.com']);
    expect(await t.desk.deps.store.listOutbox({ packetRef: a })).toEqual(outboxA);
    expect((await t.desk.deps.store.listAudit(a)).map((e) => e.action)).toEqual(['packet.created']);
    // Every mail the desk queued to Leo holds none of Maya's records beyond the ref staff typed.
    for (const row of (await t.desk.deps.store.listOutbox()).filter((o) => o.destination === 'leo@example.com')) expectNoneOf(t.a.records, row.payload, [question, replyText(a)]);
  });
});
