import { DeskError } from '../core/errors.ts';

/** Who is talking: a verified account email, or nobody in particular. */
export type Identity = { kind: 'verified'; email: string } | { kind: 'anonymous' };

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `hex(HMAC-SHA256(secret, lowercase(email)))`: what the host's server computes for its page. */
export async function identityHash(secret: string, email: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(email.trim().toLowerCase())));
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
  const expected = await identityHash(secret, email);
  if (!timingSafeEqual(expected, hash.trim().toLowerCase())) throw new DeskError('unauthorized', 'X-User-Hash does not match X-User-Email');
  return { kind: 'verified', email: email.trim().toLowerCase() };
}
