/**
 * Slack's request signing (the `v0` scheme): `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256,
 * keyed with the app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`. Web Crypto
 * only, so that the same check runs on Node and on Workers.
 */

/** Requests older or newer than this (seconds) are refused: a captured request cannot be replayed. */
export const SIGNATURE_WINDOW_S = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

export interface SignedRequest {
  /** The body exactly as it came over the wire. */
  body: Uint8Array;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

const encoder = new TextEncoder();

/**
 * A verifier for one signing secret; the HMAC key is imported once. `now` is epoch milliseconds.
 * The window holds both ways: a timestamp more than five minutes in the future is as stale as one
 * five minutes old.
 */
export function createSlackVerifier(signingSecret: string) {
  const key = crypto.subtle.importKey('raw', encoder.encode(signingSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);

  async function sign(timestamp: string, body: Uint8Array): Promise<string> {
    const prefix = encoder.encode(`v0:${timestamp}:`);
    const base = new Uint8Array(prefix.length + body.length);
    base.set(prefix, 0);
    base.set(body, prefix.length);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await key, base));
    let hex = 'v0=';
    for (const byte of mac) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }

  return {
    sign,
    async verify(request: SignedRequest, now: number): Promise<SignatureCheck> {
      const { timestamp, signature } = request;
      if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
      if (Math.abs(Math.floor(now / 1000) - Number(timestamp)) > SIGNATURE_WINDOW_S) return { ok: false, reason: 'stale' };
      const expected = await sign(timestamp, request.body);
      return constantTimeEqual(expected, signature) ? { ok: true } : { ok: false, reason: 'mismatch' };
    },
  };
}

export type SlackVerifier = ReturnType<typeof createSlackVerifier>;

/**
 * Compares without an early exit, so that the time taken does not tell how many leading characters
 * of a forged signature were right. Only the length (public: always 67) can end it sooner.
 */
export function constantTimeEqual(expected: string, given: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(given);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
