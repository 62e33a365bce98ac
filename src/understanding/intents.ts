/**
 * What a person means by one message, as the classifier names it. `yes` and `no` are bare
 * answers whose meaning the conversation's state decides; the rest carry their own meaning.
 */
export const intents = [
  'worked',
  'still_failing',
  'still_stuck',
  'send',
  'dont_send',
  'human',
  'refund',
  'greeting',
  'all_good',
  'yes',
  'no',
  'other',
  'report_problem',
  'question',
] as const;
export type Intent = (typeof intents)[number];

/**
 * Readings that lead to opposite actions: taking one for the other ends a conversation that is
 * not resolved, or sends (or withholds) a packet against the user's word. Never confidently.
 */
export const oppositePairs: ReadonlyArray<readonly [Intent, Intent]> = [
  ['worked', 'still_failing'],
  ['send', 'dont_send'],
  ['yes', 'no'],
];

/** The intent that is the opposite of `intent`, if any. */
export function oppositeOf(intent: Intent): Intent | null {
  for (const [a, b] of oppositePairs) {
    if (a === intent) return b;
    if (b === intent) return a;
  }
  return null;
}

export function isIntent(value: string): value is Intent {
  return (intents as readonly string[]).includes(value);
}

/** The flow states (chat-api.md) in which the bot has just asked how an attempt went. */
const askedHowItWent = new Set(['waiting', 'retry', 'simplify']);

/**
 * What an intent means in the state it was said in, where the two differ only by when they are
 * said: a failure described again after advice ("it failed") is `still_failing`; "still failing"
 * as a first message is a report. Every other intent is itself.
 */
export function inState(intent: Intent, state: string | null | undefined): Intent {
  if (intent === 'report_problem' && state && askedHowItWent.has(state)) return 'still_failing';
  if (intent === 'still_failing' && state === 'greeting') return 'report_problem';
  return intent;
}
