/** A member of staff who signs in to the console at /desk (`npm run cli -- staff add NAME EMAIL`). */
export interface StaffRecord {
  id: string;
  name: string;
  /** lowercase. */
  email: string;
  createdAt: number;
}

/** A signed-in session, as found by the hash of the id its cookie holds. */
export interface StaffSessionRecord {
  staff: StaffRecord;
  csrfToken: string;
  expiresAt: number;
}

/**
 * The console's staff, their one-time sign-in links and their sessions. Links and sessions are
 * kept by the SHA-256 of their secret only: a copy of the database signs nobody in. Implemented
 * over drizzle (better-sqlite3, D1).
 */
export interface StaffStore {
  /** Adds a member of staff; null when the address is taken already. */
  addStaff(record: StaffRecord): Promise<StaffRecord | null>;
  findStaffByEmail(email: string): Promise<StaffRecord | null>;
  /** Everyone, by name. */
  listStaff(): Promise<StaffRecord[]>;
  /** Removes a member of staff with their links and sessions; false when there was no such one. */
  removeStaff(id: string): Promise<boolean>;
  /** The number of open sessions per member of staff (for `staff list`). */
  countSessions(now: number): Promise<Map<string, number>>;

  addSignInLink(link: { tokenHash: string; staffId: string; createdAt: number; expiresAt: number }): Promise<void>;
  /** Whom an unused, unexpired link signs in, without using it (the confirmation page). */
  peekSignInLink(tokenHash: string, now: number): Promise<StaffRecord | null>;
  /**
   * Uses the link: one statement marks it used if it is unused and unexpired, so that of two
   * sign-ins with one link, one wins. Whom it signs in, or null.
   */
  useSignInLink(tokenHash: string, now: number): Promise<StaffRecord | null>;

  addSession(session: { idHash: string; staffId: string; csrfToken: string; createdAt: number; expiresAt: number }): Promise<void>;
  /** An unexpired session. */
  findSession(idHash: string, now: number): Promise<StaffSessionRecord | null>;
  deleteSession(idHash: string): Promise<void>;
  /** Deletes expired sessions and links; answers how many rows went. */
  deleteExpired(now: number): Promise<number>;
}
