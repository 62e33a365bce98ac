import type { StaffMember } from '../../src/triage/triage-types.ts';
import type { SlackCalls } from './slack-calls.ts';

const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 500;

/**
 * Staff names as the user sees them under a reply ("Maria: …"): the Slack display name, else the
 * real name, else the name the payload carried. Looked up with users.info and kept for an hour; a
 * failed look-up falls back, it never stops a decision.
 */
export function createStaffNames(now: () => number = Date.now) {
  const cache = new Map<string, { name: string | null; until: number }>();

  return {
    async staffOf(slack: Pick<SlackCalls, 'userInfo'>, id: string, fallback: string | null | undefined): Promise<StaffMember> {
      const hit = cache.get(id);
      if (hit && hit.until > now()) return { id, name: hit.name ?? fallback ?? null };
      let name: string | null = null;
      try {
        const user = await slack.userInfo(id);
        const profile = user?.profile;
        name = profile?.display_name || profile?.real_name || user?.real_name || user?.name || null;
      } catch {
        return { id, name: fallback ?? null };
      }
      if (cache.size >= MAX_ENTRIES) cache.clear();
      cache.set(id, { name, until: now() + TTL_MS });
      return { id, name: name ?? fallback ?? null };
    },
  };
}
