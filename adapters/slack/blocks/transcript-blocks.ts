import type { KnownBlock } from '@slack/types';
import type { TranscriptEntry } from '../../../src/core/support-packet.ts';
import { LIMITS, cut, escapeSlack, formatWhen, mrkdwn } from './slack-text.ts';

const speaker: Record<TranscriptEntry['from'], string> = { user: 'User', bot: 'Assistant', agent: 'Support' };

/**
 * A transcript as sections of at most 3,000 characters, in at most `maxBlocks` blocks. Every
 * message is escaped (a transcript cannot ping `<!channel>` or smuggle a link). What does not fit
 * is cut, and a last line says how many messages were left out.
 */
export function transcriptBlocks(transcript: readonly TranscriptEntry[], maxBlocks: number): KnownBlock[] {
  if (transcript.length === 0 || maxBlocks < 3) return [];
  const entries = transcript.map((e) => {
    const when = formatWhen(e.at).replace(/^\d{4}-\d{2}-\d{2} /, '');
    return cut(`*${speaker[e.from]}* · ${when}\n${escapeSlack(e.text)}`, LIMITS.sectionText);
  });

  const sections: string[] = [];
  let current = '*Transcript*';
  let shown = 0;
  // Room for the sections: less the divider and the note on what was cut.
  const room = maxBlocks - 2;
  for (const entry of entries) {
    if (current.length + entry.length + 2 <= LIMITS.sectionText) {
      current = `${current}\n\n${entry}`;
      shown++;
      continue;
    }
    if (sections.length + 1 >= room) break;
    sections.push(current);
    current = entry;
    shown++;
  }
  sections.push(current);

  const blocks: KnownBlock[] = [{ type: 'divider' }, ...sections.map((text): KnownBlock => ({ type: 'section', text: mrkdwn(text) }))];
  const left = entries.length - shown;
  if (left > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`… ${left} later message${left === 1 ? '' : 's'} not shown (Block Kit's limits).`)] });
  }
  return blocks.slice(0, maxBlocks);
}
