import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { z } from 'zod';
import { DeskError } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { SlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { type AckFirst, createAckFirst } from './ack-first.ts';

export interface FetchReceiverOptions {
  verifier: SlackVerifier;
  now: Clock;
  /** Slack gives up after 3 s: whatever has not acknowledged by then is answered with an empty 200. */
  ackDeadlineMs?: number;
  maxBodyBytes?: number;
  /** How long work after an ack may wait for other requests' acks (see ack-first.ts). */
  maxDeferMs?: number;
}

const Body = z.record(z.string(), z.unknown());
type Body = z.infer<typeof Body>;

/**
 * A bolt Receiver for a fetch-style server (Hono on Node): transport only. It verifies the
 * signature over the raw bytes (a bad or stale one is 401 and nothing runs), answers Slack's URL
 * check, and hands every other request to `app.processEvent`. The HTTP answer goes out as soon as a
 * listener acknowledges; the listener's slower work goes on after it.
 */
export class FetchReceiver implements Receiver {
  #app: App | null = null;
  readonly #pending = new Set<Promise<void>>();
  readonly #options: FetchReceiverOptions;
  readonly #acksFirst: AckFirst;

  constructor(options: FetchReceiverOptions) {
    this.#options = options;
    this.#acksFirst = createAckFirst({ maxDeferMs: options.maxDeferMs ?? 30_000 });
  }

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}

  stop(): Promise<void> {
    return this.settled();
  }

  /** Resolves when the work of every request received so far has ended. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async handle(request: Request): Promise<Response> {
    this.#acksFirst.received();
    try {
      return await this.#handle(request);
    } finally {
      this.#acksFirst.answered();
    }
  }

  async #handle(request: Request): Promise<Response> {
    const app = this.#app;
    if (!app) throw new DeskError('internal', 'the Slack app is not initialised');
    const raw = await readBody(request, this.#options.maxBodyBytes ?? 1024 * 1024);
    const text = new TextDecoder().decode(raw);
    const contentType = request.headers.get('content-type') ?? '';
    // Slack's certificate check carries nothing to run and may come unsigned: answered, nothing else.
    if (contentType.startsWith('application/x-www-form-urlencoded') && new URLSearchParams(text).get('ssl_check') === '1') {
      return new Response(null, { status: 200 });
    }
    const check = await this.#options.verifier.verify(
      { body: raw, timestamp: request.headers.get('x-slack-request-timestamp'), signature: request.headers.get('x-slack-signature') },
      this.#options.now(),
    );
    if (!check.ok) throw new DeskError('unauthorized', `the Slack signature is ${check.reason === 'stale' ? 'too old or too new' : check.reason}`);
    const body = parseBody(text, contentType);
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });
    const retryNum = request.headers.get('x-slack-retry-num');
    const retryReason = request.headers.get('x-slack-retry-reason');
    return this.#dispatch(app, {
      body,
      ack: async () => undefined,
      ...(retryNum !== null && { retryNum: Number(retryNum) }),
      ...(retryReason !== null && { retryReason }),
    });
  }

  #dispatch(app: App, event: ReceiverEvent): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      let answered = false;
      const answer = (outcome: Response | Error) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const timer = setTimeout(() => {
        app.logger.warn('a Slack request was not acknowledged in time; answered with an empty 200');
        answer(new Response(null, { status: 200 }));
      }, this.#options.ackDeadlineMs ?? 2500);
      const work = app
        .processEvent({
          ...event,
          ack: async (response?: unknown) => {
            answer(ackResponse(response));
            // The listener goes on once the answer is on its way and no other request waits for its
            // own: its work (synchronous SQLite among it) must not hold acknowledgements back.
            await this.#acksFirst.turn();
          },
        })
        .then(
          () => answer(new Response(null, { status: 200 })),
          (error: unknown) => {
            app.logger.error('a Slack request failed', error);
            answer(new DeskError('internal', 'the Slack request failed', { cause: error }));
          },
        )
        .finally(() => this.#pending.delete(work));
      this.#pending.add(work);
    });
  }
}

function ackResponse(response: unknown): Response {
  if (response === undefined || response === null || response === '') return new Response(null, { status: 200 });
  if (typeof response === 'string') return new Response(response, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return Response.json(response);
}

async function readBody(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > max) throw new DeskError('payload_too_large', `a Slack request may be at most ${max} bytes`);
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.length > max) throw new DeskError('payload_too_large', `a Slack request may be at most ${max} bytes`);
  return raw;
}

/** Events come as JSON; interactivity as a form with a JSON `payload`; slash commands as a form. */
function parseBody(text: string, contentType: string): Body {
  try {
    if (contentType.startsWith('application/json')) return Body.parse(JSON.parse(text));
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    return Body.parse(payload === null ? Object.fromEntries(form) : JSON.parse(payload));
  } catch (error) {
    throw new DeskError('bad_request', 'the Slack request body is not JSON or a form', { cause: error });
  }
}
