import type { Family } from './exposition.ts';

/** Bounds of a chat turn's time (seconds): a turn is quick unless it waits on the platform. */
export const CHAT_TURN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20] as const;

export type FallbackKind = 'confirm' | 'not_understood';

/**
 * What only this process sees, counted since it started: how long chat turns take and how often
 * the understanding fell back. Kept in fixed buckets, so memory does not grow with traffic.
 */
export function createProcessMetrics() {
  const turnCounts = CHAT_TURN_BUCKETS.map(() => 0);
  let turnsOver = 0;
  let turnSeconds = 0;
  const fallbacks: Record<FallbackKind, number> = { confirm: 0, not_understood: 0 };

  return {
    observeTurn(seconds: number): void {
      turnSeconds += seconds;
      const index = CHAT_TURN_BUCKETS.findIndex((le) => seconds <= le);
      if (index === -1) turnsOver++;
      else turnCounts[index] = (turnCounts[index] ?? 0) + 1;
    },

    countFallback(kind: FallbackKind): void {
      fallbacks[kind]++;
    },

    families(): Family[] {
      return [
        {
          name: 'desk_understanding_fallbacks_total',
          help: 'Chat turns the understanding could not act on: asked to confirm a guess, or not understood (this process).',
          type: 'counter',
          samples: (['confirm', 'not_understood'] as const).map((kind) => ({ labels: { kind }, value: fallbacks[kind] })),
        },
        {
          name: 'desk_chat_turn_seconds',
          help: 'Time to answer a chat turn, the account lookups included (this process).',
          type: 'histogram',
          samples: [{ buckets: CHAT_TURN_BUCKETS.map((le, i) => ({ le, count: turnCounts[i] ?? 0 })), over: turnsOver, sum: turnSeconds }],
        },
      ];
    },
  };
}

export type ProcessMetrics = ReturnType<typeof createProcessMetrics>;
