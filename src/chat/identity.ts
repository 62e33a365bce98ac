import { DeskError } from '../core/errors.ts';

/** Who is talking: a verified account email, or nobody in particular. */
export type Identity = { kind: 'verified'; email: string } | { kind: 'anonymous' };

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The imported HMAC key of each secret: importing costs as much as signing. */
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    // A handful of secrets at most (rotation); never let the map grow with input.
    if (keys.size >= 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** `hex(HMAC-SHA256(secret, lowercase(email)))`: what the host's server computes for its page. */
export async function identityHash(secret: string, email: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(email.trim().toLowerCase())));
}

/**
 * Pairs already verified, per secret: a widget sends the same pair with every message, and
 * recomputing the HMAC each time is most of what checking identity costs. Only pairs that matched
 * are kept (exact header values, so a different hash is checked afresh); oldest out first.
 */
const VERIFIED_PAIRS = 4096;
const verifiedPairs = new Map<string, string>();

function rememberVerified(pair: string, secret: string): void {
  if (verifiedPairs.size >= VERIFIED_PAIRS) {
    const oldest = verifiedPairs.keys().next();
    if (!oldest.done) verifiedPairs.delete(oldest.value);
  }
  verifiedPairs.set(pair, secret);
}

/** Compares two strings in time that does not depend on where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads `X-User-Email` / `X-User-Hash`. Neither: anonymous. A wrong, partial or malformed pair is
 * refused (401): the desk never takes the page's word for who is signed in.
 */
export async function verifyIdentity(
  secret: string | null,
  email: string | undefined,
  hash: string | undefined,
): Promise<Identity> {
  if (!email && !hash) return { kind: 'anonymous' };
  if (!email || !hash) throw new DeskError('unauthorized', 'X-User-Email and X-User-Hash must be sent together');
  if (email.length > 320 || !EMAIL.test(email.trim())) throw new DeskError('unauthorized', 'X-User-Email is not an email address');
  if (!secret) throw new DeskError('unauthorized', 'identity cannot be verified: WIDGET_IDENTITY_SECRET is not configured');
  const pair = `${email}\n${hash}`;
  if (verifiedPairs.get(pair) !== secret) {
    const expected = await identityHash(secret, email);
    if (!timingSafeEqual(expected, hash.trim().toLowerCase())) throw new DeskError('unauthorized', 'X-User-Hash does not match X-User-Email');
    rememberVerified(pair, secret);
  }
  return { kind: 'verified', email: email.trim().toLowerCase() };
}
