import type { ActionsBlock, Button } from '@slack/types';
import type { Packet } from '../../../src/core/support-packet.ts';
import { refundRefusal } from '../../../src/triage/approve-refund.ts';
import type { PacketDecision } from '../../../src/triage/packet-history.ts';
import { type StaffMember, TriageAction } from '../../../src/triage/triage-types.ts';
import { LIMITS, escapeSlack, formatWhen, mrkdwn, plain, userText } from './slack-text.ts';

/** The action ids of the triage buttons; each button's value is the packet's ref. */
export const ActionId = {
  approve: 'triage.approve',
  ask: 'triage.ask',
  assign: 'triage.assign',
  resolve: 'triage.resolve',
} as const;

const button = (actionId: string, label: string, ref: string, extra: Partial<Button> = {}): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(label, LIMITS.buttonText),
  value: ref,
  ...extra,
});

/** The decision buttons a packet offers as it stands; none once it is resolved. */
export function triageActions(packet: Packet): ActionsBlock | null {
  if (packet.status === 'resolved') return null;
  const elements: Button[] = [];
  const due = packet.findings?.refundDue ?? 0;
  if (refundRefusal(packet) === null) {
    const who = packet.accountEmail ? userText(packet.accountEmail, 150) : 'this account';
    elements.push(
      button(ActionId.approve, `Approve refund (${due} credits)`, packet.ref, {
        style: 'primary',
        confirm: {
          title: plain('Approve the refund?', 100),
          text: mrkdwn(`Refund ${due} credits to ${who} for ${packet.ref}? The user is told at once.`, 300),
          confirm: plain('Refund', 30),
          deny: plain('Cancel', 30),
        },
      }),
    );
  }
  elements.push(button(ActionId.ask, 'Ask for info', packet.ref));
  elements.push(button(ActionId.assign, 'Assign to me', packet.ref));
  elements.push(button(ActionId.resolve, 'Resolve', packet.ref));
  return { type: 'actions', block_id: `triage:${packet.ref}`, elements };
}

const actionWords: Record<string, (d: PacketDecision) => string> = {
  [TriageAction.refundApproved]: (d) => `Refund of ${d.amount ?? '?'} credits approved`,
  [TriageAction.infoRequested]: () => 'Asked the user for information',
  [TriageAction.resolved]: () => 'Resolved',
  [TriageAction.replySent]: () => 'Replied to the user',
};

/** Who decided, in the message: a Slack user by mention; a member of staff of the console by name. */
export function staffMention(staff: StaffMember): string {
  return staff.via === 'desk' ? `${escapeSlack(staff.name ?? staff.id)} (console)` : `<@${escapeSlack(staff.id)}>`;
}

/** One decision for the message's history: `Refund of 40 credits approved by <@U1> · 2026-11-24 10:02 UTC`. */
export function decisionLine(decision: PacketDecision): string {
  const who = staffMention(decision.staff);
  if (decision.action === TriageAction.assigned) return `Assigned to ${who} · ${formatWhen(decision.at)}`;
  const words = actionWords[decision.action]?.(decision) ?? escapeSlack(decision.action);
  return `${words} by ${who} · ${formatWhen(decision.at)}`;
}
