import type { Asking } from '../../flows/context.ts';
import { confirm, didntCatch, offerPerson } from '../../flows/replies.ts';
import type { ConversationService, TurnView } from '../chat/conversation-service.ts';
import type { ProcessMetrics } from './process-metrics.ts';

const askings = ['which_run', 'what_happened', 'arrived', 'retried', 'simplified', 'send_to_support', 'send'] as const satisfies readonly Asking[];
const notUnderstood = new Set([null, ...askings].flatMap((a) => [didntCatch(a), offerPerson(a)]));
const confirmations = new Set([null, ...askings].map((a) => confirm(a)));

/**
 * Whether a turn's answer is the flow's fallback, read from the answer (the flow keeps no count of
 * its own): "didn't catch that" (or, the second time, the offer of a person) is not understood; a
 * typed message answered only by the step's one-line question again is a confirmation.
 */
function fallbackOf(view: TurnView, typed: boolean): 'not_understood' | 'confirm' | null {
  const bot = view.messages.filter((m) => m.from === 'bot');
  if (bot.some((m) => notUnderstood.has(m.text))) return 'not_understood';
  if (typed && bot.length === 1 && confirmations.has(bot[0]?.text ?? '')) return 'confirm';
  return null;
}

/** The conversation service, with each turn's time and fallback counted in this process's metrics. */
export function timedConversations(service: ConversationService, metrics: ProcessMetrics, clock: () => number = () => performance.now()): ConversationService {
  async function timed(turn: () => Promise<TurnView>, typed: boolean): Promise<TurnView> {
    const started = clock();
    const view = await turn();
    metrics.observeTurn((clock() - started) / 1000);
    const fallback = fallbackOf(view, typed);
    if (fallback) metrics.countFallback(fallback);
    return view;
  }
  return {
    ...service,
    start: (identity, options) => timed(() => service.start(identity, options), false),
    send: (id, identity, input) => timed(() => service.send(id, identity, input), 'text' in input),
  };
}
