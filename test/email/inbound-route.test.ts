import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { seedDemoIfEmpty } from '../../adapters/db/seed-demo.ts';
import { type NodeDesk, openNodeDesk } from '../../adapters/node/node-desk.ts';
import { TRUSTED_ID, buildEml } from './build-eml.ts';
import { NOW } from './email-desk.ts';

const SECRET = 'inbound-secret-for-tests-9b2f';

const report = (messageId: string, extra: string[] = []) =>
  buildEml({
    from: 'maya@example.com',
    subject: 'Video failed',
    date: 'Sat, 21 Nov 2026 10:58:00 +0100',
    messageId,
    headers: extra,
    body: 'My video failed this morning at 9:25 (Berlin time).',
  });

describe('POST /api/email/inbound on the Node app', () => {
  let dir: string;
  let deps: NodeDesk;
  let app: NodeDesk['app'];

  async function start(env: Record<string, string>) {
    dir = mkdtempSync(join(tmpdir(), 'email-route-'));
    deps = openNodeDesk(loadConfig({ SUPPORT_DB_PATH: join(dir, 'desk.sqlite'), SUPPORT_INBOX: 'triage@prismposter.test', ...env }), { now: () => NOW });
    await seedDemoIfEmpty(deps.sqlite, NOW);
    app = deps.app;
  }
  beforeEach(() => start({ INBOUND_EMAIL_SECRET: SECRET, TRUSTED_AUTHSERV_ID: TRUSTED_ID }));
  afterEach(() => {
    deps.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: BodyInit, secret: string | null = SECRET, headers: Record<string, string> = {}) =>
    app.request('/api/email/inbound', {
      method: 'POST',
      body,
      headers: { 'content-type': 'message/rfc822', ...(secret !== null && { 'x-inbound-secret': secret }), ...headers },
    });

  it('refuses a missing or wrong secret with 401 and reads nothing', async () => {
    for (const secret of [null, 'wrong', `${SECRET}x`]) {
      const res = await post(report('<r1@mail.example>'), secret);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(await deps.email.store.getMessage('<r1@mail.example>')).toBeNull();
  });

  it('accepts a report (202), then answers the same message as a duplicate', async () => {
    const first = await post(report('<r2@mail.example>'));
    expect(first.status).toBe(202);
    const body = (await first.json()) as { status: string; packetRef: string; verified: boolean };
    expect(body).toMatchObject({ status: 'accepted', verified: true, autoReply: 'queued' });
    expect(body.packetRef).toMatch(/^PKT-[A-Z0-9]{10}$/);
    const again = await post(report('<r2@mail.example>'));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ status: 'duplicate', messageId: '<r2@mail.example>', packetRef: body.packetRef });
  });

  it('answers 500 when filing fails, having written nothing: the gateway delivers it again and it is filed', async () => {
    const fileMessage = deps.email.store.fileMessage.bind(deps.email.store);
    deps.email.store.fileMessage = async () => {
      throw new Error('disk full');
    };
    try {
      const failed = await post(report('<r9@mail.example>'));
      expect(failed.status).toBe(500);
      expect(await deps.email.store.getMessage('<r9@mail.example>')).toBeNull();
    } finally {
      deps.email.store.fileMessage = fileMessage;
    }
    const again = await post(report('<r9@mail.example>'));
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ status: 'accepted', messageId: '<r9@mail.example>' });
  });

  it('ignores auto-replies with 202 and rejects what it cannot read with 400 and the reason', async () => {
    const ooo = await post(report('<r3@mail.example>', ['Auto-Submitted: auto-replied']));
    expect(ooo.status).toBe(202);
    expect(await ooo.json()).toMatchObject({ status: 'ignored', reason: 'auto_submitted' });
    const broken = await post('Subject: nobody\r\n\r\nno sender here');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ status: 'rejected', reason: 'no_sender' });
  });

  it('takes a large message past the chat API\'s body limit, and refuses one over 25 MiB with 413', async () => {
    const attachment = 'A'.repeat(1024 * 1024);
    const big = report('<r4@mail.example>').replace('My video failed', `My video failed\r\n\r\n${attachment}\r\n`);
    expect((await post(big)).status).toBe(202);

    const huge = new Uint8Array(25 * 1024 * 1024 + 1).fill(0x41);
    const res = await post(huge, SECRET, { 'content-length': String(huge.byteLength) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 'rejected', reason: 'too_large' });
    const [letter] = await deps.email.store.listDeadLetters();
    expect(letter).toMatchObject({ reason: 'too_large', size: huge.byteLength, rawBase64: null });
  });

  it('is not there without INBOUND_EMAIL_SECRET', async () => {
    deps.close();
    rmSync(dir, { recursive: true, force: true });
    await start({});
    // Node bindings as @hono/node-server passes them: the chat API under /api reads the client's address.
    const env = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 1, remoteFamily: 'IPv4' } } };
    const res = await app.request('/api/email/inbound', { method: 'POST', body: report('<r5@mail.example>'), headers: { 'x-inbound-secret': SECRET } }, env);
    expect(res.status).toBe(404);
    expect(await deps.email.store.getMessage('<r5@mail.example>')).toBeNull();
  });
});
