import { Hono } from 'hono';
import { bodyLimit } from '../../src/http/body-limit.ts';
import { timingSafeEqual } from '../../src/chat/identity.ts';
import { DeskError } from '../../src/core/errors.ts';
import { DEFAULT_EMAIL_LIMITS } from '../../src/email/email-report.ts';
import type { EmailIntake } from '../../src/email/email-intake.ts';

export interface InboundEmailRouteDeps {
  intake: EmailIntake;
  /** INBOUND_EMAIL_SECRET: the mail gateway sends it in `X-Inbound-Secret`. */
  secret: string;
  maxBytes?: number;
}

/**
 * The request's body in one buffer of its own, each chunk copied in as it comes, with a turn for
 * other requests after each MiB: a 25 MiB message is never copied in one go on the event loop (and
 * the intake may hand this buffer on as it is). A body without a Content-Length (chunked, counted
 * by the body limit) grows as it comes.
 */
async function readBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  let body = new Uint8Array(Number.isSafeInteger(declared) && declared > 0 ? declared : 64 * 1024);
  let size = 0;
  const reader = request.body?.getReader();
  for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
    const chunk = next.value;
    if (size + chunk.byteLength > body.byteLength) {
      const larger = new Uint8Array(Math.max(2 * body.byteLength, size + chunk.byteLength));
      larger.set(body.subarray(0, size));
      body = larger;
    }
    body.set(chunk, size);
    size += chunk.byteLength;
    // Chunks that arrived together are read in one go otherwise.
    if (size >> 20 !== (size - chunk.byteLength) >> 20) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return size === body.byteLength ? body : body.slice(0, size);
}

/** The header the gateway puts the shared secret in. */
export const INBOUND_SECRET_HEADER = 'x-inbound-secret';

/**
 * `POST /email/inbound` (mounted under `/api`): the raw RFC 5322 message as the body. Thin: checks
 * the shared secret (constant time) and the size cap, hands the bytes to the intake and answers
 * what came of it — 202 accepted, duplicate or ignored; 400/413 rejected, with the reason. A 202
 * means filed: a failure before the write is a 500, and the gateway delivers the message again.
 * Web-standard only (no `node:`), so the same route mounts on Workers.
 */
export function inboundEmailRoutes(deps: InboundEmailRouteDeps) {
  const maxBytes = deps.maxBytes ?? DEFAULT_EMAIL_LIMITS.maxBytes;
  const api = new Hono();

  api.post(
    '/email/inbound',
    async (c, next) => {
      const given = c.req.header(INBOUND_SECRET_HEADER) ?? '';
      if (!timingSafeEqual(given, deps.secret)) throw new DeskError('unauthorized', `${INBOUND_SECRET_HEADER} is missing or wrong`);
      await next();
    },
    bodyLimit({
      maxSize: maxBytes,
      onError: async (c) => {
        const size = Number(c.req.header('content-length') ?? Number.NaN);
        const detail = `the message is larger than ${maxBytes} bytes`;
        await deps.intake.rejectUnread('too_large', detail, Number.isFinite(size) ? size : maxBytes + 1);
        return c.json({ status: 'rejected', reason: 'too_large', detail }, 413);
      },
    }),
    async (c) => {
      const outcome = await deps.intake.receive(await readBody(c.req.raw));
      switch (outcome.status) {
        case 'accepted':
          return c.json(outcome, 202);
        case 'duplicate':
        case 'ignored':
          return c.json(outcome, 202);
        case 'rejected':
          return c.json(outcome, outcome.reason === 'too_large' ? 413 : 400);
      }
    },
  );
  return api;
}
