import type { SlackMessageRef, TriageStore } from './triage-store.ts';

/** The in-memory twin of the triage store: for unit tests and single-process experiments. */
export function createMemoryTriageStore(): TriageStore {
  const claims = new Map<string, { done: boolean; leaseUntil: number }>();
  const messages = new Map<string, SlackMessageRef>();

  return {
    async claim(key, now, leaseMs) {
      const held = claims.get(key);
      if (held && (held.done || held.leaseUntil > now)) return false;
      claims.set(key, { done: false, leaseUntil: now + leaseMs });
      return true;
    },
    async complete(key) {
      claims.set(key, { done: true, leaseUntil: 0 });
    },
    async release(key) {
      if (claims.get(key)?.done === false) claims.delete(key);
    },
    async rememberMessage(message) {
      messages.set(message.packetRef, { ...message });
    },
    async messageOf(packetRef) {
      const found = messages.get(packetRef);
      return found ? { ...found } : null;
    },
    async packetOfThread(channel, threadTs) {
      for (const m of messages.values()) if (m.channel === channel && m.ts === threadTs) return m.packetRef;
      return null;
    },
  };
}
