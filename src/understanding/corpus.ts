import { isIntent } from './intents.ts';
import type { LabelledUtterance } from './train.ts';

/**
 * Reads one intent's corpus file (`knowledge/nlu/<locale>/<intent>.txt`): one utterance a line,
 * `#` starts a comment line, blank lines are skipped. `none.txt` holds messages of details only
 * (a time, a studio, a prompt), learnt as no reading. Throws naming the file for an unknown intent.
 */
export function parseCorpusFile(fileName: string, text: string): LabelledUtterance[] {
  const intent = fileName.replace(/^.*\//, '').replace(/\.txt$/, '');
  if (intent !== 'none' && !isIntent(intent)) throw new Error(`${fileName}: "${intent}" is not an intent (see src/understanding/intents.ts)`);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => ({ text: line, intent: intent === 'none' ? 'None' : intent }));
}
