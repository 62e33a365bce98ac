import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { DeskError } from '../core/errors.ts';
import { identityHash, timingSafeEqual, verifyIdentity } from './identity.ts';

const SECRET = 'widget-secret';
/** chat-api.md's formula, computed independently: hex(HMAC-SHA256(secret, lowercase(email))). */
const specHash = (email: string, secret = SECRET) => createHmac('sha256', secret).update(email.toLowerCase()).digest('hex');

async function refusal(promise: Promise<unknown>): Promise<DeskError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeskError);
  return error as DeskError;
}

describe('identityHash', () => {
  it('is the hex HMAC-SHA256 of the lowercase email under the secret', async () => {
    expect(await identityHash(SECRET, 'maya@example.com')).toBe(specHash('maya@example.com'));
    expect(await identityHash(SECRET, 'maya@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lowercases the email first, as the host page’s server does', async () => {
    expect(await identityHash(SECRET, 'Maya@Example.COM')).toBe(specHash('maya@example.com'));
  });

  it('depends on the secret', async () => {
    expect(await identityHash('another', 'maya@example.com')).not.toBe(specHash('maya@example.com'));
  });
});

describe('verifyIdentity', () => {
  it('accepts the spec’s hash and answers the lowercase email', async () => {
    expect(await verifyIdentity(SECRET, 'maya@example.com', specHash('maya@example.com'))).toEqual({ kind: 'verified', email: 'maya@example.com' });
  });

  it('accepts an uppercase email with the hash of its lowercase form, and an uppercase hex hash', async () => {
    expect(await verifyIdentity(SECRET, 'MAYA@Example.com', specHash('maya@example.com'))).toEqual({ kind: 'verified', email: 'maya@example.com' });
    expect(await verifyIdentity(SECRET, 'maya@example.com', specHash('maya@example.com').toUpperCase())).toEqual({ kind: 'verified', email: 'maya@example.com' });
  });

  it('treats no identity at all as anonymous', async () => {
    expect(await verifyIdentity(SECRET, undefined, undefined)).toEqual({ kind: 'anonymous' });
    expect(await verifyIdentity(SECRET, '', '')).toEqual({ kind: 'anonymous' });
    expect(await verifyIdentity(null, undefined, undefined)).toEqual({ kind: 'anonymous' });
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['an email without a hash', 'maya@example.com', undefined],
    ['a hash without an email', undefined, specHash('maya@example.com')],
    ['an empty hash', 'maya@example.com', ''],
    ['another user’s hash', 'maya@example.com', specHash('leo@example.com')],
    ['a hash under another secret', 'maya@example.com', specHash('maya@example.com', 'guess')],
    ['a truncated hash', 'maya@example.com', specHash('maya@example.com').slice(0, 63)],
    ['a hash with an extra character', 'maya@example.com', `${specHash('maya@example.com')}0`],
    ['the hash of the email with a different case of the secret', 'maya@example.com', specHash('maya@example.com', SECRET.toUpperCase())],
    ['something that is not an email', 'maya', specHash('maya')],
  ])('refuses %s with 401 (unauthorized)', async (_, email, hash) => {
    const error = await refusal(verifyIdentity(SECRET, email, hash));
    expect(error.code).toBe('unauthorized');
  });

  it('refuses every identity (401) when no secret is configured, rather than trusting the page', async () => {
    const error = await refusal(verifyIdentity(null, 'maya@example.com', specHash('maya@example.com', '')));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('WIDGET_IDENTITY_SECRET');
    expect((await refusal(verifyIdentity('', 'maya@example.com', specHash('maya@example.com', '')))).code).toBe('unauthorized');
  });

  it('remembers verified pairs per secret only: after a rotation the old pair is refused, a wrong hash never passes', async () => {
    const email = 'rotation@example.com';
    const oldHash = specHash(email, 'old-secret');
    expect(await verifyIdentity('old-secret', email, oldHash)).toEqual({ kind: 'verified', email });
    expect(await verifyIdentity('old-secret', email, oldHash)).toEqual({ kind: 'verified', email });
    expect((await refusal(verifyIdentity('new-secret', email, oldHash))).code).toBe('unauthorized');
    expect(await verifyIdentity('new-secret', email, specHash(email, 'new-secret'))).toEqual({ kind: 'verified', email });
    // A verified pair does not vouch for another hash of the same email.
    expect((await refusal(verifyIdentity('old-secret', email, `${oldHash.slice(0, -1)}${oldHash.endsWith('0') ? '1' : '0'}`))).code).toBe('unauthorized');
    expect((await refusal(verifyIdentity('old-secret', 'other@example.com', oldHash))).code).toBe('unauthorized');
  });
});

describe('timingSafeEqual', () => {
  it('answers equality', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('', '')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'ab')).toBe(false);
    expect(timingSafeEqual('ab', 'abc')).toBe(false);
    expect(timingSafeEqual('abc', 'abc\0')).toBe(false);
    expect(timingSafeEqual('é', 'e\u0301')).toBe(false);
  });

  it('reads every byte whatever the first difference (no early exit)', () => {
    // Count the bytes compared by watching the encoded arrays it compares.
    let reads = 0;
    const encode = TextEncoder.prototype.encode;
    const spy = vi.spyOn(TextEncoder.prototype, 'encode').mockImplementation(function (this: TextEncoder, input?: string) {
      return new Proxy(encode.call(this, input), {
        get(target, prop) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
          return Reflect.get(target, prop);
        },
      });
    });
    const readsFor = (a: string, b: string) => {
      reads = 0;
      expect(timingSafeEqual(a, b)).toBe(a === b);
      return reads;
    };
    try {
      const hash = specHash('maya@example.com');
      const all = readsFor(hash, hash);
      expect(all).toBeGreaterThanOrEqual(2 * hash.length);
      expect(readsFor(hash, `x${hash.slice(1)}`)).toBe(all);
      expect(readsFor(hash, `${hash.slice(0, 32)}x${hash.slice(33)}`)).toBe(all);
      expect(readsFor(hash, `${hash.slice(0, -1)}x`)).toBe(all);
    } finally {
      spy.mockRestore();
    }
  });
});
