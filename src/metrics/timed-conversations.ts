import { didntCatch } from '../../flows/replies.ts';
import type { ConversationService, TurnView } from '../chat/conversation-service.ts';
import type { ProcessMetrics } from './process-metrics.ts';

/**
 * Whether a turn's answer is the flow's fallback. Read from the answer (the flow keeps no count of
 * its own): the "didn't catch that" reply is not understood; a confirmation of a guess counts as
 * `confirm` once the flow asks one (issue #25 leaves that kind for the flow to report).
 */
function fallbackOf(view: TurnView): 'not_understood' | null {
  return view.messages.some((m) => m.from === 'bot' && m.text === didntCatch) ? 'not_understood' : null;
}

/** The conversation service, with each turn's time and fallback counted in this process's metrics. */
export function timedConversations(service: ConversationService, metrics: ProcessMetrics, clock: () => number = () => performance.now()): ConversationService {
  async function timed(turn: () => Promise<TurnView>): Promise<TurnView> {
    const started = clock();
    const view = await turn();
    metrics.observeTurn((clock() - started) / 1000);
    const fallback = fallbackOf(view);
    if (fallback) metrics.countFallback(fallback);
    return view;
  }
  return {
    ...service,
    start: (identity, options) => timed(() => service.start(identity, options)),
    send: (id, identity, input) => timed(() => service.send(id, identity, input)),
  };
}
