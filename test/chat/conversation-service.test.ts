import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { articles } from '../../knowledge/articles.generated.ts';
import { loadConfig } from '../../src/config.ts';
import { newId } from '../../src/core/ids.ts';
import type { PlatformData } from '../../src/core/ports.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { createKnowledgeBase } from '../../src/knowledge/knowledge-base.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { type ConversationService, type ConversationServiceDeps, createConversationService } from '../../src/chat/conversation-service.ts';
import type { Identity } from '../../src/chat/identity.ts';

const maya: Identity = { kind: 'verified', email: 'maya@example.com' };
const anonymous: Identity = { kind: 'anonymous' };

/** Sends options in turn; answers the last turn. */
async function walk(service: ConversationService, identity: Identity, id: string, inputs: ({ option: string } | { text: string })[]) {
  let turn = await service.get(id, identity);
  for (const input of inputs) turn = await service.send(id, identity, input);
  return turn;
}

describe('conversation service at the hand-off (real SQLite, demo data)', () => {
  let dir: string;
  let deps: NodeDesk;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conversation-service-'));
    deps = openNodeDesk(
      loadConfig({ SUPPORT_DB_PATH: join(dir, 'support.db'), SLACK_TRIAGE_CHANNEL: '#triage', SUPPORT_INBOX: 'support@prismposter.test' }),
    );
    await seedDemoIfEmpty(deps.sqlite, deps.now());
  });

  afterEach(() => {
    deps.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A conversation service of its own over the same database (another process, as it were), `options` replacing its parts. */
  const serviceWith = (options: Partial<ConversationServiceDeps> = {}) =>
    createConversationService({
      store: deps.store,
      platform: deps.platform,
      packets: deps.packets,
      kb: createKnowledgeBase(articles),
      now: deps.now,
      newId,
      ...options,
    });

  it('hands the case off even when the platform fails to write the refund, proposing it to staff instead', async () => {
    const refusal = () => Promise.reject(new Error('platform answered 503'));
    const refusing: PlatformData = { ...deps.platform, issueRefund: refusal, issueRefundsWithAudit: refusal };
    const service = serviceWith({ platform: refusing, autoRefundLimit: 50 });
    const { conversationId } = await service.start(maya);
    const sent = await walk(service, maya, conversationId, [
      { option: 'run:gen_maya_video' },
      { option: 'still_failing' },
      { option: 'still_failing' },
      { option: 'send_to_support' },
      { option: 'send' },
    ]);

    // Not "couldn't reach the support queue, press Send again": the packet is with support.
    expect(sent.state).toBe('handed_off');
    const text = sent.messages.map((m) => m.text).join('\n');
    expect(text).toContain(`Your reference is ${sent.packet?.ref}`);
    expect(text).toContain('I’ve proposed a refund of 40 credits to the support team');
    expect(text).not.toContain('issued automatically');
    expect(sent.packet?.status).toBe('open');

    const ref = sent.packet?.ref ?? '';
    expect((await deps.store.listAudit(ref)).map((a) => a.action)).toEqual(['packet.created', 'refund.failed']);
    // Delivered once: no second packet or update from a user told to send again.
    expect((await deps.store.listOutbox({ packetRef: ref })).map((o) => o.kind).sort()).toEqual(['email.packet', 'slack.packet']);
    const ledger = await deps.platform.listLedger('acc_maya', { since: 0, until: deps.now() + 60_000 });
    expect(ledger.entries.filter((e) => e.type === 'refund')).toEqual([]);
  });

  it('hands off an anonymous report whose typed email the packet cannot take, asking for the email instead', async () => {
    const service = deps.conversations;
    const { conversationId } = await service.start(anonymous);
    const packetStep = await walk(service, anonymous, conversationId, [
      { option: 'other' },
      { option: 'still_failing' },
      { option: 'still_failing' },
      { option: 'send_to_support' },
      { text: 'my email is maya.@example.com' },
    ]);
    expect(packetStep.state).toBe('packet');

    const sent = await service.send(conversationId, anonymous, { option: 'send' });
    expect(sent.state).toBe('handed_off');
    expect(sent.packet).toMatchObject({ verified: false, accountEmail: null, findings: null });
    expect(sent.packet?.missing).toContain('accountEmail');
    expect(sent.messages.at(-1)?.text).toContain('They may still ask you for your account email');
    // What the user typed still reaches support, in the transcript.
    expect(sent.packet?.transcript.map((e) => e.text)).toContain('my email is maya.@example.com');
  });

  it('answers 503 when the platform is slower than the turn allows, stores nothing of the turn, and takes the message again', async () => {
    let slow = true;
    const sluggish: PlatformData = {
      ...deps.platform,
      findAccountByEmail: (email) => (slow ? new Promise(() => undefined) : deps.platform.findAccountByEmail(email)),
    };
    const service = serviceWith({ platform: sluggish, turnTimeoutMs: 200 });
    slow = false;
    const { conversationId } = await service.start(maya);
    await walk(service, maya, conversationId, [{ option: 'run:gen_maya_video' }, { option: 'still_failing' }]);
    const before = await deps.store.getConversation(conversationId);
    const stored = (await deps.store.listMessages(conversationId)).length;

    slow = true;
    const error = await service.send(conversationId, maya, { option: 'still_failing' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'platform_unavailable' });
    expect(String((error as Error).message)).toMatch(/send the message again/);
    expect(await deps.store.getConversation(conversationId)).toEqual(before);
    expect(await deps.store.listMessages(conversationId)).toHaveLength(stored);

    slow = false;
    const again = await service.send(conversationId, maya, { option: 'still_failing' });
    expect(again.state).toBe('findings');
    expect(again.messages.map((m) => m.text).join('\n')).toContain('40 credits');
  });

  it('tells a signed-in user with no platform account so at the findings, instead of blaming the connection', async () => {
    const stranger: Identity = { kind: 'verified', email: 'no-account@example.com' };
    const { conversationId } = await deps.conversations.start(stranger);
    const findings = await walk(deps.conversations, stranger, conversationId, [
      { option: 'other' },
      { option: 'still_failing' },
      { option: 'still_failing' },
    ]);
    expect(findings.state).toBe('findings');
    const text = findings.messages.map((m) => m.text).join('\n');
    expect(text).toContain('I can’t find a PrismPoster account for no-account@example.com');
    expect(text).not.toContain('couldn’t reach');
  });

  it('stores the snapshot without the recent messages (the transcript is in the store) and still answers each turn with its own', async () => {
    const service = deps.conversations;
    const { conversationId, messages: greeting } = await service.start(maya);
    const stored = async () => ((await deps.store.getConversation(conversationId))?.snapshot as { context: { messages: unknown[]; messageCount: number } }).context;
    expect((await stored()).messages).toEqual([]);
    const chosen = await service.send(conversationId, maya, { option: 'run:gen_maya_video' });
    const asked = await service.send(conversationId, maya, { text: 'were my credits charged?' });
    expect(asked.messages.map((m) => m.from)).toEqual(['user', 'bot']);
    expect(asked.messages[1]?.text).toMatch(/credits/i);
    const context = await stored();
    expect(context.messages).toEqual([]);
    expect(context.messageCount).toBe(greeting.length + chosen.messages.length + asked.messages.length);
    // The whole conversation comes from the store: every message once, in order.
    const whole = await service.get(conversationId, maya);
    expect(whole.messages.map((m) => m.text)).toEqual([...greeting, ...chosen.messages, ...asked.messages].map((m) => m.text));
  });

  it("takes up another process's turn: each turn goes on from the conversation as stored", async () => {
    const otherProcess = serviceWith();
    const service = deps.conversations;
    const { conversationId } = await service.start(maya);
    expect((await service.send(conversationId, maya, { option: 'run:gen_maya_video' })).state).toBe('retry');
    // The same conversation, answered by another process (a second tab, another server).
    expect((await otherProcess.send(conversationId, maya, { option: 'still_failing' })).state).toBe('simplify');
    // This process last answered at `retry`: its next turn runs on what the other one stored.
    const next = await service.send(conversationId, maya, { option: 'still_failing' });
    expect(next.state).toBe('findings');
    expect(next.messages.map((m) => m.text).join('\n')).toContain('40 credits');
    const whole = await service.get(conversationId, maya);
    // Each turn once, in order: the run chosen here, the other process's turn, this one.
    const said = whole.messages.filter((m) => m.from === 'user').map((m) => m.text);
    expect(said).toHaveLength(3);
    expect(said[0]).toMatch(/^Video Studio/);
    expect(said.slice(1)).toEqual(['Still failing', 'Still failing']);
  });

  it('masks a card number and a password before they are stored anywhere', async () => {
    const { conversationId } = await deps.conversations.start(maya);
    await deps.conversations.send(conversationId, maya, { text: 'my card 4111 1111 1111 1111 and password: hunter2 still failing' });
    const stored = (await deps.store.listMessages(conversationId)).map((m) => m.text).join('\n');
    expect(stored).toContain('[card ending 1111]');
    expect(stored).not.toContain('4111 1111 1111 1111');
    expect(stored).not.toContain('hunter2');
    const snapshot = JSON.stringify((await deps.store.getConversation(conversationId))?.snapshot);
    expect(snapshot).not.toContain('4111 1111');
    expect(snapshot).not.toContain('hunter2');
  });
});
