import type { Clock, IdGenerator } from '../core/ports.ts';
import type { StaffRecord, StaffStore } from './staff-store.ts';

/** How long a sign-in link works: long enough to open the mail, too short to be worth stealing later. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60 * 1000;
/** How long a session lasts: a working day; then a new link. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const encoder = new TextEncoder();

/** SHA-256 of a secret, hex: what the store keeps of tokens and session ids (Web Crypto: Node and Workers). */
export async function sha256Hex(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(secret)));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** 32 random bytes, base64url: a sign-in token, a session id, a CSRF token. */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Compares two secrets without an early exit. */
export function sameSecret(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export interface StaffAuthDeps {
  staff: StaffStore;
  now: Clock;
  newId: IdGenerator;
}

export interface SignedIn {
  staff: StaffRecord;
  /** The session id for the cookie: shown once, stored hashed. */
  sessionId: string;
  csrfToken: string;
  expiresAt: number;
}

/** Staff, their one-time sign-in links and their sessions: the CLI issues links, the console signs in. */
export function createStaffAuth(deps: StaffAuthDeps) {
  return {
    /** Adds a member of staff; `created` is false when the address was taken (the one there is answered). */
    async addStaff(name: string, email: string): Promise<{ staff: StaffRecord; created: boolean }> {
      const record = { id: deps.newId('stf'), name: name.trim(), email: email.trim().toLowerCase(), createdAt: deps.now() };
      const added = await deps.staff.addStaff(record);
      if (added) return { staff: added, created: true };
      const existing = await deps.staff.findStaffByEmail(record.email);
      if (!existing) throw new Error(`could not add ${record.email}`);
      return { staff: existing, created: false };
    },

    /** A one-time sign-in link for a member of staff, under `baseUrl` (PUBLIC_URL). */
    async issueSignInLink(staffId: string, baseUrl: string): Promise<{ url: string; expiresAt: number }> {
      const token = randomSecret();
      const now = deps.now();
      const expiresAt = now + SIGN_IN_LINK_TTL_MS;
      await deps.staff.addSignInLink({ tokenHash: await sha256Hex(token), staffId, createdAt: now, expiresAt });
      return { url: `${baseUrl}/desk/sign-in?token=${token}`, expiresAt };
    },

    /** Whom a link would sign in (the confirmation page), without using it. */
    async peekLink(token: string): Promise<StaffRecord | null> {
      return deps.staff.peekSignInLink(await sha256Hex(token), deps.now());
    },

    /** Uses a link and starts a session; null when the link is unknown, used or expired. */
    async signIn(token: string): Promise<SignedIn | null> {
      const now = deps.now();
      const staff = await deps.staff.useSignInLink(await sha256Hex(token), now);
      if (!staff) return null;
      // Sessions and links past their time go as new ones come.
      await deps.staff.deleteExpired(now);
      const sessionId = randomSecret();
      const csrfToken = randomSecret();
      const expiresAt = now + SESSION_TTL_MS;
      await deps.staff.addSession({ idHash: await sha256Hex(sessionId), staffId: staff.id, csrfToken, createdAt: now, expiresAt });
      return { staff, sessionId, csrfToken, expiresAt };
    },

    async session(sessionId: string) {
      return deps.staff.findSession(await sha256Hex(sessionId), deps.now());
    },

    async signOut(sessionId: string): Promise<void> {
      await deps.staff.deleteSession(await sha256Hex(sessionId));
    },
  };
}

export type StaffAuth = ReturnType<typeof createStaffAuth>;
