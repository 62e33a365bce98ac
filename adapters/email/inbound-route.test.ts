import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DeskError } from '../../src/core/errors.ts';
import type { EmailIntake, IntakeOutcome } from '../../src/email/email-intake.ts';
import { inboundEmailRoutes } from './inbound-route.ts';

/** The route over a scripted intake, inside an app that maps errors as `createApp` does. */
function appWith(outcome: IntakeOutcome, maxBytes?: number) {
  const received: Uint8Array[] = [];
  const unread: { reason: string; size: number }[] = [];
  const intake: EmailIntake = {
    receive: async (raw) => {
      received.push(raw instanceof Uint8Array ? raw : new Uint8Array());
      return outcome;
    },
    rejectUnread: async (reason, detail, size) => {
      unread.push({ reason, size });
      return { status: 'rejected', reason, detail, deadLetterId: 'dl_1' };
    },
  };
  const app = new Hono();
  app.route('/api', inboundEmailRoutes({ intake, secret: 's3cret-s3cret-s3cret', ...(maxBytes !== undefined && { maxBytes }) }));
  app.onError((error, c) =>
    error instanceof DeskError ? c.json({ error: { code: error.code, message: error.message } }, 401) : c.json({ error: 'internal' }, 500),
  );
  const post = (body: BodyInit, secret = 's3cret-s3cret-s3cret') => {
    // `duplex` lets a stream be a request body (fetch's rule); DOM's RequestInit type does not know it yet.
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body, headers: { 'x-inbound-secret': secret }, duplex: 'half' };
    return app.request('/api/email/inbound', init);
  };
  return { post, received, unread };
}

describe('inboundEmailRoutes', () => {
  it('hands the raw bytes to the intake and answers its outcome', async () => {
    const { post, received } = appWith({ status: 'accepted', messageId: '<a@b>', packetRef: 'PKT-ABCDEF', joined: false, verified: true, autoReply: 'queued' });
    const res = await post(new Uint8Array([0x46, 0x72, 0xe9]));
    expect(res.status).toBe(202);
    expect([...(received[0] ?? [])]).toEqual([0x46, 0x72, 0xe9]);
  });

  it.each([
    [{ status: 'duplicate', messageId: '<a@b>', packetRef: null } as const, 202],
    [{ status: 'ignored', messageId: '<a@b>', reason: 'auto_submitted' } as const, 202],
    [{ status: 'rejected', reason: 'unparseable', detail: 'x', deadLetterId: 'dl_1' } as const, 400],
    [{ status: 'rejected', reason: 'too_large', detail: 'x', deadLetterId: 'dl_1' } as const, 413],
  ])('answers %o with %i', async (outcome, status) => {
    const res = await appWith(outcome).post('From: a@b.c\r\n\r\nx');
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(outcome);
  });

  it('refuses a wrong secret before reading the body', async () => {
    const { post, received } = appWith({ status: 'duplicate', messageId: '<a@b>', packetRef: null });
    const res = await post('x', 's3cret-s3cret-s3creT');
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('refuses a streamed body over the cap (no Content-Length) with 413 and records it', async () => {
    const { post, received, unread } = appWith({ status: 'duplicate', messageId: '<a@b>', packetRef: null }, 1024);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(512));
        controller.close();
      },
    });
    const res = await post(stream);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 'rejected', reason: 'too_large' });
    expect(received).toHaveLength(0);
    expect(unread).toEqual([{ reason: 'too_large', size: 1025 }]);
  });
});
