import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { openD1 } from '../../adapters/db/d1-database.ts';
import { createDrizzleSupportStore } from '../../adapters/db/drizzle-support-store.ts';
import * as schema from '../../adapters/db/schema.ts';
import { storePorts } from '../../adapters/db/store-ports.ts';
import { ActionId } from '../../adapters/slack/blocks/decision-blocks.ts';
import { createDrizzleTriageStore } from '../../adapters/slack/drizzle-triage-store.ts';
import { loadConfig } from '../../src/config.ts';
import { createDesk } from '../../src/desk.ts';
import type { Packet } from '../../src/core/support-packet.ts';
import worker from '../../adapters/workers/mail-worker.ts';
import { variables } from '../../adapters/workers/worker-env.ts';
import { type SlackBody, askSubmission, buttonClick, slashCommand, threadMessage } from '../slack/slack-payloads.ts';
import { seedDemoD1 } from './reset-d1.ts';
import { textOf } from '../support/block-text.ts';

/*
 * Slack on Workers: the mail Worker's `fetch` (POST /slack/events) and its cron relay, inside workerd
 * over D1, against the Slack stand-in of vitest.config.ts (`https://slack.test`). Requests are signed
 * here the way Slack signs them, with Web Crypto.
 */

const STAND_IN = 'https://slack.test';
const SLACK_URL = 'https://prismposter-support-mail.example.workers.dev/slack/events';

interface Call {
  method: string;
  args: Record<string, unknown>;
  authorization: string | null;
  contentType: string;
  outcome: string;
}
interface Record_ {
  calls: Call[];
  responses: { path: string; body: Record<string, unknown> }[];
  messages: { channel: string; ts: string; text: string; blocks: unknown[] }[];
}

const record = async () => (await (await fetch(`${STAND_IN}/_test/record`)).json()) as Record_;
const callsOf = async (method: string) => (await record()).calls.filter((c) => c.method === method);
const fail = (method: string, failure: Record<string, unknown>, times?: number) =>
  fetch(`${STAND_IN}/_test/fail`, { method: 'POST', body: JSON.stringify({ method, failure, times }) });

const bytes = (text: string) => new TextEncoder().encode(text);

