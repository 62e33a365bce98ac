import type { KnownBlock } from '@slack/types';
import type { Incident } from '../../../src/incidents/incident-types.ts';
import { LIMITS, escapeSlack, mrkdwn, plain } from './slack-text.ts';
import type { SlackMessage } from './packet-message.ts';

/** The action id of an incident's Resolve button; its value is the incident's id. */
export const INCIDENT_RESOLVE = 'incident.resolve';

const studioNames = { image: 'Image Studio', video: 'Video Studio', music: 'Music Studio', storyboard: 'Storyboard Studio' } as const;

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Who resolved it: `quiet`, Slack's `slack:U…` (a mention), or the console's `desk:stf_… (Name)` (the name, as packet decisions show it). */
function resolver(by: string | null): string {
  if (by === 'quiet') return 'no new failure for a while';
  if (by?.startsWith('slack:')) return `<@${by.slice(6)}>`;
  const desk = by ? /^desk:\S+ \((.+)\)$/.exec(by) : null;
  return desk ? `${escapeSlack(desk[1] ?? '')} (console)` : escapeSlack(by ?? '');
}

/**
 * An incident's one message in the triage channel, drawn again at each change: the studio, the
 * error, since when and how many accounts; a Resolve button while it is open, who resolved it after.
 */
export function incidentMessage(incident: Incident): SlackMessage {
  const studio = studioNames[incident.studio];
  const state = incident.status === 'open' ? 'Open' : 'Resolved';
  const lines = [
    `*${studio}* · \`${escapeSlack(incident.error)}\``,
    `Failing for *${incident.accounts}* accounts since ${utc(incident.since)} (last failure ${utc(incident.lastFailureAt)}).`,
  ];
  if (incident.status === 'resolved' && incident.resolvedAt !== null) {
    lines.push(`Resolved ${utc(incident.resolvedAt)} (${resolver(incident.resolvedBy)}). Users who asked are told.`);
  } else {
    lines.push('Users whose runs match are told it is a known problem; packets of affected users name this incident.');
  }
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${state} incident ${incident.id} · ${studio}`, LIMITS.headerText) },
    { type: 'section', text: mrkdwn(lines.join('\n'), LIMITS.sectionText) },
  ];
  if (incident.status === 'open') {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: INCIDENT_RESOLVE,
          text: plain('Resolve incident', LIMITS.buttonText),
          value: incident.id,
          confirm: {
            title: plain('Resolve the incident?', 100),
            text: mrkdwn(`Mark ${incident.id} resolved? Users who asked to be told are told now.`, 300),
            confirm: plain('Resolve', 30),
            deny: plain('Cancel', 30),
          },
        },
      ],
    });
  }
  return { text: `${state} incident ${incident.id}: ${studio}, ${incident.error}, ${incident.accounts} accounts`, blocks };
}
