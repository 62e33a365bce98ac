/*
 * A stand-in of Slack's Web API for the Workers' tests, answering on the Node side of miniflare
 * (the outboundService of vitest.config.ts) for `https://slack.test`: what the Worker's fetch client
 * sends (JSON or form arguments, a bearer token), recorded and answered as Slack would, failing on
 * demand. Slash commands' response URLs (`/response/<id>`) point at it too. The tests read and steer
 * it over HTTP from inside workerd:
 *   GET  /_test/record   → { calls, responses, messages }
 *   POST /_test/reset    → everything forgotten
 *   POST /_test/fail     → { method, failure, times? }: the next `times` calls of `method` fail
 */

import { createSlackAnswers } from '../support/slack-answers.ts';

export type SlackFailure =
  | { kind: 'http500' }
  | { kind: 'error'; error: string }
  | { kind: 'ratelimited'; retryAfter: number }
  /** Answers normally, after `ms`. */
  | { kind: 'slow'; ms: number };

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  authorization: string | null;
  contentType: string;
  outcome: 'ok' | SlackFailure['kind'];
}

export function createSlackStandIn(options: { token: string; userNames?: Record<string, string> }) {
  const calls: RecordedCall[] = [];
  const responses: { path: string; body: unknown }[] = [];
  const failures = new Map<string, { failure: SlackFailure; left: number }>();
  const { messages, answer } = createSlackAnswers({ userNames: options.userNames ?? {} });

  async function readArgs(request: Request): Promise<Record<string, unknown>> {
    const raw = await request.text();
    if ((request.headers.get('content-type') ?? '').startsWith('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    return args;
  }

  return {
    async handle(request: Request): Promise<Response> {
      const path = new URL(request.url).pathname;
      if (path === '/_test/record') return Response.json({ calls, responses, messages: [...messages.values()] });
      if (path === '/_test/reset') {
        calls.length = 0;
        responses.length = 0;
        messages.clear();
        failures.clear();
        return new Response(null, { status: 204 });
      }
      if (path === '/_test/fail') {
        const { method, failure, times } = (await request.json()) as { method: string; failure: SlackFailure; times?: number };
        failures.set(method, { failure, left: times ?? Number.POSITIVE_INFINITY });
        return new Response(null, { status: 204 });
      }
      if (path.startsWith('/response/')) {
        responses.push({ path, body: await request.json() });
        return new Response('ok');
      }
      if (!path.startsWith('/api/')) return new Response('not found', { status: 404 });
      const method = path.slice('/api/'.length);
      const args = await readArgs(request);
      const call: RecordedCall = {
        method,
        args,
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type') ?? '',
        outcome: 'ok',
      };
      calls.push(call);
      const failing = failures.get(method);
      if (failing && failing.left > 0) {
        failing.left--;
        const f = failing.failure;
        call.outcome = f.kind;
        if (f.kind === 'http500') return new Response('upstream exploded', { status: 500 });
        if (f.kind === 'ratelimited') return Response.json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'retry-after': String(f.retryAfter) } });
        if (f.kind === 'error') return Response.json({ ok: false, error: f.error });
        await new Promise((resolve) => setTimeout(resolve, f.ms));
      }
      if (call.authorization !== `Bearer ${options.token}`) return Response.json({ ok: false, error: 'invalid_auth' });
      return Response.json(answer(method, args));
    },
  };
}