/** Slack's `v0` signature, computed here independently of the desk's verifier. */
async function sign(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', bytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes(`v0:${timestamp}:${body}`)));
  return `v0=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Sends a request to the Worker's fetch handler; answers the response, and `done` once the work after it has ended. */
async function send(body: SlackBody, options: { secret?: string; timestamp?: number; method?: string } = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const request = new Request(SLACK_URL, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': body.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': await sign(options.secret ?? env.SLACK_SIGNING_SECRET, timestamp, body.body),
    },
    ...(options.method === 'GET' ? {} : { body: body.body }),
  });
  const ctx = createExecutionContext();
  const started = Date.now();
  const response = await worker.fetch(request as never, env as never, ctx);
  const ackMs = Date.now() - started;
  return { response, ackMs, done: () => waitOnExecutionContext(ctx) };
}

const cron = () => worker.scheduled({ scheduledTime: Date.now(), cron: '* * * * *' }, env as never);


describe('Slack on Workers: POST /slack/events and the cron relay of the mail Worker', () => {
  const database = () => openD1(env.DB);
  const store = () => createDrizzleSupportStore(database());
  let packet: Packet;

  beforeEach(async () => {
    await seedDemoD1();
    await fetch(`${STAND_IN}/_test/reset`, { method: 'POST' });
    await fetch('https://mail-api.test/sent', { method: 'DELETE' });
    // Maya's report (a failed 4k video, 40 credits due), filed as the desk files it: the packet with its outbox rows.
    const config = loadConfig(variables(env as never));
    const now = () => Date.now();
    const desk = createDesk({ ...storePorts(database(), config, now), config, now, chat: null, mail: null });
    ({ packet } = await desk.packets.file({
      channel: 'email',
      accountEmail: 'maya@example.com',
      verified: true,
      stepsTried: ['retry'],
      transcript: [{ from: 'user', text: 'My 4k video failed and the credits are gone. <!channel>', at: new Date().toISOString() }],
    }));
  });

  async function slackRow(kind = 'slack.packet') {
    const row = (await store().listOutbox({ packetRef: packet.ref })).find((r) => r.kind === kind);
    if (!row) throw new Error(`no ${kind} row`);
    return row;
  }

  async function refunds() {
    const rows = await database().db.select().from(schema.ledger);
    return rows.filter((r) => r.type === 'refund' && r.generationId === 'gen_maya_video');
  }

  it('posts each packet once to the triage channel on the cron, in Block Kit, and remembers where', async () => {
    await cron();
    const posts = await callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.authorization).toBe(`Bearer ${env.SLACK_BOT_TOKEN}`);
    expect(posts[0]?.args).toMatchObject({ channel: env.SLACK_TRIAGE_CHANNEL, unfurl_links: false });
    expect(textOf(posts[0]?.args.blocks)).toContain(`${packet.ref} · Refund due: 40 credits`);
    expect(textOf(posts[0]?.args.blocks)).toContain('&lt;!channel&gt;');
    expect(textOf(posts[0]?.args.blocks)).not.toContain('<!channel>');
    const remembered = await createDrizzleTriageStore(database()).messageOf(packet.ref);
    expect(remembered).toMatchObject({ channel: env.SLACK_TRIAGE_CHANNEL, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(await slackRow()).toMatchObject({ status: 'delivered', attempts: 1, externalId: `${env.SLACK_TRIAGE_CHANNEL}/${remembered?.ts}` });

    // The next cron runs post nothing again.
    await cron();
    await cron();
    expect(await callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('keeps a post Slack fails in the outbox with backoff, and delivers it once when Slack answers again', async () => {
    await fail('chat.postMessage', { kind: 'http500' }, 1);
    await cron();
    let row = await slackRow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/HTTP 500/);
    expect(row.nextAttemptAt).toBeGreaterThan(Date.now());

    // Not due yet: the next cron leaves it alone.
    await cron();
    expect(await callsOf('chat.postMessage')).toHaveLength(1);

    // Rate limited (HTTP 429, Retry-After): backs off again, with Slack's reason.
    await database().db.update(schema.outbox).set({ nextAttemptAt: 0 });
    await fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 }, 1);
    await cron();
    row = await slackRow();
    expect(row).toMatchObject({ status: 'pending', attempts: 2, lastError: 'slack: rate limited for 30 s' });

    // Time passes (the row falls due): delivered, once.
    await database().db.update(schema.outbox).set({ nextAttemptAt: 0 });
    await cron();
    await cron();
    expect((await callsOf('chat.postMessage')).map((c) => c.outcome)).toEqual(['http500', 'ratelimited', 'ok']);
    expect(await slackRow()).toMatchObject({ status: 'delivered', attempts: 3 });
    expect((await record()).messages).toHaveLength(1);
  });

  it("keeps a post Slack refuses for good (ok: false, no such channel) as dead, with Slack's reason", async () => {
    await fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await cron();
    expect(await slackRow()).toMatchObject({ status: 'dead', lastError: 'slack: channel_not_found' });
  });

  it('approves a refund from a signed click: acknowledged at once, refunded and audited in D1, the message redrawn, staff told', async () => {
    await cron();
    const [posted] = (await record()).messages;
    if (!posted) throw new Error('the packet was not posted');
    // users.info is slow: the acknowledgement must not wait for it.
    await fail('users.info', { kind: 'slow', ms: 1500 }, 1);
    const click = await send(buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: posted.channel, messageTs: posted.ts }));
    expect(click.response.status).toBe(200);
    expect(await click.response.text()).toBe('');
    expect(click.ackMs).toBeLessThan(1000);
    await click.done();

    expect((await refunds()).map((r) => r.amount)).toEqual([40]);
    expect((await store().getPacket(packet.ref))?.status).toBe('refunded');
    const approvals = (await store().listAudit(packet.ref)).filter((a) => a.action === 'refund.approved');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      actor: 'slack:U0STAFF1',
      evidence: { staff: { id: 'U0STAFF1', name: 'Maria' }, amount: 40, ledgerEntries: [{ generationId: 'gen_maya_video', amount: 40 }] },
    });
    const calls = (await record()).calls;
    expect(calls.filter((c) => c.method === 'chat.postEphemeral').map((c) => c.args.text)).toEqual([`Refunded 40 credits on ${packet.ref}.`]);
    // The relay ran after the work: the triage message is redrawn in place, the user is mailed.
    const [update] = calls.filter((c) => c.method === 'chat.update');
    expect(update?.args).toMatchObject({ channel: posted.channel, ts: posted.ts });
    expect(textOf(update?.args.blocks)).toContain(`${packet.ref} · Refunded`);
    expect(textOf(update?.args.blocks)).toMatch(/Refund of 40 credits approved by <@U0STAFF1>/);
    const mailed = (await (await fetch('https://mail-api.test/sent')).json()) as { mail: { to: string; text: string } }[];
    expect(mailed.some((m) => m.mail.to === 'maya@example.com' && m.mail.text.includes('refunded 40 credits'))).toBe(true);

    // The same click again (a double click, Slack's retry): no second refund, no second audit entry.
    const again = await send(buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: posted.channel, messageTs: posted.ts }));
    expect(again.response.status).toBe(200);
    await again.done();
    expect(await refunds()).toHaveLength(1);
    expect((await store().listAudit(packet.ref)).filter((a) => a.action === 'refund.approved')).toHaveLength(1);
  });

  it('answers /prism lookup at its response URL, only to the one who asked, and audits the look', async () => {
    const command = await send(slashCommand('lookup <mailto:MAYA@example.com|MAYA@example.com>', `${STAND_IN}/response/cmd-1`));
    expect(command.response.status).toBe(200);
    expect(await command.response.text()).toBe('');
    await command.done();
    const answer = (await record()).responses.find((r) => r.path === '/response/cmd-1');
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(textOf(answer?.body.blocks)).toContain('`acc_maya`');
    expect(textOf(answer?.body.blocks)).toContain('*Refund due: 40 credits*');
    const looks = (await database().db.select().from(schema.auditLog)).filter((a) => a.action === 'account.looked_up');
    expect(looks).toHaveLength(1);
    expect(looks[0]).toMatchObject({ actor: 'slack:U0STAFF1', evidence: { email: 'MAYA@example.com', accountId: 'acc_maya' } });

    const packetCommand = await send(slashCommand(`packet ${packet.ref}`, `${STAND_IN}/response/cmd-2`));
    await packetCommand.done();
    const shown = (await record()).responses.find((r) => r.path === '/response/cmd-2');
    expect(textOf(shown?.body.blocks)).toContain(`${packet.ref} · Refund due: 40 credits`);
  });

  it('opens the Ask for info modal, sends the submitted question to the user, and a `reply:` in the thread too', async () => {
    await cron();
    const [posted] = (await record()).messages;
    if (!posted) throw new Error('the packet was not posted');
    const clicked = await send(buttonClick({ actionId: ActionId.ask, ref: packet.ref, channel: posted.channel, messageTs: posted.ts }));
    await clicked.done();
    const [open] = await callsOf('views.open');
    expect(open?.args.trigger_id).toMatch(/^\d+\.T0PRISM\./);
    const view = open?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('triage.ask_modal');

    const question = 'Did it fail on the 8-second or the 4-second setting?';
    const submitted = await send(askSubmission({ viewId: 'V0ASK1', privateMetadata: view.private_metadata, question }));
    expect(await submitted.response.text()).toBe('');
    await submitted.done();
    expect((await store().getPacket(packet.ref))?.status).toBe('needs_info');

    const reply = await send(threadMessage({ channel: posted.channel, threadTs: posted.ts, ts: '1800000000.000200', text: 'reply: We are on it <https://status.example|status page>' }));
    await reply.done();
    // Staff talking among themselves, and a bot's post, stay in Slack.
    const chatter = await send(threadMessage({ channel: posted.channel, threadTs: posted.ts, ts: '1800000000.000300', text: 'looks like the 4k renderer again' }));
    await chatter.done();
    const fromBot = threadMessage({ channel: posted.channel, threadTs: posted.ts, ts: '1800000000.000400', text: 'reply: automated digest' });
    const botEvent = JSON.parse(fromBot.body) as { event: Record<string, unknown> };
    botEvent.event.bot_id = 'B0OTHER';
    const bot = await send({ contentType: fromBot.contentType, body: JSON.stringify(botEvent) });
    expect(bot.response.status).toBe(200);
    await bot.done();
    const actions = (await store().listAudit(packet.ref)).map((a) => a.action);
    expect(actions).toEqual(['packet.created', 'info.requested', 'reply.sent']);
    const mailed = (await (await fetch('https://mail-api.test/sent')).json()) as { mail: { to: string; text: string } }[];
    const toMaya = mailed.filter((m) => m.mail.to === 'maya@example.com').map((m) => m.mail.text);
    expect(toMaya.some((t) => t.includes(question))).toBe(true);
    expect(toMaya.some((t) => t.includes('We are on it status page (https://status.example)'))).toBe(true);
  });

  it('refuses a bad signature with 401, and nothing runs', async () => {
    await cron();
    const [posted] = (await record()).messages;
    const before = (await record()).calls.length;
    const click = buttonClick({ actionId: ActionId.approve, ref: packet.ref, channel: 'C0TRIAGE', messageTs: posted?.ts ?? '1.1' });
    const forged = await send(click, { secret: 'not-the-signing-secret' });
    expect(forged.response.status).toBe(401);
    expect(await forged.response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const stale = await send(click, { timestamp });
      expect(stale.response.status, `timestamp ${timestamp - now}s`).toBe(401);
      await stale.done();
    }
    const command = await send(slashCommand('lookup maya@example.com', `${STAND_IN}/response/forged`), { secret: 'not-the-signing-secret' });
    expect(command.response.status).toBe(401);
    await forged.done();
    await command.done();

    expect((await record()).calls.length).toBe(before);
    expect((await record()).responses).toEqual([]);
    expect(await refunds()).toEqual([]);
    expect((await store().listAudit(packet.ref)).map((a) => a.action)).toEqual(['packet.created']);
    expect((await store().getPacket(packet.ref))?.status).toBe('open');
  });

  it('answers a chunked body past 1 MiB with 413 as soon as it passes the limit, reading none of the rest', async () => {
    // A body of 64 MiB with no declared length, made as it is read: what the Worker pulls is counted.
    const chunk = new Uint8Array(64 * 1024).fill(97);
    let pulled = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 64 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const request = new Request(SLACK_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      body,
    });
    expect(request.headers.get('content-length')).toBeNull();
    const response = await worker.fetch(request as never, env as never, createExecutionContext());
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect(cancelled).toBe(true);
  });

  it('names the missing field of a signed request with 400; keeps the modal open on an empty question', async () => {
    const payload = { type: 'block_actions', user: { name: 'maria' }, trigger_id: '1.2.3', actions: [{ action_id: ActionId.resolve, value: packet.ref }] };
    const broken = await send({ contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() });
    expect(broken.response.status).toBe(400);
    expect(await broken.response.json()).toMatchObject({ error: { code: 'bad_request', message: expect.stringContaining('user.id') } });

    const empty = await send(askSubmission({ viewId: 'V0ASK1', privateMetadata: JSON.stringify({ ref: packet.ref, channel: 'C0TRIAGE' }), question: '   ' }));
    expect(empty.response.status).toBe(200);
    expect(await empty.response.json()).toEqual({ response_action: 'errors', errors: { question: 'Write the question for the user.' } });
    await empty.done();
    expect((await store().getPacket(packet.ref))?.status).toBe('open');

    // Slack's URL check (signed) and its certificate check (unsigned) run nothing.
    const check = await send({ contentType: 'application/json', body: JSON.stringify({ token: 'legacy', challenge: 'c-3eZbrw1aBm2r', type: 'url_verification' }) });
    expect(await check.response.json()).toEqual({ challenge: 'c-3eZbrw1aBm2r' });
    const ssl = await worker.fetch(
      new Request(SLACK_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'ssl_check=1&token=legacy' }) as never,
      env as never,
      createExecutionContext(),
    );
    expect(ssl.status).toBe(200);

    const get = await worker.fetch(new Request(SLACK_URL) as never, env as never, createExecutionContext());
    expect(get.status).toBe(405);
    const elsewhere = await worker.fetch(new Request('https://prismposter-support-mail.example.workers.dev/api/x') as never, env as never, createExecutionContext());
    expect(elsewhere.status).toBe(404);
  });
});
