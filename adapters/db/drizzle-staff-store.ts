import { and, asc, count, eq, gt, isNull, lte } from 'drizzle-orm';
import type { StaffRecord, StaffStore } from '../../src/console/staff-store.ts';
import type { DeskDb } from './desk-db.ts';
import { staff, staffSessions, staffSignInLinks } from './schema.ts';

/** The console's staff, links and sessions over drizzle: the same code on better-sqlite3 and on D1. */
export function createDrizzleStaffStore({ db, atomic }: DeskDb): StaffStore {
  const staffById = async (id: string): Promise<StaffRecord | null> => {
    const [row] = await db.select().from(staff).where(eq(staff.id, id));
    return row ?? null;
  };

  return {
    async addStaff(record) {
      const rows = await db
        .insert(staff)
        .values({ ...record, email: record.email.toLowerCase() })
        .onConflictDoNothing({ target: staff.email })
        .returning();
      return rows[0] ?? null;
    },

    async findStaffByEmail(email) {
      const [row] = await db.select().from(staff).where(eq(staff.email, email.toLowerCase()));
      return row ?? null;
    },

    async listStaff() {
      return db.select().from(staff).orderBy(asc(staff.name), asc(staff.email));
    },

    async removeStaff(id) {
      const existing = await staffById(id);
      if (!existing) return false;
      // Explicit, not only the foreign keys' cascade: a session must not outlive its member of staff.
      await atomic([
        db.delete(staffSessions).where(eq(staffSessions.staffId, id)),
        db.delete(staffSignInLinks).where(eq(staffSignInLinks.staffId, id)),
        db.delete(staff).where(eq(staff.id, id)),
      ]);
      return true;
    },

    async countSessions(now) {
      const rows = await db
        .select({ staffId: staffSessions.staffId, sessions: count() })
        .from(staffSessions)
        .where(gt(staffSessions.expiresAt, now))
        .groupBy(staffSessions.staffId);
      return new Map(rows.map((r) => [r.staffId, r.sessions]));
    },

    async addSignInLink(link) {
      await db.insert(staffSignInLinks).values({ ...link, usedAt: null });
    },

    async peekSignInLink(tokenHash, now) {
      const [row] = await db
        .select({ staffId: staffSignInLinks.staffId })
        .from(staffSignInLinks)
        .where(and(eq(staffSignInLinks.tokenHash, tokenHash), isNull(staffSignInLinks.usedAt), gt(staffSignInLinks.expiresAt, now)));
      return row ? staffById(row.staffId) : null;
    },

    async useSignInLink(tokenHash, now) {
      const [row] = await db
        .update(staffSignInLinks)
        .set({ usedAt: now })
        .where(and(eq(staffSignInLinks.tokenHash, tokenHash), isNull(staffSignInLinks.usedAt), gt(staffSignInLinks.expiresAt, now)))
        .returning({ staffId: staffSignInLinks.staffId });
      return row ? staffById(row.staffId) : null;
    },

    async addSession(session) {
      await db.insert(staffSessions).values(session);
    },

    async findSession(idHash, now) {
      const [row] = await db
        .select({ staff, csrfToken: staffSessions.csrfToken, expiresAt: staffSessions.expiresAt })
        .from(staffSessions)
        .innerJoin(staff, eq(staff.id, staffSessions.staffId))
        .where(and(eq(staffSessions.idHash, idHash), gt(staffSessions.expiresAt, now)));
      return row ?? null;
    },

    async deleteSession(idHash) {
      await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
    },

    async deleteExpired(now) {
      const sessions = await db.delete(staffSessions).where(lte(staffSessions.expiresAt, now)).returning({ id: staffSessions.idHash });
      const links = await db.delete(staffSignInLinks).where(lte(staffSignInLinks.expiresAt, now)).returning({ id: staffSignInLinks.tokenHash });
      return sessions.length + links.length;
    },
  };
}
