import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, createSlackVerifier } from '../../src/triage/verify-slack-signature.ts';
import { sign } from './slack-signing.ts';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&command=%2Fprism&text=lookup+maya%40example.com&trigger_id=1.2.3';
const NOW_S = 1_800_000_000;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('Slack request signatures (v0, Web Crypto)', () => {
  const verifier = createSlackVerifier(SECRET);

  it('signs exactly as Slack does: the same signature as node:crypto, and bolt accepts it', async () => {
    const ours = await verifier.sign(String(NOW_S), bytes(BODY));
    expect(ours).toBe(sign(SECRET, NOW_S, BODY));
    expect(ours).toMatch(/^v0=[0-9a-f]{64}$/);
    const realNow = Math.floor(Date.now() / 1000);
    const signature = await verifier.sign(String(realNow), bytes(BODY));
    expect(() =>
      verifySlackRequest({ signingSecret: SECRET, body: BODY, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': realNow } }),
    ).not.toThrow();
  });

  it('accepts a signed request inside five minutes either way, at the edges too', async () => {
    for (const skew of [0, -300, 300, 120]) {
      const signature = sign(SECRET, NOW_S + skew, BODY);
      expect(await verifier.verify({ body: bytes(BODY), timestamp: String(NOW_S + skew), signature }, NOW_S * 1000), `skew ${skew}`).toEqual({ ok: true });
    }
  });

  it('refuses a request more than five minutes old or ahead, even signed correctly', async () => {
    for (const skew of [-301, 301, -86_400]) {
      const signature = sign(SECRET, NOW_S + skew, BODY);
      expect(await verifier.verify({ body: bytes(BODY), timestamp: String(NOW_S + skew), signature }, NOW_S * 1000)).toEqual({ ok: false, reason: 'stale' });
    }
  });

  it('refuses another secret, another body, a replayed signature with a new timestamp, and missing headers', async () => {
    const at = String(NOW_S);
    const now = NOW_S * 1000;
    const check = (body: string, timestamp: string | null, signature: string | null) => verifier.verify({ body: bytes(body), timestamp, signature }, now);
    expect(await check(BODY, at, sign('another-secret', NOW_S, BODY))).toEqual({ ok: false, reason: 'mismatch' });
    expect(await check(`${BODY}&x=1`, at, sign(SECRET, NOW_S, BODY))).toEqual({ ok: false, reason: 'mismatch' });
    expect(await check(BODY, String(NOW_S + 1), sign(SECRET, NOW_S, BODY))).toEqual({ ok: false, reason: 'mismatch' });
    expect(await check(BODY, at, sign(SECRET, NOW_S, BODY).toUpperCase())).toEqual({ ok: false, reason: 'mismatch' });
    expect(await check(BODY, null, sign(SECRET, NOW_S, BODY))).toEqual({ ok: false, reason: 'missing' });
    expect(await check(BODY, at, null)).toEqual({ ok: false, reason: 'missing' });
    expect(await check(BODY, '1.8e9', sign(SECRET, NOW_S, BODY))).toEqual({ ok: false, reason: 'missing' });
  });

  it('compares over the whole expected signature, whatever the given one', () => {
    expect(constantTimeEqual('v0=abc', 'v0=abc')).toBe(true);
    expect(constantTimeEqual('v0=abc', 'v0=abd')).toBe(false);
    expect(constantTimeEqual('v0=abc', 'v0=ab')).toBe(false);
    expect(constantTimeEqual('v0=abc', 'v0=abcd')).toBe(false);
    expect(constantTimeEqual('v0=abc', '')).toBe(false);
  });
});
