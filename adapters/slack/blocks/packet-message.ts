import type { KnownBlock } from '@slack/types';
import type { Packet } from '../../../src/core/support-packet.ts';
import type { AuditEntry } from '../../../src/core/support-store.ts';
import { LANGUAGE_NAMES_EN } from '../../../src/i18n/locales.ts';
import { INCIDENT_LINKED } from '../../../src/incidents/incident-types.ts';
import { assigneeOf, decisionsOf, verdictOf } from '../../../src/triage/packet-history.ts';
import { decisionLine, staffMention, triageActions } from './decision-blocks.ts';
import { findingsText } from './findings-text.ts';
import { LIMITS, escapeSlack, formatWhen, mrkdwn, plain, userText } from './slack-text.ts';
import { transcriptBlocks } from './transcript-blocks.ts';

export interface SlackMessage {
  /** The notification text (and what screen readers read). */
  text: string;
  blocks: KnownBlock[];
}

const stepWords = { retry: 'retried', simplify: 'simplified the prompt', checked_credits: 'checked credits' } as const;
const statusWords = { open: 'Open', needs_info: 'Waiting for the user', refunded: 'Refunded', resolved: 'Resolved' } as const;

const field = (label: string, value: string) => mrkdwn(`*${label}*\n${value || '—'}`, LIMITS.fieldText);

function settingsText(settings: Packet['settings']): string {
  if (!settings) return '';
  return Object.entries(settings)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** "Language: French · ": the user's language, when the desk knows it (their words are quoted as they wrote them). */
const languageLine = (packet: Packet) => (packet.locale ? `Language: ${LANGUAGE_NAMES_EN[packet.locale]} · ` : '');

/**
 * A packet as a triage message: a header with the ref and the verdict; fields for account, studio,
 * prompt, settings, error, when (UTC and the user's zone) and steps tried; the findings with amounts;
 * the decision buttons; a context line with the channel and whether the user was verified; the
 * decisions taken so far; the transcript. Everything the user wrote is escaped, and the message
 * stays inside Block Kit's limits (50 blocks, 3,000 characters a section).
 */
export function packetMessage(packet: Packet, audit: readonly AuditEntry[], options: { actions?: boolean } = {}): SlackMessage {
  const verdict = verdictOf(packet);
  const assignee = assigneeOf(audit);
  const account = packet.accountEmail ? userText(packet.accountEmail, 200) : '';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${packet.ref} · ${verdict}`, LIMITS.headerText) },
    {
      type: 'section',
      fields: [
        field('Account', account && (packet.verified ? account : `${account} (unverified)`)),
        field('Status', `${statusWords[packet.status]}${assignee ? ` · assigned to ${staffMention(assignee)}` : ''}`),
        field('Studio', packet.studio ?? ''),
        field('When', packet.occurredAt ? escapeSlack(formatWhen(packet.occurredAt, packet.timezone)) : ''),
        field('Prompt', packet.prompt ? userText(packet.prompt, 600) : ''),
        field('Settings', userText(settingsText(packet.settings), 600)),
        field('Error', packet.errorMessage ? userText(packet.errorMessage, 600) : ''),
        field('Steps tried', packet.stepsTried.map((s) => stepWords[s]).join(', ')),
        field('Runs', packet.generationIds.map((id) => `\`${escapeSlack(id)}\``).join(' ')),
        field('Still missing', packet.missing.join(', ')),
      ],
    },
    {
      type: 'section',
      text: mrkdwn(
        packet.findings
          ? `*Findings*\n${findingsText(packet.findings, { timezone: packet.timezone })}`
          : '*Findings*\nNone: the sender was not verified, so no account data is shown.',
      ),
    },
  ];
  if (options.actions !== false) {
    const actions = triageActions(packet);
    if (actions) blocks.push(actions);
  }
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `Channel: ${packet.channel} · ${packet.verified ? 'verified ✓' : 'not verified'} · ${languageLine(packet)}filed ${formatWhen(packet.createdAt)} · ref \`${packet.ref}\``,
      ),
    ],
  });
  // A packet filed while its failure was a known incident names it: staff answer the incident's message, not each packet.
  const incident = audit.find((e) => e.action === INCIDENT_LINKED);
  const incidentId = (incident?.evidence as { incidentId?: unknown } | null)?.incidentId;
  if (typeof incidentId === 'string') {
    blocks.push({ type: 'context', elements: [mrkdwn(`Part of incident \`${escapeSlack(incidentId)}\`: see its message in this channel.`)] });
  }
  const decisions = decisionsOf(audit).slice(-LIMITS.contextElements);
  if (decisions.length > 0) blocks.push({ type: 'context', elements: decisions.map((d) => mrkdwn(decisionLine(d))) });
  blocks.push(...transcriptBlocks(packet.transcript, LIMITS.blocksPerMessage - blocks.length));

  const text = `${packet.ref} · ${verdict}${account ? ` · ${account}` : ''}`;
  return { text, blocks };
}
