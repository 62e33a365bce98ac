import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { DeskError } from '../../src/core/errors.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { SlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { type AckFirst, createAckFirst } from './ack-first.ts';
import { BODY_DEADLINE_MS, readSlackRequest, tooSlow } from './slack-request.ts';

export interface FetchReceiverOptions {
  verifier: SlackVerifier;
  now: Clock;
  /** Slack gives up after 3 s: whatever has not acknowledged by then is answered with an empty 200. */
  ackDeadlineMs?: number;
  maxBodyBytes?: number;
  /** How long a request's body may take to arrive (slack-request.ts). */
  bodyDeadlineMs?: number;
  /** How long work after an ack may wait for other requests' acks (see ack-first.ts). */
  maxDeferMs?: number;
}

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
    const app = this.#app;
    if (!app) throw new DeskError('internal', 'the Slack app is not initialised');
    const { verifier, now } = this.#options;
    const bodyDeadlineMs = this.#options.bodyDeadlineMs ?? BODY_DEADLINE_MS;
    // Read and verified before it counts as waiting for its ack (ack-first.ts): a request that has
    // not shown Slack's signature yet, slow or forged, holds back nobody's work.
    const read = await readSlackRequest(request, { verifier, now, maxBodyBytes: this.#options.maxBodyBytes ?? 1024 * 1024, bodyDeadlineMs });
    if (read.kind === 'too_slow') return tooSlow(bodyDeadlineMs);
    // Slack's certificate check carries nothing to run and may come unsigned: answered, nothing else.
    if (read.kind === 'ssl_check') return new Response(null, { status: 200 });
    const { body } = read;
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });
    const retryNum = request.headers.get('x-slack-retry-num');
    const retryReason = request.headers.get('x-slack-retry-reason');
    this.#acksFirst.received();
    try {
      return await this.#dispatch(app, {
        body,
        ack: async () => undefined,
        ...(retryNum !== null && { retryNum: Number(retryNum) }),
        ...(retryReason !== null && { retryReason }),
      });
    } finally {
      this.#acksFirst.answered();
    }
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
            // After the acknowledgement the answer is out: a listener's failure is ours, and logged.
            if (answered) return app.logger.error('a Slack request failed after its acknowledgement', error);
            // Before it, bolt could not read the request (a signed body in no shape Slack sends).
            app.logger.warn('a Slack request could not be read', error);
            answer(new DeskError('bad_request', 'the Slack request could not be read', { cause: error }));
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
