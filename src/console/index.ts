export { type ConsoleDeps, consoleRoutes } from './console-routes.tsx';
export { Layout, type PageStaff } from './layout.tsx';
export { type ConsoleEnv, type GuardDeps, SESSION_COOKIE, deciderOf, pageStaff, requireStaff } from './require-staff.tsx';
export { SESSION_TTL_MS, SIGN_IN_LINK_TTL_MS, type StaffAuth, createStaffAuth } from './staff-auth.ts';
export type { StaffRecord, StaffStore } from './staff-store.ts';
